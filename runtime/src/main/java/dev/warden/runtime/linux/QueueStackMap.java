package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code BPF_MAP_TYPE_QUEUE} (first in, first out) and {@code BPF_MAP_TYPE_STACK} (last in, first
 * out): at most {@code max_entries} values, no keys ({@code key_size} 0). Programs use
 * {@code bpf_map_push_elem} (87), {@code bpf_map_pop_elem} (88) and {@code bpf_map_peek_elem} (89);
 * values are copied in and out, so a program never addresses the map's storage.
 *
 * <p>Linux's {@code queue_stack_maps.c}: a push with flags other than {@code BPF_EXIST} (0 or 2)
 * is {@code -EINVAL}; a push into a full map is {@code -E2BIG} unless {@code BPF_EXIST} is given,
 * which first drops the oldest value (for a stack too); pop and peek of an empty map are
 * {@code -ENOENT}. Lookup finds nothing and update and delete are {@code -EINVAL}, as there.
 * Every operation holds the map's lock (Linux's is a spin lock), so concurrent pushes and pops
 * neither lose nor duplicate a value.
 *
 * <p>Storage: a ring of {@code max_entries × value_size} bytes of native memory from the object's
 * {@link ValueSlots}, so under isolation the values lie under the extension key like every other
 * map's ({@link ValueSlots#allocateUnaddressed}): pushes write it inside a run's scope or a host
 * write scope ({@link HostMap#push}), and it is read-only between them. The ring is not a region
 * of the program's memory (programs only copy through the helpers). It is allocated at the first
 * push, as a map that is never pushed to then costs nothing; Linux allocates it with the map.
 */
final class QueueStackMap extends KeylessMap {
    /** Which end pop takes from. */
    enum Order {
        FIFO,
        LIFO
    }

    private final Order order;
    private final ValueSlots slots;
    private final long capacity;
    private final int valueSize;
    /** The ring, once the first push allocated it. */
    private MemorySegment ring = MemorySegment.NULL;
    /** Slot of the oldest value. */
    private long head;
    private long count;

    QueueStackMap(BpfMap m, ValueSlots slots, Order order) {
        super(m);
        if (m.keySize() != 0) {
            throw new IllegalArgumentException("map " + m.name() + ": a queue or stack has key size 0, not " + m.keySize());
        }
        this.order = order;
        this.slots = slots;
        this.capacity = m.maxEntries();
        this.valueSize = valueSize();
    }

    /** 0, {@code -EINVAL} (flags), {@code -E2BIG} (full). */
    synchronized long push(byte[] value, long flags) {
        if ((flags & ~BPF_EXIST) != 0) {
            return -Errno.EINVAL;
        }
        if (count >= capacity) {
            if (flags != BPF_EXIST || count == 0) {
                return -Errno.E2BIG;
            }
            drop(head); // the oldest, for a queue and for a stack
        }
        if (ring.byteSize() == 0 && !allocateRing()) {
            return -Errno.ENOMEM;
        }
        long at = offset((head + count) % capacity);
        int n = Math.min(value.length, valueSize);
        MemorySegment.copy(value, 0, ring, ValueLayout.JAVA_BYTE, at, n);
        if (n < valueSize) {
            ring.asSlice(at + n, valueSize - n).fill((byte) 0); // a short value is padded, as a copy to value_size would
        }
        count++;
        return 0;
    }

    private void drop(long oldest) {
        head = (oldest + 1) % capacity;
        count--;
    }

    /** The next value and removes it, or empty. */
    synchronized Optional<byte[]> pop() {
        if (count == 0) {
            return Optional.empty();
        }
        byte[] v = copy(next());
        if (order == Order.FIFO) {
            drop(head);
        } else {
            count--;
        }
        return Optional.of(v);
    }

    /** The next value, or empty. */
    synchronized Optional<byte[]> peek() {
        return count == 0 ? Optional.empty() : Optional.of(copy(next()));
    }

    /** The slot pop takes from; the map is not empty. */
    private long next() {
        return order == Order.FIFO ? head : (head + count - 1) % capacity;
    }

    /**
     * Allocates the ring at the first push. A declaration too large for this process (Linux would
     * refuse to create it, with {@code -ENOMEM} or {@code -E2BIG}) makes that push {@code -ENOMEM},
     * so an object that declares but never fills such a map still loads and runs.
     */
    private boolean allocateRing() {
        try {
            ring = slots.allocateUnaddressed(Math.multiplyExact(capacity, (long) valueSize));
            return true;
        } catch (ArithmeticException | IllegalArgumentException | IllegalStateException | OutOfMemoryError e) {
            return false;
        }
    }

    /** Where slot {@code index} starts in the ring (which exists once anything was pushed). */
    private long offset(long index) {
        return index * valueSize;
    }

    private byte[] copy(long index) {
        byte[] out = new byte[valueSize];
        MemorySegment.copy(ring, ValueLayout.JAVA_BYTE, offset(index), out, 0, valueSize);
        return out;
    }

    synchronized int size() {
        return (int) count;
    }

    /** Where the ring's bytes lie (0 before the first push): what a test checks the protection of. */
    synchronized long storageAddress() {
        return ring.address();
    }

    @Override
    synchronized void reset() {
        head = 0;
        count = 0;
    }

    /** The values in pop order, keyed by their position (a listing; Linux has no keys here). */
    @Override
    synchronized List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long index = order == Order.FIFO ? head + i : head + count - 1 - i;
            out.add(new MapEntry(new byte[0], copy(index % capacity)));
        }
        return out;
    }

    @Override
    boolean hasValues() {
        return false;
    }
}
