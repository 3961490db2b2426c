package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * {@code BPF_MAP_TYPE_PROG_ARRAY}: {@code max_entries} slots (u32 keys), each empty or holding a
 * program of the same object, the targets of {@code bpf_tail_call} (12). Only the host fills it
 * ({@link #set}), as in Linux, where only the {@code bpf()} syscall updates a program array: a
 * program's update or delete is {@code -EINVAL} and its lookup finds nothing.
 *
 * <p>Concurrency: a slot is one atomic int; a tail call sees either the old or the new program.
 * Listings show each filled slot's value as the program's index in the object (u32), where
 * Linux shows the program's id.
 */
final class ProgArrayMap extends KeylessMap {
    private static final int EMPTY = -1;
    private final AtomicIntegerArray slots;

    ProgArrayMap(BpfMap m) {
        super(m);
        if (m.keySize() != 4 || m.valueSize() != 4) {
            throw new IllegalArgumentException("map " + m.name() + ": a program array has 4-byte keys and values");
        }
        this.slots = new AtomicIntegerArray((int) Math.min(m.maxEntries(), 1 << 20));
        for (int i = 0; i < slots.length(); i++) {
            slots.set(i, EMPTY);
        }
    }

    /** The program in slot {@code index} (its index in the object), or empty; any u32 index. */
    OptionalInt target(long index) {
        if (index < 0 || index >= slots.length()) {
            return OptionalInt.empty();
        }
        int p = slots.get((int) index);
        return p == EMPTY ? OptionalInt.empty() : OptionalInt.of(p);
    }

    /** Puts program {@code program} (index in the object) in slot {@code index}, or clears it with empty. */
    void set(int index, OptionalInt program) {
        if (index < 0 || index >= slots.length()) {
            throw new IllegalArgumentException("map " + name() + " has slots 0.." + (slots.length() - 1) + ", not " + index);
        }
        slots.set(index, program.orElse(EMPTY));
    }

    int length() {
        return slots.length();
    }

    @Override
    void reset() {
        // The host's configuration, not program state: kept.
    }

    @Override
    List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (int i = 0; i < slots.length(); i++) {
            int p = slots.get(i);
            if (p != EMPTY) {
                out.add(new MapEntry(new byte[] {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), (byte) (i >>> 24)},
                        new byte[] {(byte) p, (byte) (p >>> 8), (byte) (p >>> 16), (byte) (p >>> 24)}));
            }
        }
        return out;
    }

    @Override
    boolean hasValues() {
        return false;
    }
}
