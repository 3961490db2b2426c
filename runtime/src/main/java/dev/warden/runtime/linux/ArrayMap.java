package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.MapKind;
import dev.warden.vm.Access;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code BPF_MAP_TYPE_ARRAY} (and per-CPU array, and global data): {@code max_entries} values,
 * all present and zeroed at creation, indexed by a u32 key; no deletion. Values are allocated when
 * first touched, which changes nothing the program can see (an untouched value is zero).
 * {@code .rodata} ({@code BPF_F_RDONLY_PROG}) values are read-only to the program.
 */
final class ArrayMap extends LinuxMap {
    /** {@code BPF_F_RDONLY_PROG}. */
    static final long F_RDONLY_PROG = 0x80;

    private final ValueSlots slots;
    private final MemorySegment[] values;
    private final byte[] initial;
    private final Access access;

    ArrayMap(BpfMap m, ValueSlots slots) {
        super(m);
        this.slots = slots;
        // Programs index at most 2^32 entries; a huge declaration only ever touches a few.
        this.values = new MemorySegment[(int) Math.min(m.maxEntries(), 1 << 20)];
        this.initial = m.kind() == MapKind.GLOBAL_DATA ? m.initialValue() : new byte[0];
        this.access = (m.flags() & F_RDONLY_PROG) != 0 ? Access.READ_ONLY : Access.READ_WRITE;
        if (m.kind() == MapKind.GLOBAL_DATA && values.length > 0) {
            value(0);
        }
    }

    private MemorySegment value(int index) {
        if (values[index] == null) {
            values[index] = slots.allocate(valueSize(), access, name() + "[" + index + "]");
            fillInitial(values[index]);
        }
        return values[index];
    }

    private void fillInitial(MemorySegment v) {
        v.fill((byte) 0);
        MemorySegment.copy(initial, 0, v, ValueLayout.JAVA_BYTE, 0, (int) Math.min(initial.length, v.byteSize()));
    }

    /** The address of value {@code index}: what a {@code MAP_IDX_VALUE} load of global data resolves to. */
    long valueAddress(int index) {
        return value(index).address();
    }

    private int index(byte[] key) {
        if (key.length < 4) {
            return -1;
        }
        long i = (key[0] & 0xffL) | (key[1] & 0xffL) << 8 | (key[2] & 0xffL) << 16 | (key[3] & 0xffL) << 24;
        return i < values.length ? (int) i : -1;
    }

    @Override
    long lookup(byte[] key) {
        int i = index(key);
        return i < 0 ? 0 : value(i).address();
    }

    @Override
    long update(byte[] key, byte[] value, long flags) {
        int i = index(key);
        if ((flags & 3) > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        if (i < 0) {
            return -Errno.E2BIG;
        }
        if ((flags & 3) == BPF_NOEXIST) {
            return -Errno.EEXIST; // every element of an array exists
        }
        MemorySegment.copy(value, 0, value(i), ValueLayout.JAVA_BYTE, 0, Math.min(value.length, valueSize()));
        return 0;
    }

    @Override
    long delete(byte[] key) {
        return -Errno.EINVAL;
    }

    @Override
    void reset() {
        for (MemorySegment v : values) {
            if (v != null) {
                fillInitial(v);
            }
        }
    }

    @Override
    List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            byte[] v = values[i] == null ? new byte[valueSize()] : values[i].toArray(ValueLayout.JAVA_BYTE);
            if (values[i] == null && initial.length == 0) {
                continue; // untouched and zero: kept out of listings of large arrays
            }
            out.add(new MapEntry(new byte[] {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), (byte) (i >>> 24)}, v));
        }
        return out;
    }

    @Override
    boolean hasValues() {
        return true;
    }
}
