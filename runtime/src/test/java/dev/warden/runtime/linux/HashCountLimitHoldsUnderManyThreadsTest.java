package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.MapKind;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hash map without a map-wide lock ({@link BucketLockedHashMap}) keeps its element count exact
 * under contention: eight threads insert and delete overlapping keys of a map of 64 while a ninth
 * watches that the map never takes more than 64 places (elements plus insertions under way, an
 * upper bound of the elements) nor allocates more than 64 values; every
 * successful insertion and deletion is accounted for at the end; racing insertions of one key
 * succeed exactly once; and the map then fills to exactly 64.
 */
@Timeout(120)
class HashCountLimitHoldsUnderManyThreadsTest {
    static final int THREADS = 8;
    static final int MAX = 64;
    static final BpfMap HASH = new BpfMap(0, "h", MapKind.BTF, 1, 8, 8, MAX, 0, new byte[0]);
    static final BpfMap PERCPU_HASH = new BpfMap(0, "p", MapKind.BTF, 5, 8, 8, MAX, 0, new byte[0]);

    @Test
    void churnOnOverlappingKeysNeverExceedsTheLimitAndLosesNothing() throws Exception {
        for (BpfMap declared : List.of(HASH, PERCPU_HASH)) {
            try (LinuxMaps maps = new LinuxMaps(List.of(declared), THREADS)) {
                BucketLockedHashMap map = assertInstanceOf(BucketLockedHashMap.class, maps.byName(declared.name()).orElseThrow());
                AtomicInteger inserted = new AtomicInteger();
                AtomicInteger deleted = new AtomicInteger();
                AtomicInteger full = new AtomicInteger();
                AtomicBoolean done = new AtomicBoolean();
                AtomicInteger mostSeen = new AtomicInteger();
                Thread watcher = Thread.ofPlatform().start(() -> {
                    while (!done.get()) {
                        // The atomic count of places, not size(): ConcurrentHashMap's size is a
                        // sum of cells read one by one, which can overshoot mid-race (seen: 73).
                        mostSeen.accumulateAndGet(Math.max(map.placesTaken(), map.valuesAllocated()), Math::max);
                    }
                });
                MapsUnderConcurrentUseTest.Harness.onThreads(t -> {
                    SplittableRandom random = new SplittableRandom(t);
                    for (int i = 0; i < 20_000; i++) {
                        byte[] key = u64(random.nextInt(100)); // 100 keys shared by every thread, 64 places
                        if (random.nextBoolean()) {
                            long rc = map.update(key, u64(i), LinuxMap.BPF_NOEXIST, t);
                            if (rc == 0) {
                                inserted.incrementAndGet();
                            } else if (rc == -Errno.E2BIG) {
                                full.incrementAndGet();
                            } else {
                                assertEquals(-Errno.EEXIST, rc);
                            }
                        } else if (map.delete(key) == 0) {
                            deleted.incrementAndGet();
                        }
                    }
                });
                done.set(true);
                watcher.join();
                assertTrue(mostSeen.get() <= MAX, "at most " + MAX + " elements and values: " + mostSeen.get());
                assertTrue(full.get() > 0, "the churn reached the limit");
                assertEquals(inserted.get() - deleted.get(), map.size(), "every insertion and deletion accounted for");
                assertEquals(map.size(), map.placesTaken(), "at rest every place taken is an element");
                assertEquals(map.size(), distinctKeys(map), declared.name());
                // Fill it: exactly the free places succeed.
                int before = map.size();
                int added = 0;
                for (int k = 0; k < 100; k++) {
                    if (map.update(u64(k), u64(k), LinuxMap.BPF_NOEXIST, 0) == 0) {
                        added++;
                    }
                }
                assertEquals(MAX - before, added);
                assertEquals(MAX, map.size());
                assertTrue(map.valuesAllocated() <= MAX, "values: " + map.valuesAllocated());
            }
        }
    }

    @Test
    void racingInsertionsOfOneKeySucceedOnceEach() throws Exception {
        try (LinuxMaps maps = new LinuxMaps(List.of(HASH), THREADS)) {
            BucketLockedHashMap map = assertInstanceOf(BucketLockedHashMap.class, maps.byName("h").orElseThrow());
            AtomicInteger inserted = new AtomicInteger();
            MapsUnderConcurrentUseTest.Harness.onThreads(t -> {
                for (int k = 0; k < 50; k++) {
                    long rc = map.update(u64(k), u64(t), LinuxMap.BPF_NOEXIST, t);
                    if (rc == 0) {
                        inserted.incrementAndGet();
                    } else {
                        assertEquals(-Errno.EEXIST, rc, "the key exists: no E2BIG with 50 keys in 64 places");
                    }
                }
            });
            assertEquals(50, inserted.get());
            assertEquals(50, map.size());
            assertTrue(map.valuesAllocated() <= MAX, "a losing insertion gives its value back: " + map.valuesAllocated());
        }
    }

    private static int distinctKeys(LinuxMap map) {
        Set<Long> keys = new HashSet<>();
        map.entries().forEach(e -> keys.add(MemorySegment.ofArray(e.key()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
        return keys.size();
    }

    private static byte[] u64(long v) {
        byte[] b = new byte[8];
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
        return b;
    }
}
