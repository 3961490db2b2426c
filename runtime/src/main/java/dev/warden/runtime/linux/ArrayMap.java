package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.MapKind;
import dev.warden.verifier.platform.MapLookup;
import dev.warden.vm.Access;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code BPF_MAP_TYPE_ARRAY} (and per-CPU array, and global data): {@code max_entries} values,
 * all present and zeroed at creation, indexed by a u32 key; no deletion. Values are allocated when
 * first touched, which changes nothing the program can see (an untouched value is zero).
 * {@code .rodata} ({@code BPF_F_RDONLY_PROG}) values are read-only to the program.
 *
 * <p>Concurrency: allocation publishes a value once (compare-and-set), so every thread sees the
 * same address for an index. An update copies into the value in place, as Linux's
 * {@code array_map_update_elem} does without {@code BPF_F_LOCK}: a reader running at the same time
 * may see a mix of old and new bytes (a torn value), never memory outside the value.
 */
final class ArrayMap extends LinuxMap {
    /** {@code BPF_F_RDONLY_PROG}. */
    static final long F_RDONLY_PROG = 0x80;

    private final ValueSlots slots;
    private final int length;
    private final int cpus;
    /** Index {@code cpu * length + i}. */
    private final AtomicReferenceArray<MemorySegment> values;
    private final byte[] initial;
    private final Access access;

    ArrayMap(BpfMap m, ValueSlots slots, int cpus) {
        super(m);
        this.slots = slots;
        this.cpus = cpus;
        this.length = (int) reachable(m.maxEntries(), cpus);
        this.values = new AtomicReferenceArray<>(length * cpus);
        this.initial = m.kind() == MapKind.GLOBAL_DATA ? m.initialValue() : new byte[0];
        this.access = (m.flags() & F_RDONLY_PROG) != 0 ? Access.READ_ONLY : Access.READ_WRITE;
        if (m.kind() == MapKind.GLOBAL_DATA && length > 0) {
            value(0, 0);
        }
    }

    /**
     * How many of {@code maxEntries} elements a program can reach when {@code cpus} CPUs each have
     * their own: programs index at most 2^32 entries, but a huge declaration only ever touches a
     * few. Keys below {@link MapLookup#CONSTANT_KEY_LIMIT} always exist: the verifier calls their
     * lookups non-null.
     */
    static long reachable(long maxEntries, int cpus) {
        return Math.min(maxEntries, Math.max((1 << 20) / cpus, MapLookup.CONSTANT_KEY_LIMIT));
    }

    private MemorySegment value(int index, int cpu) {
        int slot = cpu * length + index;
        MemorySegment v = values.get(slot);
        if (v == null) {
            synchronized (this) { // one allocation per value, even when two threads race to it
                v = values.get(slot);
                if (v == null) {
                    v = slots.allocate(valueSize(), access, name() + "[" + index + "]" + (cpus > 1 ? " cpu " + cpu : ""));
                    if (initial.length > 0) { // new memory is zeroed: only global data writes here (inside a write scope)
                        fillInitial(v);
                    }
                    values.set(slot, v);
                    if (cpus == 1 && indexed()) {
                        placed(v, indexKey(index));
                    }
                }
            }
        }
        return v;
    }

    private void fillInitial(MemorySegment v) {
        v.fill((byte) 0);
        MemorySegment.copy(initial, 0, v, ValueLayout.JAVA_BYTE, 0, (int) Math.min(initial.length, v.byteSize()));
    }

    /** The address of value {@code index}: what a {@code MAP_IDX_VALUE} load of global data resolves to. */
    long valueAddress(int index) {
        return value(index, 0).address();
    }

    private int index(byte[] key) {
        if (key.length < 4) {
            return -1;
        }
        long i = (key[0] & 0xffL) | (key[1] & 0xffL) << 8 | (key[2] & 0xffL) << 16 | (key[3] & 0xffL) << 24;
        return i < length ? (int) i : -1;
    }

    @Override
    long lookup(byte[] key, int cpu) {
        int i = index(key);
        return i < 0 ? 0 : value(i, cpu % cpus).address();
    }

    @Override
    long update(byte[] key, byte[] value, long flags, int cpu) {
        int i = index(key);
        // Linux's array_map_update_elem, in its order.
        if ((flags & ~BPF_F_LOCK) > BPF_EXIST || flags < 0) {
            return -Errno.EINVAL;
        }
        if (i < 0) {
            return -Errno.E2BIG;
        }
        if ((flags & BPF_NOEXIST) != 0) {
            return -Errno.EEXIST; // every element of an array exists
        }
        if ((flags & BPF_F_LOCK) != 0) {
            return -Errno.EINVAL;
        }
        MemorySegment target = value(i, cpu % cpus);
        MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, 0, Math.min(value.length, valueSize()));
        released(target); // after the copy, as Linux's array_map_update_elem frees the value's fields
        return 0;
    }

    @Override
    long delete(byte[] key) {
        return -Errno.EINVAL;
    }

    @Override
    void reset() {
        for (int s = 0; s < values.length(); s++) {
            MemorySegment v = values.get(s);
            if (v != null) {
                fillInitial(v);
                released(v);
            }
        }
    }

    @Override
    synchronized void indexPresent() {
        if (cpus == 1) {
            for (int i = 0; i < length; i++) {
                MemorySegment v = values.get(i);
                if (v != null) {
                    placed(v, indexKey(i));
                }
            }
        }
    }

    private static byte[] indexKey(int index) {
        return new byte[] {(byte) index, (byte) (index >>> 8), (byte) (index >>> 16), (byte) (index >>> 24)};
    }

    @Override
    boolean valueStartsAt(byte[] key, long start) {
        return true; // an array's values stay at their index for the map's life
    }

    @Override
    List<byte[]> valuesPerCpu(byte[] key) {
        int i = index(key);
        if (i < 0) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(cpus);
        for (int c = 0; c < cpus; c++) {
            MemorySegment v = values.get(c * length + i);
            out.add(v == null ? initialBytes() : v.toArray(ValueLayout.JAVA_BYTE));
        }
        return out;
    }

    private byte[] initialBytes() {
        byte[] b = new byte[valueSize()];
        System.arraycopy(initial, 0, b, 0, Math.min(initial.length, b.length));
        return b;
    }

    @Override
    List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            boolean touched = false;
            for (int c = 0; c < cpus && !touched; c++) {
                touched = values.get(c * length + i) != null;
            }
            if (!touched && initial.length == 0) {
                continue; // untouched and zero: kept out of listings of large arrays
            }
            byte[] key = {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), (byte) (i >>> 24)};
            List<byte[]> v = valuesPerCpu(key);
            out.add(new MapEntry(key, perCpu() ? concatPerCpu(v, valueSize()) : v.get(0)));
        }
        return out;
    }

    @Override
    int cpuCount() {
        return cpus;
    }

    @Override
    boolean hasValues() {
        return true;
    }
}
