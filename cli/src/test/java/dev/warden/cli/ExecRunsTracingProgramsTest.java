package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden exec --type kprobe --ctx HEX}: tracing programs on a context the user gives. */
class ExecRunsTracingProgramsTest {
    @TempDir Path dir;

    static final Path SECCOMP = Path.of(System.getProperty("warden.shared", "../../shared"), "testdata", "real-objects",
            "inspektor-gadget", "clang-21_-O2_seccomp_x86_bpfel.o");

    @Test
    void aKprobeReadsTheRegistersGivenWithCtx() throws Exception {
        Path s = dir.resolve("p.s");
        Files.writeString(s, "r0 = *(u64 *)(r1 + 112)\nexit\n");
        String regs = "00".repeat(112) + "2a00000000000000";
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "kprobe", "--ctx", regs);
        assertEquals(0, o.status(), o.err());
        assertEquals("r0 = 0x2a (42)\n", o.out());
        var zero = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "uprobe");
        assertEquals("r0 = 0x0 (0)\n", zero.out(), "uprobe is a kprobe; the default context is zero");
        var json = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "kprobe", "--ctx", regs, "--json");
        assertTrue(json.out().startsWith("{\"r0\": \"0x2a\""), json.out());
    }

    @Test
    void aStoreToTheRegistersFaultsAndTraceLinesArePrinted() throws Exception {
        Path s = dir.resolve("p.s");
        Files.writeString(s, "r2 = 1\n*(u64 *)(r1 + 0) = r2\nexit\n");
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "kprobe");
        assertEquals(2, o.status());
        assertTrue(o.out().startsWith("fault at pc 1: READ_ONLY"), o.out());
    }

    @Test
    void theSectionPicksTheTypeOfARealRawTracepoint() {
        assumeTrue(Files.isRegularFile(SECCOMP), "SKIPPED: no " + SECCOMP.toAbsolutePath());
        // args[1] is the syscall number: 59 (execve).
        String args = "0000000000000000" + "3b00000000000000";
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", SECCOMP.toString(), "--ctx", args, "--maps");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().startsWith("r0 = 0x0 (0)\n"), o.out());
        assertTrue(o.out().contains("map syscalls_per_mntns:"), o.out());
    }

    @Test
    void theInputMustFitTheType() throws Exception {
        Path s = dir.resolve("p.s");
        Files.writeString(s, "r0 = 0\nexit\n");
        var packet = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "kprobe", "--packet", "00");
        assertEquals(1, packet.status());
        assertTrue(packet.err().contains("has no packet; give its context with --ctx"), packet.err());
        var ctx = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "xdp", "--ctx", "00");
        assertEquals(1, ctx.status());
        assertTrue(ctx.err().contains("gets a --packet"), ctx.err());
        var big = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "raw_tp", "--ctx", "00".repeat(97));
        assertEquals(1, big.status());
        assertTrue(big.err().contains("a raw_tracepoint context is 96 bytes, not 97"), big.err());
        var kernel = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "kprobe", "--compare-kernel");
        assertEquals(1, kernel.status());
        assertTrue(kernel.err().contains("--compare-kernel runs xdp, tc and socket programs"), kernel.err());
    }
}
