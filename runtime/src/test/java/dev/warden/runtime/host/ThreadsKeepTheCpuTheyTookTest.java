package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.warden.runtime.linux.LoadedObject;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Two threads whose ids are equal modulo the CPU count try the same CPU first. Once they have
 * met there (one found it busy and took another), each keeps to its own CPU afterwards, even when
 * their invocations no longer overlap: otherwise one CPU's context and memory would move between
 * their cores on every invocation (LoadedObject's {@code home} hint).
 */
class ThreadsKeepTheCpuTheyTookTest {
    @Test
    void aThreadThatFoundItsFirstCpuBusyKeepsTheOneItTook() throws Exception {
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("xdp_counter", dev.warden.runtime.linux.LinuxProgramType.XDP))
                .withCpus(2);
        LoadedObject loaded = Extensions.attach(Extensions.read(ExtensionLoadsVerifiesAndRunsTest.XDP_COUNTER), "xdp_counter.o", spec,
                VerificationPolicy.linux(), Optional.empty());
        ExecutorService a = Executors.newSingleThreadExecutor();
        long idA = a.submit(() -> Thread.currentThread().threadId()).get();
        ExecutorService b = Executors.newSingleThreadExecutor();
        long idB = b.submit(() -> Thread.currentThread().threadId()).get();
        while (idB % 2 != idA % 2) {
            b.shutdown();
            b = Executors.newSingleThreadExecutor();
            idB = b.submit(() -> Thread.currentThread().threadId()).get();
        }
        try {
            int first = a.submit(loaded::acquire).get();
            // B's first choice is A's (same id parity); A still holds it.
            int taken = b.submit(loaded::acquire).get();
            assertNotEquals(first, taken);
            a.submit(() -> loaded.release(first)).get();
            int cpuB = taken;
            b.submit(() -> loaded.release(cpuB)).get();
            for (int round = 0; round < 3; round++) {
                // One at a time now: each finds every CPU free, and takes its own.
                int again = b.submit(loaded::acquire).get();
                b.submit(() -> loaded.release(again)).get();
                assertEquals(taken, again, "B went back to the CPU it shares with A");
                int mine = a.submit(loaded::acquire).get();
                a.submit(() -> loaded.release(mine)).get();
                assertEquals(first, mine);
            }
        } finally {
            a.shutdown();
            b.shutdown();
            loaded.retire();
            loaded.close();
        }
    }
}
