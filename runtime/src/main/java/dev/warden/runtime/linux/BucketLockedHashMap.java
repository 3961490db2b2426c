package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import dev.warden.vm.Access;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code BPF_MAP_TYPE_HASH} and {@code BPF_MAP_TYPE_PERCPU_HASH} without a map-wide lock, as Linux
 * (which locks one bucket per update and reads under RCU): the elements live in a
 * {@link ConcurrentHashMap}, whose lookups take no lock and whose insertions and deletions lock
 * one bin, so operations on different keys proceed in parallel on every CPU.
 *
 * <p>The element count is kept apart, in one atomic counter: an insertion first reserves a place
 * (a compare-and-set that fails with {@code -E2BIG} at {@code max_entries}), and gives it back if
 * another insertion of the same key won; a deletion gives its place back after the element is
 * gone. So the map never holds more than {@code max_entries} elements, and no insertion is lost
 * (the key goes in with one atomic {@code putIfAbsent}). A new element's value is written before
 * the element is published, so no reader sees it half made; an update of an existing element
 * copies into its value in place (a concurrent reader may see a torn value, as in Linux for
 * arrays). A deleted element's value memory is kept and reused by a later insertion, as with the
 * kernel's preallocated maps: a program that kept the pointer reads whatever is there now, which
 * is memory-safe. At most {@code max_entries} values are ever allocated: a value is taken only with
 * a reserved place.
 *
 * <p>{@link #entries} lists the elements in insertion order (each element carries its sequence
 * number), so the host's view is deterministic whatever the hash order.
 */
final class BucketLockedHashMap extends LinuxMap {
    /** One element: its value per CPU, and when it was inserted (for a deterministic listing). */
    private record Element(MemorySegment[] values, long sequence) {}

    private final ValueSlots slots;
    private final int cpus;
    private final ConcurrentHashMap<MapKey, Element> elements = new ConcurrentHashMap<>();
    /** Elements present plus insertions under way: never above {@code max_entries}. */
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentLinkedDeque<MemorySegment[]> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger allocated = new AtomicInteger();

    BucketLockedHashMap(BpfMap m, ValueSlots slots, int cpus) {
        super(m);
        this.slots = slots;
        this.cpus = cpus;
    }

    /** A zeroed value per CPU: a deleted element's, or new memory. Called only with a place reserved. */
    private MemorySegment[] slot() {
        MemorySegment[] s = free.pollFirst();
        if (s != null) {
            for (MemorySegment v : s) {
                v.fill((byte) 0);
            }
            return s;
        }
        s = new MemorySegment[cpus];
        int n = allocated.getAndIncrement();
        for (int c = 0; c < cpus; c++) {
            s[c] = slots.allocate(valueSize(), Access.READ_WRITE, name() + " value " + n + (cpus > 1 ? " cpu " + c : ""));
        }
        return s;
    }

    /** Takes a place for one more element, unless the map is full. */
    private boolean reserve() {
        int max = (int) Math.min(Integer.MAX_VALUE, declaration().maxEntries());
        while (true) {
            int c = count.get();
            if (c >= max) {
                return false;
            }
            if (count.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    @Override
    long lookup(byte[] key, int cpu) {
        Element e = elements.get(new MapKey(key));
        return e == null ? 0 : e.values()[cpu % cpus].address();
    }

    @Override
    long update(byte[] key, byte[] value, long flags, int cpu) {
        long mode = flags & 3;
        if ((flags & ~BPF_F_LOCK) > BPF_EXIST || flags < 0 || (flags & BPF_F_LOCK) != 0) {
            return -Errno.EINVAL;
        }
        MapKey k = new MapKey(key);
        Element e = elements.get(k);
        if (e == null && mode == BPF_EXIST) {
            return -Errno.ENOENT;
        }
        if (e == null) {
            if (!reserve()) {
                // Full; Linux also answers -E2BIG before looking for the key a second time.
                return -Errno.E2BIG;
            }
            MemorySegment[] s = slot();
            write(s[cpu % cpus], value);
            Element fresh = new Element(s, sequence.getAndIncrement());
            boolean indexing = cpus == 1 && indexed();
            if (indexing) {
                placed(s[0], k.bytes()); // before the element is visible: a program may init its timer at once
            }
            e = elements.putIfAbsent(k, fresh);
            if (e == null) {
                if (!indexing && cpus == 1 && indexed()) {
                    placed(s[0], k.bytes()); // the index started meanwhile (see indexPresent)
                }
                return 0;
            }
            // Another insertion of this key came first: give the place and the value back.
            free.addLast(s);
            count.decrementAndGet();
        }
        if (mode == BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        write(e.values()[cpu % cpus], value);
        released(e.values()[cpu % cpus]); // Linux replaces the element and frees the old one's fields
        return 0;
    }

    private void write(MemorySegment target, byte[] value) {
        MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, 0, Math.min(value.length, valueSize()));
        if (value.length < valueSize()) {
            target.asSlice(value.length).fill((byte) 0);
        }
    }

    @Override
    long delete(byte[] key) {
        Element e = elements.remove(new MapKey(key));
        if (e == null) {
            return -Errno.ENOENT;
        }
        releasedAll(e.values());
        free.addLast(e.values());
        count.decrementAndGet();
        return 0;
    }

    private void releasedAll(MemorySegment[] values) {
        for (MemorySegment v : values) {
            released(v);
        }
    }

    @Override
    void indexPresent() {
        if (cpus == 1) {
            elements.forEach((k, e) -> placed(e.values()[0], k.bytes()));
        }
    }

    @Override
    boolean valueStartsAt(byte[] key, long start) {
        Element e = elements.get(new MapKey(key));
        return e != null && e.values()[0].address() == start;
    }

    @Override
    void reset() {
        for (Map.Entry<MapKey, Element> e : elements.entrySet()) {
            if (elements.remove(e.getKey(), e.getValue())) {
                for (MemorySegment s : e.getValue().values()) {
                    s.fill((byte) 0);
                }
                releasedAll(e.getValue().values());
                free.addLast(e.getValue().values());
                count.decrementAndGet();
            }
        }
    }

    @Override
    List<byte[]> valuesPerCpu(byte[] key) {
        Element e = elements.get(new MapKey(key));
        return e == null ? List.of() : copies(e.values());
    }

    @Override
    List<MapEntry> entries() {
        List<Map.Entry<MapKey, Element>> now = new ArrayList<>(elements.entrySet());
        now.sort(Comparator.comparingLong(e -> e.getValue().sequence()));
        List<MapEntry> out = new ArrayList<>(now.size());
        for (Map.Entry<MapKey, Element> e : now) {
            List<byte[]> v = copies(e.getValue().values());
            out.add(new MapEntry(e.getKey().bytes(), perCpu() ? concatPerCpu(v, valueSize()) : v.get(0)));
        }
        return out;
    }

    /** Number of elements now. */
    int size() {
        return elements.size();
    }

    /**
     * Places taken: elements present plus insertions under way, never below the number of
     * elements. Unlike {@link #size}, whose {@code ConcurrentHashMap} count is summed from cells
     * that are read one after another and so can overshoot while insertions and deletions race,
     * this is one atomic value: the bound a concurrent observer can check.
     */
    int placesTaken() {
        return count.get();
    }

    /** Values allocated so far: at most {@code max_entries}, whatever the concurrency. */
    int valuesAllocated() {
        return allocated.get();
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
