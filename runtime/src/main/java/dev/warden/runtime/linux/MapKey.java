package dev.warden.runtime.linux;

import java.util.Arrays;
import java.util.HexFormat;

/** A map key's bytes, compared by content (a hash map's key). */
record MapKey(byte[] bytes) {
    MapKey {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapKey k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
