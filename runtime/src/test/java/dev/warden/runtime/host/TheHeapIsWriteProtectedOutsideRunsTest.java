package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.ProtectionKeys;
import dev.warden.mpk.Support;
import dev.warden.runtime.linux.KflexHeap;
import dev.warden.vm.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 §4 for the extension's heap: its pages carry the process's protection key for
 * extension memory and are writable only while an extension runs. The same code path serves every
 * mode; here (no {@code pku}) the {@code MPROTECT} fallback shows it: the heap's pages are
 * read-only between runs (read from {@code /proc/self/maps}), runs and the allocator still write
 * it, and a host write outside a run kills a child JVM with SIGSEGV at exactly that address. With
 * {@code NONE} the same write goes through (the control). The protection-key run of the child
 * skips with the probe's reason where the CPU has no keys.
 */
class TheHeapIsWriteProtectedOutsideRunsTest {
    @TempDir
    Path dir;

    EimClassPolicy policy() throws Exception {
        Path p = dir.resolve("kflex.eim");
        Files.writeString(p, TheHeapSurvivesAHotReloadTest.POLICY);
        return EimClassPolicy.forClass(p, "counter", dev.warden.verifier.VerifierOptions.linux()
                .withTermination(dev.warden.verifier.Termination.RUNTIME));
    }

    static String permissions(long address) throws IOException {
        return dev.warden.mpk.PageProtection.of(address);
    }

    @Test
    void underTheMprotectFallbackTheHeapIsReadOnlyBetweenRunsAndRunsStillWriteIt() throws Exception {
        try (Extension ext = Extensions.load(TheHeapSurvivesAHotReloadTest.counter(1), "counter.o",
                TheHeapSurvivesAHotReloadTest.spec().withIsolation(IsolationMode.MPROTECT), policy())) {
            for (int i = 0; i < 5; i++) {
                assertEquals(new ExecResult.Returned(i), ext.invoke("tick", new byte[0]));
            }
        }
        // Through the load path that exposes the heap: its pages between runs, and the host's allocator.
        var loaded = Extensions.attach(TheHeapSurvivesAHotReloadTest.counter(1), "counter.o",
                TheHeapSurvivesAHotReloadTest.spec().withIsolation(IsolationMode.MPROTECT), policy(), java.util.Optional.empty());
        try {
            KflexHeap heap = loaded.heap().orElseThrow();
            assertEquals(IsolationMode.MPROTECT, heap.isolation());
            assertTrue(permissions(heap.base()).startsWith("r-"), "read-only before any run: " + permissions(heap.base()));
            int cpu = loaded.acquire();
            assertEquals(new ExecResult.Returned(0), loaded.run(cpu, loaded.programIndex("tick"), new byte[0]));
            assertEquals(new ExecResult.Returned(1), loaded.run(cpu, loaded.programIndex("tick"), new byte[0]));
            loaded.release(cpu);
            assertTrue(permissions(heap.base()).startsWith("r-"), "read-only again after the runs: " + permissions(heap.base()));
            assertNotEquals(0, heap.alloc(16), "the allocator zeroes inside its own write scope");
            assertTrue(permissions(heap.base()).startsWith("r-"), permissions(heap.base()));
            assertEquals(2, heap.bytes()[(int) KflexHeap.ROOT_OFFSET], "reads are always allowed");
        } finally {
            loaded.retire();
            loaded.close();
        }
    }

    @Test
    void withProtectionKeysWhereTheCpuHasThemTheHeapIsReadOnlyBetweenRuns() throws Exception {
        assumeTrue(ProtectionKeys.probe() instanceof Support.Supported, () -> "skipped: " + ProtectionKeys.probe().describe());
        try (Extension ext = Extensions.load(TheHeapSurvivesAHotReloadTest.counter(1), "counter.o",
                TheHeapSurvivesAHotReloadTest.spec(), policy())) {
            assertEquals(IsolationMode.PROTECTION_KEYS, TheHeapSurvivesAHotReloadTest.spec().isolation(), "the default where keys exist");
            for (int i = 0; i < 5; i++) {
                assertEquals(new ExecResult.Returned(i), ext.invoke("tick", new byte[0]));
            }
        }
    }

    @Test
    void aHostWriteToTheHeapOutsideARunKillsTheChildUnderTheMprotectFallback() throws Exception {
        Child c = child(IsolationMode.MPROTECT);
        assertSegv(c, 2, "SEGV_ACCERR");
    }

    @Test
    void aHostWriteToTheHeapOutsideARunKillsTheChildUnderProtectionKeys() throws Exception {
        assumeTrue(ProtectionKeys.probe() instanceof Support.Supported, () -> "skipped: " + ProtectionKeys.probe().describe());
        Child c = child(IsolationMode.PROTECTION_KEYS);
        assertSegv(c, 4, "SEGV_PKUERR");
    }

    @Test
    void withoutIsolationTheSameWriteGoesThrough() throws Exception {
        Child c = child(IsolationMode.NONE);
        assertEquals(0, c.exit(), c.output());
        assertTrue(c.output().contains("wrote the root outside a run: NOT isolated"), c.output());
    }

    record Child(int exit, String output, String errorReport) {}

    private static final Pattern ROOT = Pattern.compile("(?:root|value) at 0x([0-9a-f]+)");
    private static final Pattern SIGINFO = Pattern.compile("si_signo: 11 \\(SIGSEGV\\), si_code: (\\d+) \\((\\w+)\\), si_addr: 0x([0-9a-f]+)");

    static void assertSegv(Child c, int code, String name) {
        assertNotEquals(0, c.exit(), c.output());
        assertTrue(!c.output().contains("NOT isolated"), c.output());
        Matcher root = ROOT.matcher(c.output());
        assertTrue(root.find(), c.output());
        Matcher m = SIGINFO.matcher(c.errorReport());
        assertTrue(m.find(), "no SIGSEGV in the child's error report:\n" + c.output() + c.errorReport());
        assertEquals(code + " " + name, m.group(1) + " " + m.group(2));
        assertEquals(Long.parseUnsignedLong(root.group(1), 16), Long.parseUnsignedLong(m.group(3), 16), "the fault is the host's write");
    }

    Child child(IsolationMode mode) throws Exception {
        return child(dir, HeapWriteOutsideARun.class, mode);
    }

    /** Runs {@code main} in a child JVM with {@code mode} as its argument, its crash report in {@code dir}. */
    static Child child(Path dir, Class<?> main, IsolationMode mode) throws Exception {
        Path report = dir.resolve("hs_err_" + main.getSimpleName() + "_" + mode + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + report, "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), main.getName(), mode.name()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish: " + out);
        }
        String err = Files.exists(report) ? Files.readString(report) : "";
        return new Child(p.exitValue(), out, err);
    }
}
