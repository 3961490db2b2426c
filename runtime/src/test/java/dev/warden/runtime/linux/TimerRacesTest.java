package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.TimerPrograms.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.vm.ExecResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code bpf_timer} callbacks racing the host and programs on other threads, on real time: timers
 * in 64 hash elements re-arm for ever (timers.c {@code storm_hash_arm}) while host threads delete
 * and overwrite the elements through {@link HostMap} and a program deletes them from two CPUs, and
 * while the extension is hot-reloaded and closed. What must hold whatever the interleaving: no
 * callback faults, no thread throws, a timer lives only in an element no one has deleted or
 * overwritten since the program armed it, and no callback of a closed version runs. Skipped
 * without clang.
 */
class TimerRacesTest {
    /** {@code struct elem}'s {@code seen}: the host marks the elements it writes here (callbacks leave it alone). */
    private static final int MARK_OFFSET = 24;
    private static final int KEYS = 64;
    private static final long MARK = 0xdeadL;
    /** The keys the host and the program churn: 0..31; keys 32..63 keep re-arming throughout. */
    private static final int CHURNED = 32;
    /** Operations per churning thread. */
    private static final int OPERATIONS = 20_000;

    @TempDir
    static Path out;
    static BpfObject object;

    @BeforeAll
    static void build() throws Exception {
        object = TimerPrograms.compile(out);
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void timersSurviveOnlyInElementsNoOneDeletedOrOverwroteWhileCallbacksReArm(ExtensionEngine engine) throws Exception {
        AtomicLong callbacks = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
        try (LoadedObject loaded = TimerPrograms.load(object, engine, TimerClock.SYSTEM, 3, line -> callbacks.incrementAndGet())) {
            assertEquals(2, TimerPrograms.run(loaded, "storm_hash_arm"));
            await(() -> callbacks.get() >= 1_000, "the callbacks re-arm");
            HostMap map = loaded.map("storm_hash").orElseThrow();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long seed = t;
                threads.add(Thread.ofPlatform().start(() -> hostChurn(map, new SplittableRandom(seed), thrown)));
            }
            for (int t = 0; t < 2; t++) {
                long seed = 100 + t;
                threads.add(Thread.ofPlatform().start(() -> programDeletes(loaded, new SplittableRandom(seed), thrown)));
            }
            for (Thread t : threads) {
                t.join();
            }
            long after = callbacks.get() + 1_000;
            await(() -> callbacks.get() >= after, "the elements no one touched go on re-arming");
            assertTrue(thrown.isEmpty(), () -> "a thread threw: " + thrown);
            long untouched = map.entries().stream().filter(e -> TimerPrograms.s64(e.value(), MARK_OFFSET) != MARK).count();
            assertTrue(untouched >= KEYS - CHURNED);
            assertEquals(untouched, loaded.timers(),
                    "timers live in exactly the elements armed by the program and never deleted or overwritten since");
            assertEquals(0, loaded.timerFaults());
        }
    }

    /** Deletes a churned key, or writes it (marked) whether present or not, {@link #OPERATIONS} times. */
    private static void hostChurn(HostMap map, SplittableRandom random, ConcurrentLinkedQueue<Throwable> thrown) {
        byte[] marked = new byte[40];
        java.nio.ByteBuffer.wrap(marked).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(MARK_OFFSET, MARK);
        try {
            for (int i = 0; i < OPERATIONS; i++) {
                byte[] key = TimerPrograms.u32(random.nextInt(CHURNED));
                if (random.nextBoolean()) {
                    map.delete(key);
                } else {
                    map.update(key, marked, HostMap.ANY);
                }
                if (i % 64 == 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (Throwable e) {
            thrown.add(e);
        }
    }

    /** Runs {@code storm_hash_delete} on random churned keys from whichever CPU is free, {@link #OPERATIONS} / 10 times. */
    private static void programDeletes(LoadedObject loaded, SplittableRandom random, ConcurrentLinkedQueue<Throwable> thrown) {
        int program = loaded.programIndex("storm_hash_delete");
        try {
            for (int i = 0; i < OPERATIONS / 10; i++) {
                int cpu = loaded.acquire();
                try {
                    ExecResult r = loaded.run(cpu, program, new byte[14 + random.nextInt(CHURNED)]);
                    if (!(r instanceof ExecResult.Returned)) {
                        throw new AssertionError("storm_hash_delete: " + r);
                    }
                } finally {
                    loaded.release(cpu);
                }
            }
        } catch (Throwable e) {
            thrown.add(e);
        }
    }

    /**
     * Hot reload while the old version's callbacks re-arm and two threads invoke it: once the old
     * version is closed none of its callbacks runs again, the invokers see it retired (no CPU)
     * rather than a failure, and the new version arms the kept map's timers afresh and fires them.
     */
    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void aHotReloadWhileCallbacksFireAndProgramsRunLeavesNoCallbackOfTheOldVersion(ExtensionEngine engine) throws Exception {
        for (int round = 0; round < 5; round++) {
            AtomicLong oldLines = new AtomicLong();
            AtomicBoolean oldClosed = new AtomicBoolean();
            AtomicLong late = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
            LoadedObject old = TimerPrograms.load(object, engine, TimerClock.SYSTEM, 2, line -> {
                oldLines.incrementAndGet();
                if (oldClosed.get()) {
                    late.incrementAndGet();
                }
            });
            TimerPrograms.run(old, "storm");
            await(() -> oldLines.get() >= 500, "the old version's callbacks run");
            List<Thread> invokers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                invokers.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (true) {
                            int cpu = old.acquire();
                            if (cpu < 0) {
                                return; // retired
                            }
                            try {
                                old.run(cpu, old.programIndex("errors"), TimerPrograms.PACKET);
                            } finally {
                                old.release(cpu);
                            }
                        }
                    } catch (Throwable e) {
                        thrown.add(e);
                    }
                }));
            }
            AtomicLong newLines = new AtomicLong();
            try (LoadedObject next = TimerPrograms.load(object, engine, TimerClock.SYSTEM, 2, line -> newLines.incrementAndGet(),
                    Optional.of(old))) {
                old.retire();
                old.close();
                oldClosed.set(true);
                for (Thread t : invokers) {
                    t.join();
                }
                assertTrue(thrown.isEmpty(), () -> "an invoker threw: " + thrown);
                Thread.sleep(5);
                assertEquals(0, late.get(), "round " + round + ": an old callback ran after close returned");
                assertEquals(0, next.timers(), "the kept values hold no initialised timer");
                TimerPrograms.run(next, "storm");
                await(() -> newLines.get() >= 500, "the new version's callbacks run");
                next.retire();
            }
        }
    }
}
