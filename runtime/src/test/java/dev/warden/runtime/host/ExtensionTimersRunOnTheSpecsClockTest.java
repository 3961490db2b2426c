package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.elf.BpfObject;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.ManualTimerClock;
import dev.warden.runtime.linux.TimerPrograms;
import dev.warden.vm.ExecResult;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host's test of a timer-driven extension ({@code ExtensionSpec.withTimerClock}): the extension
 * reads the host's {@link ManualTimerClock} through {@code bpf_ktime_get_ns} and its timers fire
 * when the test moves it, not before, with no sleeping for real deadlines. Skipped without clang.
 */
class ExtensionTimersRunOnTheSpecsClockTest {
    @TempDir
    Path out;

    @Test
    void anExtensionsTimersFireWhenTheHostMovesItsClock() throws Exception {
        BpfObject object = TimerPrograms.compile(out);
        ManualTimerClock clock = new ManualTimerClock();
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("absolute", LinuxProgramType.XDP)).withCpus(1)
                .withTimerClock(clock);
        try (Extension ext = Extensions.load(object, "timers.o", spec, VerificationPolicy.linux())) {
            assertEquals(2, assertInstanceOf(ExecResult.Returned.class, ext.invoke("absolute", TimerPrograms.PACKET)).r0());
            HostMap rcs = ext.map("rcs").orElseThrow();
            HostMap arr = ext.map("arr").orElseThrow();
            TimerPrograms.await(() -> fired(rcs) == 2, "the start already past fires at once (twice: it re-arms once)");
            clock.advance(999_999);
            Thread.sleep(20);
            assertEquals(2, fired(rcs), "the absolute deadline 1 ms after the program's ktime read is not yet due");
            assertEquals(Optional.of(0L), arr.lookup(TimerPrograms.u32(0)).map(v -> TimerPrograms.s64(v, TimerPrograms.FIRED)));
            clock.advance(1);
            TimerPrograms.await(() -> fired(rcs) == 4, "the absolute starts fire once the host's clock reaches them");
        }
    }

    private static long fired(HostMap rcs) {
        return TimerPrograms.s64(rcs.lookup(TimerPrograms.u32(TimerPrograms.FIRED_SLOT)).orElseThrow(), 0);
    }
}
