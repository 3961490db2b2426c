package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

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
 */
final class QueueStackMap extends KeylessMap {
    /** Which end pop takes from. */
    enum Order {
        FIFO,
        LIFO
    }

    private final Order order;
    private final ArrayDeque<byte[]> values = new ArrayDeque<>();

    QueueStackMap(BpfMap m, Order order) {
        super(m);
        if (m.keySize() != 0) {
            throw new IllegalArgumentException("map " + m.name() + ": a queue or stack has key size 0, not " + m.keySize());
        }
        this.order = order;
    }

    /** 0, {@code -EINVAL} (flags), {@code -E2BIG} (full). */
    synchronized long push(byte[] value, long flags) {
        if ((flags & ~BPF_EXIST) != 0) {
            return -Errno.EINVAL;
        }
        if (values.size() >= declaration().maxEntries()) {
            if (flags != BPF_EXIST || values.isEmpty()) {
                return -Errno.E2BIG;
            }
            values.pollFirst(); // the oldest, for a queue and for a stack
        }
        values.addLast(java.util.Arrays.copyOf(value, valueSize()));
        return 0;
    }

    /** The next value and removes it, or empty. */
    synchronized java.util.Optional<byte[]> pop() {
        byte[] v = order == Order.FIFO ? values.pollFirst() : values.pollLast();
        return java.util.Optional.ofNullable(v);
    }

    /** The next value, or empty. */
    synchronized java.util.Optional<byte[]> peek() {
        byte[] v = order == Order.FIFO ? values.peekFirst() : values.peekLast();
        return java.util.Optional.ofNullable(v).map(byte[]::clone);
    }

    synchronized int size() {
        return values.size();
    }

    @Override
    synchronized void reset() {
        values.clear();
    }

    /** The values in pop order, keyed by their position (a listing; Linux has no keys here). */
    @Override
    synchronized List<MapEntry> entries() {
        List<byte[]> inOrder = new ArrayList<>(values);
        if (order == Order.LIFO) {
            java.util.Collections.reverse(inOrder);
        }
        List<MapEntry> out = new ArrayList<>();
        for (byte[] v : inOrder) {
            out.add(new MapEntry(new byte[0], v));
        }
        return out;
    }

    @Override
    boolean hasValues() {
        return false;
    }
}
