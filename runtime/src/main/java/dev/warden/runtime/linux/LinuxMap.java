package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import java.util.List;

/**
 * A map with Linux's semantics, its values in native memory ({@link ValueSlots}). Keys and values
 * cross the boundary as byte arrays; lookups give the value's real address, which the program
 * then reads and writes directly, as in the kernel.
 *
 * <p>Per-CPU maps behave as their plain counterparts: the runtime has one CPU, and a per-CPU
 * lookup returns this CPU's value.
 */
abstract sealed class LinuxMap permits ArrayMap, HashTableMap, OpaqueMap {
    /** {@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST}: update flags (the low bits). */
    static final long BPF_ANY = 0;
    static final long BPF_NOEXIST = 1;
    static final long BPF_EXIST = 2;

    private final BpfMap declaration;

    LinuxMap(BpfMap declaration) {
        this.declaration = declaration;
    }

    BpfMap declaration() {
        return declaration;
    }

    String name() {
        return declaration.name();
    }

    int keySize() {
        return (int) declaration.keySize();
    }

    int valueSize() {
        return (int) declaration.valueSize();
    }

    /** The value's address, or 0 when there is none (key absent, index out of range). */
    abstract long lookup(byte[] key);

    /** 0, or a negative errno: {@code -EEXIST}, {@code -ENOENT}, {@code -E2BIG}, {@code -EINVAL}. */
    abstract long update(byte[] key, byte[] value, long flags);

    /** 0, or a negative errno. */
    abstract long delete(byte[] key);

    /** Back to the state of a freshly created map (global data: its initial value). */
    abstract void reset();

    /** The entries a program could find, in a deterministic order (index order; insertion order). */
    abstract List<MapEntry> entries();

    /** Whether the program can address values of this map at all (arrays and hashes). */
    abstract boolean hasValues();

    /** Makes the storage for a declaration (types the runtime cannot model become {@link OpaqueMap}). */
    /** Whether {@link #create} gives {@code m} value storage of exactly its value size (array and hash kinds). */
    static boolean storesValues(BpfMap m) {
        return switch (m.type()) {
            case 1, 2, 5, 6, 9, 10 -> true;
            default -> false;
        };
    }

    static LinuxMap create(BpfMap m, ValueSlots slots) {
        return switch (m.type()) {
            case 2, 6 -> new ArrayMap(m, slots);                   // array, percpu_array
            case 1, 5 -> new HashTableMap(m, slots, HashTableMap.Eviction.NONE);   // hash, percpu_hash
            case 9, 10 -> new HashTableMap(m, slots, HashTableMap.Eviction.LEAST_RECENTLY_USED); // lru (percpu) hash
            default -> new OpaqueMap(m);
        };
    }
}
