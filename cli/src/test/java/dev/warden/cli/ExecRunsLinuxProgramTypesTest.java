package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden exec --type T --packet HEX}: Linux contexts, maps and helpers from the command line. */
class ExecRunsLinuxProgramTypesTest {
    @TempDir Path dir;

    /** An Ethernet + IPv4 header (54 bytes with TCP) whose protocol is TCP. */
    static final String TCP_PACKET = "00".repeat(12) + "0800" + "00".repeat(9) + "06" + "00".repeat(30);
    static final String COUNTER = Path.of("..", "examples", "xdp_counter.o").toString();

    @Test
    void theExampleCounterRunsOnAPacketAndPrintsItsMaps() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--packet", TCP_PACKET, "--maps");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().startsWith("r0 = 0x2 (2)\n"), o.out());
        assertTrue(o.out().contains("map proto_count:\n  06000000 -> 0100000000000000\n"), o.out());
    }

    @Test
    void jsonHasR0AndTheMaps() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--type", "xdp", "--packet", TCP_PACKET, "--json");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().startsWith("{\"r0\": \"0x2\", \"maps\": {\"proto_count\": [{\"key\": \"06000000\", "
                + "\"value\": \"0100000000000000\"}]"), o.out());
    }

    @Test
    void anAssemblyProgramFaultsOnePastThePacketEnd() throws Exception {
        Path s = dir.resolve("p.s");
        Files.writeString(s, "r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 3)\nexit\n");
        var ok = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "xdp", "--packet", "11 22 33 44");
        assertEquals("r0 = 0x44 (68)\n", ok.out());
        var bad = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "xdp", "--packet", "11 22 33");
        assertEquals(2, bad.status());
        assertTrue(bad.out().startsWith("fault at pc 1: OUT_OF_BOUNDS"), bad.out());
    }

    @Test
    void aPacketHelperMovesTheTailAndAHelperThisRuntimeLacksIsRefusedBeforeTheRun() throws Exception {
        Path s = dir.resolve("tail.s");
        // bpf_xdp_adjust_tail(ctx, -2), then data_end - data from the rewritten context.
        Files.writeString(s, "r6 = r1\nr2 = -2\ncall 65\nr2 = *(u32 *)(r6 + 0)\nr0 = *(u32 *)(r6 + 4)\nr0 -= r2\nexit\n");
        var ok = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "xdp", "--packet", "00".repeat(16));
        assertEquals("r0 = 0xe (14)\n", ok.out(), ok.err());
        int lacking = java.util.stream.IntStream.of(97, 151, 122)
                .filter(id -> !dev.warden.runtime.linux.ProvidedHelpers.provides(id)).findFirst().orElseThrow();
        Path t = dir.resolve("lacks.s");
        Files.writeString(t, "r0 = 0\ncall " + lacking + "\nexit\n");
        var refused = ExecRunsProgramsAndReportsFaultsTest.warden("exec", t.toString(), "--type", "tc", "--packet", "00".repeat(60));
        assertEquals(1, refused.status(), refused.out());
        assertTrue(refused.err().contains("pc 1: calls bpf_") && refused.err().contains("(id " + lacking + "), which this runtime does not provide"),
                refused.err());
    }

    @Test
    void badCombinationsAreUserErrors() throws Exception {
        Path s = dir.resolve("p.s");
        Files.writeString(s, "r0 = 0\nexit\n");
        var t = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "lsm");
        assertEquals(1, t.status());
        assertTrue(t.err().contains("expected one of xdp, tc, socket, kprobe"), t.err());
        var noType = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--packet", "00");
        assertEquals(1, noType.status());
        assertTrue(noType.err().contains("give --type"), noType.err());
        var mem = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "xdp", "--mem", "00");
        assertEquals(1, mem.status());
        var maps = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--maps");
        assertEquals(1, maps.status());
    }
}
