package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;

/**
 * The sizes Linux accepts in a map declaration, checked before any map of an object is created,
 * so that a hostile or mistaken declaration is a located refusal ({@code map NAME: ...}) instead
 * of an exception from deep inside a map (a value size of 2^31 is a negative {@code int}) or a
 * process that runs out of memory while a program fills the map.
 *
 * <p>The rules are those Linux 6.18 applies in its {@code map_alloc_check} functions, measured
 * with {@code BPF_MAP_CREATE} on this machine: zero sizes and wrong key sizes are {@code EINVAL};
 * values past {@code INT_MAX} (arrays), past {@code KMALLOC_MAX_SIZE} (4 MiB: hash keys and
 * values, tries, queues) or past {@code PCPU_MIN_UNIT_SIZE} (32 KiB: per-CPU values) are
 * {@code E2BIG}; a hash of more than 2^31 elements is {@code E2BIG}. Linux rejects the hash limit a
 * few dozen bytes below 4 MiB (its element header); this check stops at 4 MiB itself.
 *
 * <p><b>Memory.</b> Linux allocates arrays and preallocated hashes whole at creation, so a map
 * larger than the machine is {@code ENOMEM}. This runtime allocates values when first touched,
 * so the same declaration would load and then exhaust memory while a program touches its values.
 * {@link #checkObject} refuses, instead, an object whose maps could hold more value bytes than the
 * machine's physical memory. Queue and stack rings are left out: theirs is one allocation at the
 * first push, which fails whole ({@code -ENOMEM} from the push).
 */
final class MapLimits {
    /** {@code KMALLOC_MAX_SIZE} on x86-64 (4 KiB pages, page order 10). */
    static final long KMALLOC_MAX_SIZE = 1L << 22;
    /** {@code PCPU_MIN_UNIT_SIZE}: the largest per-CPU value. */
    static final long PCPU_MIN_UNIT_SIZE = 32 << 10;
    /** The most elements a hash may declare ({@code htab_map_alloc}). */
    static final long MAX_HASH_ENTRIES = 1L << 31;
    /** The machine's physical memory: the most value bytes all maps of one object may hold. */
    static final long PHYSICAL_MEMORY = physicalMemory();

    private MapLimits() {}

    /**
     * Refuses {@code declarations} when one of them Linux would refuse, or when their values
     * together could outgrow {@link #PHYSICAL_MEMORY}.
     *
     * @throws IllegalArgumentException {@code map NAME: ...}, with what Linux would answer
     */
    static void checkObject(List<BpfMap> declarations, int cpus) {
        long total = 0;
        for (BpfMap m : declarations) {
            refusal(m).ifPresent(reason -> {
                throw new IllegalArgumentException("map " + m.name() + " (" + m.typeName() + "): " + reason);
            });
            long bytes = valueBytes(m, cpus);
            total = saturatedAdd(total, bytes);
            if (total > PHYSICAL_MEMORY) {
                throw new IllegalArgumentException("map " + m.name() + " (" + m.typeName() + "): its values could take "
                        + (bytes == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(bytes)) + " bytes, which with the maps before it "
                        + "is more than this machine's " + PHYSICAL_MEMORY + " bytes of memory (Linux: ENOMEM)");
            }
        }
    }

    /** Why Linux refuses the sizes of {@code m}, or empty; types it models nothing of are not checked. */
    static Optional<String> refusal(BpfMap m) {
        long key = m.keySize();
        long value = m.valueSize();
        long max = m.maxEntries();
        return switch (m.type()) {
            case LinuxMap.ARRAY, LinuxMap.PERCPU_ARRAY, LinuxMap.PROG_ARRAY -> {
                if (max == 0 || key != 4 || value == 0) {
                    yield Optional.of("an array needs max_entries > 0, key_size 4 and value_size > 0, not " + sizes(m) + " (EINVAL)");
                }
                if (value > Integer.MAX_VALUE) {
                    yield Optional.of("value_size " + value + " is more than 2^31 - 1 (E2BIG)");
                }
                yield perCpuValue(m);
            }
            case LinuxMap.HASH, LinuxMap.PERCPU_HASH, LinuxMap.LRU_HASH, LinuxMap.LRU_PERCPU_HASH -> {
                if (max == 0 || key == 0 || value == 0) {
                    yield Optional.of("a hash needs max_entries, key_size and value_size above 0, not " + sizes(m) + " (EINVAL)");
                }
                if (max > MAX_HASH_ENTRIES || key >= KMALLOC_MAX_SIZE || value >= KMALLOC_MAX_SIZE) {
                    yield Optional.of("a hash holds at most 2^31 elements with keys and values under " + KMALLOC_MAX_SIZE
                            + " bytes, not " + sizes(m) + " (E2BIG)");
                }
                yield perCpuValue(m);
            }
            case LinuxMap.LPM_TRIE -> max == 0 || value == 0 || value >= KMALLOC_MAX_SIZE
                    ? Optional.of("an LPM trie needs max_entries > 0 and value_size 1 to " + (KMALLOC_MAX_SIZE - 1) + ", not " + sizes(m)
                            + " (EINVAL)")
                    : Optional.empty(); // its key sizes: LpmTrieMap
            case LinuxMap.QUEUE, LinuxMap.STACK -> {
                if (max == 0 || value == 0) {
                    yield Optional.of("a queue or stack needs max_entries and value_size above 0, not " + sizes(m) + " (EINVAL)");
                }
                yield value > KMALLOC_MAX_SIZE
                        ? Optional.of("value_size " + value + " is more than " + KMALLOC_MAX_SIZE + " (E2BIG)")
                        : Optional.empty();
            }
            // Ring buffers check the rest themselves; other types hold nothing here, but every map
            // keeps its sizes as ints (a key or value is one byte array).
            default -> key > Integer.MAX_VALUE || value > Integer.MAX_VALUE
                    ? Optional.of("key_size " + key + " or value_size " + value + " is more than 2^31 - 1 (E2BIG)")
                    : Optional.empty();
        };
    }

    private static Optional<String> perCpuValue(BpfMap m) {
        boolean perCpu = m.type() == LinuxMap.PERCPU_ARRAY || m.type() == LinuxMap.PERCPU_HASH || m.type() == LinuxMap.LRU_PERCPU_HASH;
        return perCpu && ((m.valueSize() + 7) & ~7L) > PCPU_MIN_UNIT_SIZE
                ? Optional.of("a per-CPU value holds at most " + PCPU_MIN_UNIT_SIZE + " bytes, not " + m.valueSize() + " (E2BIG)")
                : Optional.empty();
    }

    /**
     * The most value bytes this runtime may allocate for {@code m} (sizes already checked):
     * every element a program can reach, for every CPU that has its own.
     */
    static long valueBytes(BpfMap m, int cpus) {
        if (!LinuxMap.storesValues(m)) {
            return 0;
        }
        boolean array = m.type() == LinuxMap.ARRAY || m.type() == LinuxMap.PERCPU_ARRAY;
        long elements = array ? ArrayMap.reachable(m.maxEntries(), cpus) : Math.min(m.maxEntries(), MAX_HASH_ENTRIES);
        long copies = m.type() == LinuxMap.PERCPU_ARRAY || m.type() == LinuxMap.PERCPU_HASH || m.type() == LinuxMap.LRU_PERCPU_HASH
                ? cpus : 1;
        return saturatedMultiply(saturatedMultiply(elements, Math.max(m.valueSize(), 1)), copies);
    }

    private static String sizes(BpfMap m) {
        return "key_size " + m.keySize() + ", value_size " + m.valueSize() + ", max_entries " + m.maxEntries();
    }

    private static long saturatedMultiply(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    private static long physicalMemory() {
        // Where the platform cannot say, the largest address space x86-64 user code has (128 TiB).
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getTotalMemorySize() > 0 ? os.getTotalMemorySize() : 1L << 47;
    }
}
