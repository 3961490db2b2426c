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
import java.util.Optional;

/**
 * {@code BPF_MAP_TYPE_HASH} and its per-CPU and LRU variants under one lock: at most {@code
 * max_entries} keys of {@code key_size} bytes. The runtime uses it for the LRU maps, whose every
 * lookup reorders the elements; plain and per-CPU hashes are {@link BucketLockedHashMap}s. A deleted element's value memory stays addressable and is reused by a
 * later insertion, as with the kernel's preallocated hash maps: a program that kept the pointer
 * reads whatever is there now, which is memory-safe.
 *
 * <p>Concurrency: every operation holds the map's lock (Linux locks a bucket), so lookups,
 * insertions, deletions and LRU evictions are atomic with respect to each other: no insertion is
 * lost, the size never exceeds {@code max_entries}. The value memory is read and written by
 * programs without the lock, as in Linux; an update of an existing element copies into its value
 * in place, so a concurrent reader may see a torn value.
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
    private final int cpus;
    /** Per key, one value per CPU. */
    private final LinkedHashMap<MapKey, MemorySegment[]> elements;
    private final Deque<MemorySegment[]> free = new ArrayDeque<>();
    private int allocated;

    HashTableMap(BpfMap m, ValueSlots slots, Eviction eviction, int cpus) {
        super(m);
        this.slots = slots;
        this.eviction = eviction;
        this.cpus = cpus;
        // Access order for LRU: iteration then starts at the least recently used element.
        this.elements = new LinkedHashMap<>(16, 0.75f, eviction == Eviction.LEAST_RECENTLY_USED);
    }

    private MemorySegment[] slot() {
        MemorySegment[] s = free.pollFirst();
        if (s == null) {
            s = new MemorySegment[cpus];
            int n = allocated++;
            for (int c = 0; c < cpus; c++) {
                s[c] = slots.allocate(valueSize(), Access.READ_WRITE, name() + " value " + n + (cpus > 1 ? " cpu " + c : ""));
            }
        }
        return s;
    }

    @Override
    synchronized long lookup(byte[] key, int cpu) {
        MemorySegment[] v = elements.get(new MapKey(key));
        return v == null ? 0 : v[cpu % cpus].address();
    }

    @Override
    synchronized long update(byte[] key, byte[] value, long flags, int cpu) {
        long mode = flags & 3;
        if ((flags & ~BPF_F_LOCK) > BPF_EXIST || flags < 0 || (flags & BPF_F_LOCK) != 0) {
            return -Errno.EINVAL;
        }
        MapKey k = new MapKey(key);
        MemorySegment[] v = elements.get(k);
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
                Map.Entry<MapKey, MemorySegment[]> oldest = elements.entrySet().iterator().next();
                elements.remove(oldest.getKey());
                releasedAll(oldest.getValue());
                free.addLast(oldest.getValue());
            }
            v = slot();
            for (MemorySegment s : v) {
                s.fill((byte) 0);
            }
            elements.put(k, v);
            if (cpus == 1 && indexed()) {
                placed(v[0], k.bytes());
            }
        } else {
            released(v[cpu % cpus]); // Linux replaces the element and frees the old one's fields
        }
        MemorySegment target = v[cpu % cpus];
        MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, 0, Math.min(value.length, valueSize()));
        if (value.length < valueSize()) {
            target.asSlice(value.length).fill((byte) 0);
        }
        return 0;
    }

    @Override
    synchronized long delete(byte[] key) {
        MemorySegment[] v = elements.remove(new MapKey(key));
        if (v == null) {
            return -Errno.ENOENT;
        }
        releasedAll(v);
        free.addLast(v);
        return 0;
    }

    private void releasedAll(MemorySegment[] values) {
        for (MemorySegment s : values) {
            released(s);
        }
    }

    @Override
    synchronized void indexPresent() {
        if (cpus == 1) {
            elements.forEach((k, v) -> placed(v[0], k.bytes()));
        }
    }

    /** For an LRU hash the check counts as a use, as the lookup that gave the program the value already did. */
    @Override
    synchronized boolean valueStartsAt(byte[] key, long start) {
        MemorySegment[] v = elements.get(new MapKey(key));
        return v != null && v[0].address() == start;
    }

    @Override
    synchronized void reset() {
        for (MemorySegment[] v : elements.values()) {
            for (MemorySegment s : v) {
                s.fill((byte) 0);
            }
            releasedAll(v);
            free.addLast(v);
        }
        elements.clear();
    }

    @Override
    synchronized List<byte[]> valuesPerCpu(byte[] key) {
        // A host read is no program access: it must not refresh the LRU order.
        MapKey k = new MapKey(key);
        if (eviction == Eviction.NONE) {
            MemorySegment[] v = elements.get(k);
            return v == null ? List.of() : copies(v);
        }
        for (Map.Entry<MapKey, MemorySegment[]> e : elements.entrySet()) {
            if (e.getKey().equals(k)) {
                return copies(e.getValue());
            }
        }
        return List.of();
    }

    @Override
    synchronized List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (Map.Entry<MapKey, MemorySegment[]> e : elements.entrySet()) {
            List<byte[]> v = copies(e.getValue());
            out.add(new MapEntry(e.getKey().bytes(), perCpu() ? concatPerCpu(v, valueSize()) : v.get(0)));
        }
        return out;
    }

    /** Number of elements now. */
    synchronized int size() {
        return elements.size();
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
