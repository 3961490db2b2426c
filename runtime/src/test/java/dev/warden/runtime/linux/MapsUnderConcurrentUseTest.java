package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.MapKind;
import dev.warden.jit.JitEngine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Helpers;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Maps under many threads: compiled programs on several CPUs and the host at once. Every check is
 * deterministic: counts add up, no insertion or record is lost or duplicated, nothing crashes.
 * The guarantees tested are those docs/runtime.md ("Concurrency") states.
 */
@Timeout(120)
class MapsUnderConcurrentUseTest {
    static final int THREADS = 8;

    static final BpfMap COUNTER = new BpfMap(0, "counter", MapKind.BTF, 2, 4, 16, 1, 0, new byte[0]);
    static final BpfMap HASH = new BpfMap(1, "hash", MapKind.BTF, 1, 8, 8, 1000, 0, new byte[0]);
    static final BpfMap QUEUE = new BpfMap(2, "queue", MapKind.BTF, 22, 0, 8, 100_000, 0, new byte[0]);
    static final BpfMap RING = new BpfMap(3, "ring", MapKind.BTF, 27, 0, 0, 1 << 16, 0, new byte[0]);
    static final BpfMap PERCPU = new BpfMap(4, "percpu", MapKind.BTF, 6, 4, 8, 1, 0, new byte[0]);
    static final List<BpfMap> MAPS = List.of(COUNTER, HASH, QUEUE, RING, PERCPU);

    /** How the harness isolates its maps; {@link MapsUnderConcurrentUseUnderMprotectTest} runs every test under the fallback. */
    static dev.warden.mpk.IsolationMode isolation = dev.warden.mpk.IsolationMode.NONE;

    /** {@code THREADS} CPUs over one set of maps, each running {@code asm} compiled by the JIT. */
    static final class Harness implements AutoCloseable {
        final LinuxMaps maps = new LinuxMaps(MAPS, THREADS, isolation);
        final List<LinuxCpu> cpus = new ArrayList<>();

        Harness(String asm) throws Exception {
            Program p = MapReferences.resolve(Assembler.assemble(asm), maps);
            for (int c = 0; c < THREADS; c++) {
                cpus.add(new LinuxCpu(c, LinuxProgramType.XDP, maps, Map.of(0, p), 1, new JitEngine(), ExecOptions.DEFAULT_BUDGET,
                        Helpers.none(), line -> { }, dev.warden.vm.StackInit.ZEROED));
            }
        }

        long run(int cpu) {
            LinuxCpu c = cpus.get(cpu);
            ExecResult r = c.invoke(0, c.prepare(new byte[0], 1));
            return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
        }

        HostMap map(String name) {
            return new HostMap(maps.byName(name).orElseThrow(), n -> -1, maps.slots());
        }

        /** Runs {@code body(thread)} on {@code THREADS} threads started together; rethrows the first failure. */
        static void onThreads(ThreadBody body) throws Exception {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        body.run(id);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new AssertionError("a thread failed", failures.peek());
            }
        }

        @Override
        public void close() {
            cpus.forEach(LinuxCpu::close);
            maps.close();
        }
    }

    @FunctionalInterface
    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    static final String LOOKUP_COUNTER = """
            *(u32 *)(r10 - 4) = 0
            r2 = r10
            r2 += -4
            r1 = map[idx:0] ll
            call 1
            if r0 == 0 goto out
            """;

    @Test
    void atomicAddsFromEveryCpuAddUp() throws Exception {
        try (Harness h = new Harness(LOOKUP_COUNTER + "r1 = 1\nlock *(u64 *)(r0 + 8) += r1\nr0 = 0\nout:\nexit\n")) {
            int runs = 5000;
            Harness.onThreads(t -> {
                for (int i = 0; i < runs; i++) {
                    h.run(t);
                }
            });
            byte[] v = h.map("counter").lookup(new byte[4]).orElseThrow();
            assertEquals((long) THREADS * runs, MemorySegment.ofArray(v).get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
        }
    }

    @Test
    void spinLockedReadModifyWritesFromEveryCpuAddUp() throws Exception {
        String locked = LOOKUP_COUNTER + """
                r6 = r0
                r1 = r6
                call 93
                r1 = *(u64 *)(r6 + 8)
                r1 += 1
                *(u64 *)(r6 + 8) = r1
                r1 = r6
                call 94
                r0 = 0
                out:
                exit
                """;
        try (Harness h = new Harness(locked)) {
            int runs = 3000;
            Harness.onThreads(t -> {
                for (int i = 0; i < runs; i++) {
                    h.run(t);
                }
            });
            byte[] v = h.map("counter").lookup(new byte[4]).orElseThrow();
            assertEquals((long) THREADS * runs, MemorySegment.ofArray(v).get(ValueLayout.JAVA_LONG_UNALIGNED, 8),
                    "a lost update means the lock did not exclude");
            assertEquals(0, MemorySegment.ofArray(v).get(ValueLayout.JAVA_INT_UNALIGNED, 0), "the lock is free at the end");
        }
    }

    @Test
    void perCpuValuesAreEachCpusOwnAndSumUp() throws Exception {
        // A plain (non-atomic) increment: correct only because no two runs share a CPU's value.
        String inc = """
                *(u32 *)(r10 - 4) = 0
                r2 = r10
                r2 += -4
                r1 = map[idx:4] ll
                call 1
                if r0 == 0 goto out
                r1 = *(u64 *)(r0 + 0)
                r1 += 1
                *(u64 *)(r0 + 0) = r1
                call 8
                out:
                exit
                """;
        try (Harness h = new Harness(inc)) {
            int runs = 4000;
            Harness.onThreads(t -> {
                for (int i = 0; i < runs; i++) {
                    assertEquals(t, h.run(t), "bpf_get_smp_processor_id is the CPU");
                }
            });
            List<byte[]> perCpu = h.map("percpu").lookupPerCpu(new byte[4]);
            assertEquals(THREADS, perCpu.size());
            for (byte[] v : perCpu) {
                assertEquals(runs, MemorySegment.ofArray(v).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            }
        }
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
        return b;
    }

    @Test
    void concurrentHashInsertionsAreNeitherLostNorOverTheLimit() throws Exception {
        // Programs look the keys up while the host inserts and deletes on eight threads.
        String lookup = "*(u64 *)(r10 - 8) = 7\nr2 = r10\nr2 += -8\nr1 = map[idx:1] ll\ncall 1\nexit\n";
        try (Harness h = new Harness(lookup)) {
            HostMap hash = h.map("hash");
            AtomicInteger inserted = new AtomicInteger();
            AtomicInteger full = new AtomicInteger();
            // 8 threads x 200 distinct keys = 1600 attempts on a map of 1000.
            Harness.onThreads(t -> {
                for (int i = 0; i < 200; i++) {
                    long rc = hash.update(u64(t * 1000L + i), u64(i), HostMap.NOEXIST);
                    if (rc == 0) {
                        inserted.incrementAndGet();
                    } else {
                        assertEquals(-7, rc, "only E2BIG may fail");
                        full.incrementAndGet();
                    }
                    h.run(t);
                }
            });
            assertEquals(1000, inserted.get());
            assertEquals(600, full.get());
            assertEquals(1000, hash.entries().size());
            Set<Long> keys = new HashSet<>();
            hash.entries().forEach(e -> keys.add(MemorySegment.ofArray(e.key()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
            assertEquals(1000, keys.size());
            Harness.onThreads(t -> {
                for (int i = 0; i < 200; i++) {
                    hash.delete(u64(t * 1000L + i));
                }
            });
            assertEquals(0, hash.entries().size());
        }
    }

    @Test
    void queuePushesFromProgramsArePoppedExactlyOnceByTheHost() throws Exception {
        // Each run pushes its CPU id times 1e6 plus a per-CPU sequence kept in the per-CPU map.
        String push = """
                *(u32 *)(r10 - 4) = 0
                r2 = r10
                r2 += -4
                r1 = map[idx:4] ll
                call 1
                if r0 == 0 goto out
                r6 = *(u64 *)(r0 + 0)
                r1 = r6
                r1 += 1
                *(u64 *)(r0 + 0) = r1
                call 8
                r0 *= 1000000
                r0 += r6
                *(u64 *)(r10 - 16) = r0
                r2 = r10
                r2 += -16
                r1 = map[idx:2] ll
                r3 = 0
                call 87
                out:
                exit
                """;
        try (Harness h = new Harness(push)) {
            int runs = 2000;
            ConcurrentLinkedQueue<Long> popped = new ConcurrentLinkedQueue<>();
            HostMap queue = h.map("queue");
            Harness.onThreads(t -> {
                for (int i = 0; i < runs; i++) {
                    assertEquals(0, h.run(t));
                    if (t % 2 == 0) {
                        queue.pop().ifPresent(v -> popped.add(MemorySegment.ofArray(v).get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
                    }
                }
            });
            while (true) {
                var v = queue.pop();
                if (v.isEmpty()) {
                    break;
                }
                popped.add(MemorySegment.ofArray(v.get()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            }
            assertEquals(THREADS * runs, popped.size());
            assertEquals(THREADS * runs, new HashSet<>(popped).size(), "no value popped twice");
            for (long v : popped) {
                assertTrue(v / 1_000_000 < THREADS && v % 1_000_000 < runs, "a value no run pushed: " + v);
            }
        }
    }

    @Test
    void ringBufferRecordsFromEveryCpuArriveOnceAndInEachCpusOrder() throws Exception {
        String output = """
                *(u32 *)(r10 - 4) = 0
                r2 = r10
                r2 += -4
                r1 = map[idx:4] ll
                call 1
                if r0 == 0 goto out
                r6 = *(u64 *)(r0 + 0)
                r1 = r6
                r1 += 1
                *(u64 *)(r0 + 0) = r1
                call 8
                *(u64 *)(r10 - 16) = r0
                *(u64 *)(r10 - 8) = r6
                r1 = map[idx:3] ll
                r2 = r10
                r2 += -16
                r3 = 16
                r4 = 0
                call 130
                out:
                exit
                """;
        try (Harness h = new Harness(output)) {
            int runs = 2000;
            HostMap ring = h.map("ring");
            List<byte[]> records = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger dropped = new AtomicInteger();
            Harness.onThreads(t -> {
                for (int i = 0; i < runs; i++) {
                    long rc = h.run(t);
                    if (rc != 0) {
                        assertEquals(-11, rc, "only EAGAIN (full) may fail");
                        dropped.incrementAndGet();
                    }
                    if (t == 0) {
                        records.addAll(ring.poll());
                    }
                }
            });
            records.addAll(ring.poll());
            assertEquals(THREADS * runs, records.size() + dropped.get());
            long[] next = new long[THREADS];
            Set<Long> seen = new HashSet<>();
            for (byte[] r : records) {
                MemorySegment s = MemorySegment.ofArray(r);
                int cpu = (int) s.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                long seq = s.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
                assertTrue(seq >= next[cpu], "cpu " + cpu + "'s records out of order: " + seq + " after " + next[cpu]);
                next[cpu] = seq + 1;
                assertTrue(seen.add(cpu * 1_000_000L + seq), "a record delivered twice");
            }
        }
    }
}
