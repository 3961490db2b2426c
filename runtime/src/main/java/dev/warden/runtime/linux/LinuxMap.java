package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A map with Linux's semantics, its values in native memory ({@link ValueSlots}). Keys and values
 * cross the boundary as byte arrays; lookups give the value's real address, which the program
 * then reads and writes directly, as in the kernel.
 *
 * <p><b>Per-CPU maps.</b> The runtime has as many "CPUs" as runs that may be in progress at once
 * ({@link LinuxMaps#cpus()}; each concurrent run owns one for its whole duration, so, as in
 * Linux, no two runs touch the same CPU's value at the same time). A program's lookup and update
 * reach its own CPU's value; the host sees all of them ({@link #valuesPerCpu}).
 *
 * <p><b>Concurrency.</b> Every operation is safe to call from many threads at once (programs on
 * several CPUs and the host); which guarantees hold is documented per map and in
 * docs/runtime.md ("Concurrency").
 */
abstract sealed class LinuxMap permits ArrayMap, BucketLockedHashMap, HashTableMap, LpmTrieMap, KeylessMap, OpaqueMap {
    /** {@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST}: update flags (the low bits). */
    static final long BPF_ANY = 0;
    static final long BPF_NOEXIST = 1;
    static final long BPF_EXIST = 2;
    /**
     * {@code BPF_F_LOCK}: update the value under its {@code bpf_spin_lock}. Refused with -EINVAL:
     * the runtime does not know where a value's lock is (BTF), and Linux refuses it for values
     * without one.
     */
    static final long BPF_F_LOCK = 4;

    /** {@code BPF_MAP_TYPE_*} ids this runtime models. */
    static final int HASH = 1;
    static final int ARRAY = 2;
    static final int PROG_ARRAY = 3;
    static final int PERCPU_HASH = 5;
    static final int PERCPU_ARRAY = 6;
    static final int LRU_HASH = 9;
    static final int LRU_PERCPU_HASH = 10;
    static final int LPM_TRIE = 11;
    static final int QUEUE = 22;
    static final int STACK = 23;
    static final int RINGBUF = 27;

    private final BpfMap declaration;
    /**
     * Told of every value whose element goes away or is overwritten (the timers of the versions
     * that use this map: Linux frees a value's {@code bpf_timer} then). A plain array, copied on
     * change (a version attaching or closing), so the update and delete paths read one volatile
     * field and allocate nothing.
     */
    private volatile ValueRelease[] releases = new ValueRelease[0];

    LinuxMap(BpfMap declaration) {
        this.declaration = declaration;
    }

    /** Hears of values freed or overwritten from now on ({@link #released}). */
    synchronized void listen(ValueRelease r) {
        if (!Arrays.asList(releases).contains(r)) {
            ValueRelease[] more = Arrays.copyOf(releases, releases.length + 1);
            more[releases.length] = r;
            releases = more;
        }
    }

    synchronized void unlisten(ValueRelease r) {
        releases = Arrays.stream(releases).filter(x -> x != r).toArray(ValueRelease[]::new);
    }

    /**
     * Timers initialised in this map's values now, by any version ({@link BpfTimers} counts them):
     * while 0, an update or delete tells no listener, so a map without timers pays one volatile
     * read for them even when other maps of the version hold timers. A timer initialised while its
     * element is overwritten may be missed, as the same race leaves it in Linux.
     */
    private final AtomicInteger timersInside = new AtomicInteger();

    void timerAdded() {
        timersInside.incrementAndGet();
    }

    void timerRemoved() {
        timersInside.decrementAndGet();
    }

    /** What a map calls when the element whose value is {@code value} is deleted, evicted or overwritten. */
    protected final void released(MemorySegment value) {
        if (timersInside.get() == 0) {
            return;
        }
        for (ValueRelease r : releases) {
            r.released(value.address(), value.byteSize());
        }
    }

    /** Whether Linux lets this map's values hold a {@code bpf_timer}: arrays, hashes and LRU hashes, not per-CPU. */
    boolean mayHoldTimers() {
        int t = declaration.type();
        return t == ARRAY || t == HASH || t == LRU_HASH;
    }

    /** The elements' values freed or overwritten: the kernel's {@code bpf_obj_free_fields} on them. */
    @FunctionalInterface
    interface ValueRelease {
        void released(long address, long size);
    }

    /** The element whose value holds {@code address}: its key and the value's first address. */
    record ValueHome(byte[] key, long value) {}

    /**
     * Value start address → the key of the element whose value starts there (maps that may hold
     * timers): {@link #home}'s way from a timer to its element without a scan. Arrays fill it as
     * they allocate a value, hashes as an element takes a value ({@link #placed}); an entry left by
     * a deleted element is stale until the value is reused, so {@link #home} checks with the map.
     */
    private final ConcurrentHashMap<Long, byte[]> keyAt = new ConcurrentHashMap<>();
    /**
     * Whether {@link #keyAt} is kept: from the first {@link #home} on (the first {@code bpf_timer_init}
     * naming this map), so that a map no program ever initialises a timer in pays nothing on
     * insertion; that first call indexes the elements present ({@link #indexPresent}).
     */
    private volatile boolean indexed;

    /** Whether insertions record their value ({@link #placed}). */
    protected final boolean indexed() {
        return indexed;
    }

    /** Records that the element of {@code key} now has its value at {@code value} (maps that may hold timers only). */
    protected final void placed(MemorySegment value, byte[] key) {
        keyAt.put(value.address(), key);
    }

    /**
     * Calls {@link #placed} for every element present (once, when the index starts). An insertion
     * racing with it records itself if it sees {@link #indexed} set after its element is visible;
     * otherwise the flag was set after that, and this walk, which starts later, sees the element.
     */
    void indexPresent() {
    }

    /**
     * The element (not per-CPU) whose value holds {@code address}, if any: where a timer is, so that
     * its callback gets the map's key and value, as Linux's. Values start 16-byte aligned
     * ({@link ValueSlots}), so the value holding {@code address} starts at one of the
     * {@code valueSize / 16} aligned addresses at most {@code valueSize - 1} below it: a few probes
     * of {@link #keyAt}, whatever the number of elements. Maps that hold no timers in Linux find nothing.
     */
    Optional<ValueHome> home(long address) {
        if (!mayHoldTimers()) {
            return Optional.empty();
        }
        if (!indexed) {
            synchronized (keyAt) {
                if (!indexed) {
                    indexed = true;
                    indexPresent();
                }
            }
        }
        for (long start = address & -16L; start > address - valueSize() && start > 0; start -= 16) {
            byte[] key = keyAt.get(start);
            if (key != null && valueStartsAt(key, start)) {
                return Optional.of(new ValueHome(key.clone(), start));
            }
        }
        return Optional.empty();
    }

    /** Whether the element of {@code key} is present with its value at {@code start} (not deleted or moved since {@link #placed}). */
    boolean valueStartsAt(byte[] key, long start) {
        return false;
    }

    static boolean holds(MemorySegment value, long address) {
        return address >= value.address() && address < value.address() + value.byteSize();
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

    /** Whether each CPU has its own value ({@code BPF_MAP_TYPE_PERCPU_*}). */
    boolean perCpu() {
        int t = declaration.type();
        return t == PERCPU_HASH || t == PERCPU_ARRAY || t == LRU_PERCPU_HASH;
    }

    /** The address of {@code cpu}'s value, or 0 when there is none (key absent, index out of range). */
    abstract long lookup(byte[] key, int cpu);

    /**
     * A program's update: stores {@code value} for {@code cpu} (every CPU's value for a new
     * element of a per-CPU hash is zeroed first, as in Linux). 0, or a negative errno:
     * {@code -EEXIST}, {@code -ENOENT}, {@code -E2BIG}, {@code -EINVAL}, {@code -ENOSPC}.
     */
    abstract long update(byte[] key, byte[] value, long flags, int cpu);

    /** 0, or a negative errno. */
    abstract long delete(byte[] key);

    /** Back to the state of a freshly created map (global data: its initial value). */
    abstract void reset();

    /**
     * The entries a program could find, in a deterministic order (index order; insertion order).
     * A per-CPU map's value is every CPU's value, each padded to a multiple of 8 bytes, as
     * Linux's {@code BPF_MAP_LOOKUP_ELEM} returns it.
     */
    abstract List<MapEntry> entries();

    /** Whether the program can address values of this map at all (arrays, hashes, tries). */
    abstract boolean hasValues();

    /** How many values an element has: the CPUs for a per-CPU map, else 1. */
    int cpuCount() {
        return 1;
    }

    /** Every CPU's value of {@code key} (one for maps that are not per-CPU); empty if absent. */
    List<byte[]> valuesPerCpu(byte[] key) {
        return List.of();
    }

    /** Makes the storage for a declaration (types the runtime cannot model become {@link OpaqueMap}). */
    /**
     * Whether {@link #create} gives {@code m} values the program addresses, each a region of
     * exactly its value size ({@link ValueSlots}): arrays, hashes and tries, per-CPU or not.
     */
    static boolean storesValues(BpfMap m) {
        return switch (m.type()) {
            case ARRAY, PERCPU_ARRAY, HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE -> true;
            default -> false;
        };
    }

    static LinuxMap create(BpfMap m, ValueSlots slots, int cpus) {
        return switch (m.type()) {
            case ARRAY, PERCPU_ARRAY -> new ArrayMap(m, slots, m.type() == PERCPU_ARRAY ? cpus : 1);
            case HASH, PERCPU_HASH -> new BucketLockedHashMap(m, slots, m.type() == PERCPU_HASH ? cpus : 1);
            case LRU_HASH, LRU_PERCPU_HASH -> new HashTableMap(m, slots, HashTableMap.Eviction.LEAST_RECENTLY_USED,
                    m.type() == LRU_PERCPU_HASH ? cpus : 1);
            case LPM_TRIE -> new LpmTrieMap(m, slots);
            case QUEUE -> new QueueStackMap(m, slots, QueueStackMap.Order.FIFO);
            case STACK -> new QueueStackMap(m, slots, QueueStackMap.Order.LIFO);
            case RINGBUF -> new RingBufMap(m, slots);
            case PROG_ARRAY -> new ProgArrayMap(m);
            default -> new OpaqueMap(m);
        };
    }

    /** Linux's layout of per-CPU values for the host: each padded to 8 bytes, concatenated. */
    static byte[] concatPerCpu(List<byte[]> values, int valueSize) {
        int stride = (valueSize + 7) & ~7;
        byte[] out = new byte[stride * values.size()];
        for (int c = 0; c < values.size(); c++) {
            System.arraycopy(values.get(c), 0, out, c * stride, Math.min(valueSize, values.get(c).length));
        }
        return out;
    }

    /** A copy of each CPU's value (one for a map that is not per-CPU). */
    static List<byte[]> copies(java.lang.foreign.MemorySegment[] values) {
        List<byte[]> out = new ArrayList<>(values.length);
        for (java.lang.foreign.MemorySegment s : values) {
            out.add(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        return out;
    }
}
