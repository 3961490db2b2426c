package dev.warden.runtime.linux;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * A map of a loaded object as the host sees it: the operations of Linux's {@code bpf()} syscall
 * on it, with its flags and error codes. Safe to use while programs run on other threads (see
 * docs/runtime.md, "Concurrency"). Keys and values are byte arrays in the program's layout
 * (little-endian numbers); errors are Linux's negative errno values, returned, not thrown.
 */
public final class HostMap {
    /** {@code BPF_ANY}: create or replace. */
    public static final long ANY = LinuxMap.BPF_ANY;
    /** {@code BPF_NOEXIST}: create only. */
    public static final long NOEXIST = LinuxMap.BPF_NOEXIST;
    /** {@code BPF_EXIST}: replace only (for a queue or stack push: drop the oldest when full). */
    public static final long EXIST = LinuxMap.BPF_EXIST;

    private final LinuxMap map;
    /** Program name → its index in the object if a tail call may start it here, or -1. */
    private final ToIntFunction<String> programs;
    /** How the host reaches the values outside runs. */
    private final MapProtection protection;
    /** The memory the values live in: once freed (the extension detached), every operation is refused. */
    private final ValueSlots slots;

    HostMap(LinuxMap map, ToIntFunction<String> programs, ValueSlots slots) {
        this.map = map;
        this.programs = programs;
        this.slots = slots;
        this.protection = slots.protection();
    }

    /**
     * Runs one operation counted as in flight on the maps' memory, so that a {@code close()} racing
     * it frees the memory only after it; refuses it once the memory is freed (a handle kept past
     * {@code close()}).
     */
    private <T> T attached(Supplier<T> operation) {
        int stripe = slots.beginHostOperation();
        if (stripe < 0) {
            throw new IllegalStateException("map " + map.name() + " belongs to a detached extension: its memory is freed");
        }
        try {
            return operation.get();
        } finally {
            slots.endHostOperation(stripe);
        }
    }

    public String name() {
        return map.name();
    }

    /** Linux's {@code BPF_MAP_TYPE_*} number. */
    public int type() {
        return map.declaration().type();
    }

    public int keySize() {
        return map.keySize();
    }

    public int valueSize() {
        return map.valueSize();
    }

    /**
     * The value of {@code key} (arrays, hashes, LPM tries: for an LPM trie the longest matching
     * prefix); for a per-CPU map, CPU 0's value ({@link #lookupPerCpu} gives all). Empty if absent.
     */
    public Optional<byte[]> lookup(byte[] key) {
        List<byte[]> v = lookupPerCpu(key);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** Every CPU's value of {@code key}, by CPU (one element for a map that is not per-CPU). */
    public List<byte[]> lookupPerCpu(byte[] key) {
        return attached(() -> {
            checkKey(key);
            return protection.readsNeedAScope() ? protection.read(() -> map.valuesPerCpu(key)) : map.valuesPerCpu(key);
        });
    }

    /**
     * Stores {@code value} under {@code key} with Linux's {@code flags}; for a per-CPU map, on
     * every CPU. Returns 0 or a negative errno ({@code -EEXIST}, {@code -ENOENT}, {@code -E2BIG},
     * {@code -ENOSPC}, {@code -EINVAL}).
     */
    public long update(byte[] key, byte[] value, long flags) {
        return attached(() -> {
            checkKey(key);
            if (value.length != valueSize()) {
                throw new IllegalArgumentException("map " + name() + " has " + valueSize() + "-byte values, not " + value.length);
            }
            if ((flags & LinuxMap.BPF_F_LOCK) != 0) {
                return -Errno.EINVAL; // the syscall refuses it before the map sees it, for values without a lock
            }
            return protection.writesNeedAScope() ? protection.write(() -> updateOpen(key, value, flags)) : updateOpen(key, value, flags);
        });
    }

    private long updateOpen(byte[] key, byte[] value, long flags) {
        if (!map.perCpu()) {
            return map.update(key, value, flags, 0);
        }
        long rc = map.update(key, value, flags, 0);
        // Linux's syscall sets every CPU's value; the first update created the element, so the rest replace.
        for (int cpu = 1; rc == 0 && cpu < cpus(); cpu++) {
            rc = map.update(key, value, LinuxMap.BPF_EXIST, cpu);
        }
        return rc;
    }

    private int cpus() {
        return map.cpuCount();
    }

    /** Deletes {@code key}: 0 or a negative errno ({@code -ENOENT}; {@code -EINVAL} for arrays). */
    public long delete(byte[] key) {
        return attached(() -> {
            checkKey(key);
            return protection.writesNeedAScope() ? protection.write(() -> map.delete(key)) : map.delete(key);
        });
    }

    /** Every entry in a deterministic order (see {@code warden exec --maps}). */
    public List<MapEntry> entries() {
        return attached(() -> protection.read(map::entries));
    }

    /** Queue or stack: pushes {@code value}; 0, {@code -E2BIG} (full, without {@link #EXIST}) or {@code -EINVAL}. */
    public long push(byte[] value, long flags) {
        return attached(() -> {
            QueueStackMap q = queue();
            return protection.writesNeedAScope() ? protection.write(() -> q.push(value, flags)) : q.push(value, flags);
        });
    }

    /** Queue or stack: takes the next value (a removal, so a write, as {@link #delete} is). */
    public Optional<byte[]> pop() {
        return attached(() -> {
            QueueStackMap q = queue();
            return protection.writesNeedAScope() ? protection.writeAndGet(q::pop) : q.pop();
        });
    }

    /** Queue or stack: the next value, kept. */
    public Optional<byte[]> peek() {
        return attached(() -> {
            QueueStackMap q = queue();
            return protection.readsNeedAScope() ? protection.read(q::peek) : q.peek();
        });
    }

    /** Ring buffer: the records submitted since the last poll, in order, up to the first still reserved. */
    public List<byte[]> poll() {
        return attached(() -> {
            if (map instanceof RingBufMap r) {
                return protection.read(r::poll);
            }
            throw new UnsupportedOperationException("map " + name() + " is no ring buffer");
        });
    }

    /**
     * Program array: puts the program called {@code program} into slot {@code slot}, where a
     * tail call finds it.
     *
     * @throws IllegalArgumentException if the object has no such program loaded, or the slot is out of range
     */
    public void setProgram(int slot, String program) {
        attached(() -> {
            int index = programs.applyAsInt(program);
            if (index < 0) {
                throw new IllegalArgumentException("map " + name() + ": no program called " + program
                        + " is loaded with this object (only loaded programs can be tail-call targets)");
            }
            progArray().set(slot, OptionalInt.of(index));
            return null;
        });
    }

    /** Program array: empties slot {@code slot}. */
    public void clearProgram(int slot) {
        attached(() -> {
            progArray().set(slot, OptionalInt.empty());
            return null;
        });
    }

    private ProgArrayMap progArray() {
        if (map instanceof ProgArrayMap p) {
            return p;
        }
        throw new UnsupportedOperationException("map " + name() + " is no program array");
    }

    private QueueStackMap queue() {
        if (map instanceof QueueStackMap q) {
            return q;
        }
        throw new UnsupportedOperationException("map " + name() + " is no queue or stack");
    }

    private void checkKey(byte[] key) {
        if (key.length != keySize()) {
            throw new IllegalArgumentException("map " + name() + " has " + keySize() + "-byte keys, not " + key.length);
        }
    }

    LinuxMap map() {
        return map;
    }
}
