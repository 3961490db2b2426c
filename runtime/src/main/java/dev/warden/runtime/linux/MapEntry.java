package dev.warden.runtime.linux;

import java.util.HexFormat;

/**
 * One key and value of a map, as bytes (copies). What {@code warden exec --maps} prints, and
 * what an input puts in a map before a run.
 */
public record MapEntry(byte[] key, byte[] value) {
    public MapEntry {
        key = key.clone();
        value = value.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(key) + " -> " + HexFormat.of().formatHex(value);
    }
}
