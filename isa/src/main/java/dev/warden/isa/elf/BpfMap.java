package dev.warden.isa.elf;

import java.util.Arrays;

/**
 * A map the object declares, in the loader's order (legacy maps, then BTF maps, then global data):
 * {@code index} is what a {@link dev.warden.isa.Pseudo#MAP_IDX} load names. Sizes are those of the
 * declaration; {@code initialValue} holds a global data section's initial contents (zeros for
 * {@code .bss}) and is empty for other maps.
 */
public record BpfMap(int index, String name, MapKind kind, int type, long keySize, long valueSize, long maxEntries,
                     long flags, byte[] initialValue) {
    public BpfMap {
        initialValue = initialValue.clone();
    }

    @Override
    public byte[] initialValue() {
        return initialValue.clone();
    }

    public String typeName() {
        return MapType.name(type);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BpfMap m && m.index == index && m.name.equals(name) && m.kind == kind && m.type == type
                && m.keySize == keySize && m.valueSize == valueSize && m.maxEntries == maxEntries && m.flags == flags
                && Arrays.equals(m.initialValue, initialValue);
    }

    @Override
    public int hashCode() {
        return (index * 31 + name.hashCode()) * 31 + Arrays.hashCode(initialValue);
    }

    @Override
    public String toString() {
        return "BpfMap[" + index + " " + name + " " + kind + " " + typeName() + " key " + keySize + " value " + valueSize
                + " max " + maxEntries + " flags " + flags + "]";
    }
}
