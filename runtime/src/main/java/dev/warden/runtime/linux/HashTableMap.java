package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import dev.warden.vm.Access;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code BPF_MAP_TYPE_HASH} and its per-CPU and LRU variants: at most {@code max_entries} keys of
 * {@code key_size} bytes. A deleted element's value memory stays addressable and is reused by a
 * later insertion, as with the kernel's preallocated hash maps: a program that kept the pointer
 * reads whatever is there now, which is memory-safe.
 */
final class HashTableMap extends LinuxMap {
    /** What an insertion into a full map does. */
    enum Eviction {
        /** Fails with {@code -E2BIG}. */
        NONE,
        /** Evicts the least recently used element (LRU hash). */
        LEAST_RECENTLY_USED
    }

    private final ValueSlots slots;
    private final Eviction eviction;
    private final LinkedHashMap<MapKey, MemorySegment> elements;
    private final Deque<MemorySegment> free = new ArrayDeque<>();
    private int allocated;

    HashTableMap(BpfMap m, ValueSlots slots, Eviction eviction) {
        super(m);
        this.slots = slots;
        this.eviction = eviction;
        // Access order for LRU: iteration then starts at the least recently used element.
        this.elements = new LinkedHashMap<>(16, 0.75f, eviction == Eviction.LEAST_RECENTLY_USED);
    }

    private MemorySegment slot() {
        MemorySegment s = free.pollFirst();
        if (s == null) {
            s = slots.allocate(valueSize(), Access.READ_WRITE, name() + " value " + allocated++);
        }
        return s;
    }

    @Override
    long lookup(byte[] key) {
        MemorySegment v = elements.get(new MapKey(key));
        return v == null ? 0 : v.address();
    }

    @Override
    long update(byte[] key, byte[] value, long flags) {
        long mode = flags & 3;
        if (mode > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        MapKey k = new MapKey(key);
        MemorySegment v = elements.get(k);
        if (v != null && mode == BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        if (v == null && mode == BPF_EXIST) {
            return -Errno.ENOENT;
        }
        if (v == null) {
            if (elements.size() >= declaration().maxEntries()) {
                if (eviction == Eviction.NONE || elements.isEmpty()) {
                    return -Errno.E2BIG;
                }
                Map.Entry<MapKey, MemorySegment> oldest = elements.entrySet().iterator().next();
                elements.remove(oldest.getKey());
                free.addLast(oldest.getValue());
            }
            v = slot();
            elements.put(k, v);
        }
        v.fill((byte) 0);
        MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, Math.min(value.length, valueSize()));
        return 0;
    }

    @Override
    long delete(byte[] key) {
        MemorySegment v = elements.remove(new MapKey(key));
        if (v == null) {
            return -Errno.ENOENT;
        }
        free.addLast(v);
        return 0;
    }

    @Override
    void reset() {
        for (MemorySegment v : elements.values()) {
            v.fill((byte) 0);
            free.addLast(v);
        }
        elements.clear();
    }

    @Override
    List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (Map.Entry<MapKey, MemorySegment> e : elements.entrySet()) {
            out.add(new MapEntry(e.getKey().bytes(), e.getValue().toArray(ValueLayout.JAVA_BYTE)));
        }
        return out;
    }

    @Override
    boolean hasValues() {
        return true;
    }
}
