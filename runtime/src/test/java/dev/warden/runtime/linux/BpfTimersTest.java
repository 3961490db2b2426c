package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.TimerPrograms.FIRED;
import static dev.warden.runtime.linux.TimerPrograms.FIRED_SLOT;
import static dev.warden.runtime.linux.TimerPrograms.SEEN;
import static dev.warden.runtime.linux.TimerPrograms.SELF_CANCEL;
import static dev.warden.runtime.linux.TimerPrograms.await;
import static dev.warden.runtime.linux.TimerPrograms.field;
import static dev.warden.runtime.linux.TimerPrograms.rc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import dev.warden.vm.ExecResult;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code bpf_timer}s in Warden (timers.c): Linux's error codes, callbacks that get the map, key and
 * value holding their timer, -EDEADLK when a callback cancels its own timer, elements deleted or
 * overwritten while armed whose timers never fire, and closing while many timers fire, on both
 * engines. Timers run on a clock the tests move ({@link ManualTimerClock}) except where real time
 * is the point (the close). Skipped without clang.
 */
class BpfTimersTest {
    private static final long EINVAL = -22;
    private static final long EBUSY = -16;
    private static final long EDEADLK = -35;

    @TempDir
    static Path out;
    static BpfObject object;

    @BeforeAll
    static void build() throws Exception {
        object = TimerPrograms.compile(out);
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void everyHelperAnswersLinuxsErrorCodes(ExtensionEngine engine) {
        try (LoadedObject loaded = TimerPrograms.load(object, engine, new ManualTimerClock(), 1, line -> { })) {
            assertEquals(2, TimerPrograms.run(loaded, "errors"));
            long[] expected = {EINVAL, EINVAL, EINVAL, EINVAL, 0, EBUSY, EINVAL, 0, EINVAL, 0, EINVAL, 0, 0, 0, 1, 0, 0, 0, 1, 0, EBUSY};
            for (int slot = 0; slot < expected.length; slot++) {
                assertEquals(expected[slot], rc(loaded, slot), "rcs[" + slot + "]");
            }
            assertEquals(2, loaded.timers(), "array elements 0 and 2 hold initialised timers");
            assertEquals(0, rc(loaded, FIRED_SLOT), "nothing was left armed, so nothing fired");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void callbacksRunWhenDueWithTheirMapKeyAndValue(ExtensionEngine engine) throws Exception {
        ManualTimerClock clock = new ManualTimerClock();
        try (LoadedObject loaded = TimerPrograms.load(object, engine, clock, 2, line -> { })) {
            assertEquals(2, TimerPrograms.run(loaded, "fires"));
            for (int slot : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}) {
                assertEquals(0, rc(loaded, slot), "rcs[" + slot + "]");
            }
            assertEquals(EINVAL, rc(loaded, 13), "the overwritten element's timer is freed: start");
            assertEquals(EINVAL, rc(loaded, 14), "the overwritten element's timer is freed: cancel");
            // The clock has not moved: only the timers started with 0 ns are due (array 0, hash 3).
            await(() -> rc(loaded, FIRED_SLOT) == 2, "the two timers due now fire");
            assertEquals(Optional.of(1L), field(loaded, "arr", 0, FIRED));
            assertEquals(Optional.of(1L), field(loaded, "hash", 3, FIRED));
            assertEquals(Optional.of(0L), field(loaded, "lru", 5, FIRED), "a timer 5 us away has not fired");
            clock.advance(1_000_000_000L);
            await(() -> rc(loaded, FIRED_SLOT) == 6, "every armed timer fires once the clock passes its deadline");
            assertEquals(Optional.of(1000L), field(loaded, "arr", 0, SEEN));
            assertEquals(Optional.of(2L), field(loaded, "arr", 1, FIRED), "array element 1 re-armed itself once");
            assertEquals(Optional.of(1001L), field(loaded, "arr", 1, SEEN));
            assertEquals(Optional.of(2003L), field(loaded, "hash", 3, SEEN));
            assertEquals(Optional.of(2004L), field(loaded, "hash", 4, SEEN));
            assertEquals(Optional.of(3005L), field(loaded, "lru", 5, SEEN));
            for (String[] at : new String[][] {{"arr", "0"}, {"arr", "1"}, {"hash", "3"}, {"hash", "4"}, {"lru", "5"}}) {
                assertEquals(Optional.of(EDEADLK), field(loaded, at[0], Integer.parseInt(at[1]), SELF_CANCEL),
                        at[0] + "[" + at[1] + "] cancelling its own timer from its callback");
            }
            assertEquals(Optional.empty(), field(loaded, "hash", 6, FIRED), "the deleted element is gone");
            assertEquals(Optional.of(0L), field(loaded, "arr", 3, FIRED), "the overwritten element's timer never fired");
            clock.advance(10_000_000_000L);
            Thread.sleep(20);
            assertEquals(6, rc(loaded, FIRED_SLOT), "nothing else fires, however long one waits");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void anElementTheHostDeletesOrOverwritesWhileArmedNeverFires(ExtensionEngine engine) throws Exception {
        ManualTimerClock clock = new ManualTimerClock();
        try (LoadedObject loaded = TimerPrograms.load(object, engine, clock, 1, line -> { })) {
            TimerPrograms.run(loaded, "fires");
            await(() -> rc(loaded, FIRED_SLOT) == 2, "the two timers due now fire");
            int before = loaded.timers();
            assertEquals(0, loaded.map("hash").orElseThrow().delete(TimerPrograms.u32(4)));
            assertEquals(0, loaded.map("lru").orElseThrow().update(TimerPrograms.u32(5), new byte[40], HostMap.EXIST));
            assertEquals(before - 2, loaded.timers(), "both elements' timers are freed");
            clock.advance(1_000_000_000L);
            await(() -> field(loaded, "arr", 1, FIRED).orElseThrow() == 2, "array element 1 fires twice");
            clock.advance(1_000_000_000L);
            Thread.sleep(20);
            assertEquals(4, rc(loaded, FIRED_SLOT), "array 0, array 1 twice and hash 3: not hash 4 nor lru 5");
            assertEquals(Optional.of(0L), field(loaded, "lru", 5, FIRED));
        }
    }

    /**
     * Hot reload: the old version's armed timers are cancelled with it (its code is freed), so none
     * fires later, and the kept maps' timers are uninitialised again: the new version initialises
     * them afresh (0, not -EBUSY) and its own callbacks run.
     */
    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void aReplacedVersionsTimersNeverFireAndTheNewVersionInitialisesThemAgain(ExtensionEngine engine) throws Exception {
        ManualTimerClock clock = new ManualTimerClock();
        LoadedObject old = TimerPrograms.load(object, engine, clock, 1, line -> { });
        TimerPrograms.run(old, "fires");
        await(() -> rc(old, FIRED_SLOT) == 2, "the two timers due now fire");
        assertTrue(old.timers() > 0);
        try (LoadedObject next = TimerPrograms.load(object, engine, clock, 1, line -> { }, Optional.of(old))) {
            old.retire();
            old.close();
            assertEquals(0, next.timers(), "the kept values hold no initialised timer");
            clock.advance(1_000_000_000L);
            Thread.sleep(20);
            assertEquals(2, rc(next, FIRED_SLOT), "none of the old version's armed timers fired after the replace");
            assertEquals(Optional.of(0L), field(next, "lru", 5, FIRED));
            TimerPrograms.run(next, "fires");
            assertEquals(0, rc(next, 0), "array element 0's timer initialises again");
            clock.advance(1_000_000_000L);
            await(() -> rc(next, FIRED_SLOT) == 8, "the new version's callbacks run");
        }
    }

    /**
     * A callback runs on the invocation's instruction budget, like any run: 100,000 iterations
     * finish on a budget of ten million and fault on one of fifty thousand, which the host sees
     * (the trace sink, {@link LoadedObject#timerFaults}); the scheduler goes on firing afterwards.
     */
    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void aCallbackRunsOnTheInvocationBudget(ExtensionEngine engine) throws Exception {
        try (LoadedObject roomy = TimerPrograms.load(object, engine, new ManualTimerClock(), 1, line -> { }, Optional.empty(),
                10_000_000)) {
            TimerPrograms.run(roomy, "slow");
            await(() -> field(roomy, "storm_arr", 0, FIRED).orElseThrow() == 100_000, "the callback finishes");
            assertEquals(0, roomy.timerFaults());
        }
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LoadedObject tight = TimerPrograms.load(object, engine, new ManualTimerClock(), 1, lines::add, Optional.empty(), 50_000)) {
            TimerPrograms.run(tight, "slow");
            await(() -> tight.timerFaults() == 1, "the callback runs out of budget");
            assertTrue(field(tight, "storm_arr", 0, FIRED).orElseThrow() < 100_000);
            assertTrue(lines.stream().anyMatch(l -> l.contains("faulted") && l.contains("BUDGET_EXHAUSTED")), lines.toString());
            TimerPrograms.run(tight, "fires");
            await(() -> rc(tight, FIRED_SLOT) == 2, "later timers still fire");
        }
    }

    /** {@code warden exec}'s environment runs a program once: the timers it arms are reported, none fires. */
    @Test
    void aProgramRunOnceReportsItsArmedTimersAndFiresNone() throws Exception {
        try (LinuxEnvironment env = LinuxEnvironment.load(object, object.program("fires").orElseThrow(), LinuxProgramType.XDP)) {
            assertEquals(new ExecResult.Returned(2), env.run(TimerPrograms.PACKET));
            List<String> armed = env.armedTimers().stream().map(ArmedTimer::toString).toList();
            assertEquals(List.of("map arr key 00000000 offset 0: in 0 ns", "map arr key 01000000 offset 0: in 1000 ns",
                    "map hash key 03000000 offset 0: in 0 ns", "map hash key 04000000 offset 0: in 20000 ns",
                    "map lru key 05000000 offset 0: in 5000 ns"), armed);
            Thread.sleep(20);
            byte[] fired = env.maps().get("rcs").stream().filter(e -> java.util.Arrays.equals(e.key(), TimerPrograms.u32(FIRED_SLOT)))
                    .findFirst().map(MapEntry::value).orElse(new byte[8]);
            assertEquals(0, TimerPrograms.s64(fired, 0), "no callback ran");
        }
    }

    /**
     * 64 timers that re-arm at once for ever, on real time; the object is retired and closed while
     * they fire, and no callback may run once close has returned (each callback prints a line: a line
     * that arrives afterwards is the failure). Twenty rounds per engine.
     */
    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void noCallbackRunsAfterCloseReturnsWhileManyTimersFire(ExtensionEngine engine) throws Exception {
        for (int round = 0; round < 20; round++) {
            AtomicBoolean closed = new AtomicBoolean();
            AtomicLong lines = new AtomicLong();
            AtomicLong late = new AtomicLong();
            LoadedObject loaded = TimerPrograms.load(object, engine, TimerClock.SYSTEM, 2, line -> {
                lines.incrementAndGet();
                if (closed.get()) {
                    late.incrementAndGet();
                }
            });
            TimerPrograms.run(loaded, "storm");
            long target = 200 + round * 50L;
            await(() -> lines.get() >= target, "the storm's callbacks run");
            loaded.retire();
            loaded.close();
            closed.set(true);
            long atClose = lines.get();
            Thread.sleep(5);
            assertEquals(0, late.get(), "round " + round + ": callbacks ran after close returned");
            assertEquals(atClose, lines.get());
            assertTrue(atClose >= target);
        }
    }
}
