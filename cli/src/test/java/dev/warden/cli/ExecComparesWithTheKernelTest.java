package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden exec --type T --packet HEX --compare-kernel}: the same run in Warden (both engines)
 * and in Linux, compared. Where bpf() is unavailable the command says why and exits with 3, which
 * these tests check instead.
 */
class ExecComparesWithTheKernelTest {
    @TempDir Path dir;

    static boolean kernel() {
        return KernelOracle.available() instanceof Availability.Available;
    }

    @Test
    void theExampleCounterAgreesOnBothEngines() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", ExecRunsLinuxProgramTypesTest.COUNTER, "--type", "xdp",
                "--packet", ExecRunsLinuxProgramTypesTest.TCP_PACKET, "--compare-kernel");
        if (!kernel()) {
            assertEquals(3, o.status(), o.out() + o.err());
            assertTrue(o.out().contains("not compared with Linux: kernel oracle unavailable"), o.out());
            return;
        }
        assertEquals(0, o.status(), o.out() + o.err());
        assertTrue(o.out().startsWith("xdp_counter (interp) agrees with Linux "), o.out());
        assertTrue(o.out().contains("xdp_counter (jit) agrees with Linux "), o.out());
    }

    @Test
    void jsonGivesAVerdictPerEngine() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", ExecRunsLinuxProgramTypesTest.COUNTER, "--type", "xdp",
                "--packet", ExecRunsLinuxProgramTypesTest.TCP_PACKET, "--compare-kernel", "--json");
        assertTrue(o.out().startsWith("{\"kernel\": "), o.out());
        if (kernel()) {
            assertEquals(0, o.status(), o.out() + o.err());
            assertTrue(o.out().contains("{\"engine\": \"interp\", \"verdict\": \"agrees\", \"not_compared\": []}, "
                    + "{\"engine\": \"jit\", \"verdict\": \"agrees\", \"not_compared\": []}"), o.out());
        } else {
            assertTrue(o.out().contains("\"verdict\": \"not compared\""), o.out());
        }
    }

    @Test
    void aDifferenceIsLocated() throws Exception {
        // skb->protocol of a socket filter: the kernel's test run starts the packet at the network
        // header and takes the protocol from the Ethernet header it removed; Warden, given the
        // packet from the network header too, reads the EtherType where an Ethernet header would
        // have it (a documented difference, docs/runtime.md).
        Path s = dir.resolve("protocol.s");
        Files.writeString(s, "r0 = *(u32 *)(r1 + 16)\nexit\n");
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", s.toString(), "--type", "socket",
                "--packet", ExecRunsLinuxProgramTypesTest.TCP_PACKET, "--compare-kernel");
        if (!kernel()) {
            assertEquals(3, o.status(), o.out() + o.err());
            return;
        }
        assertEquals(4, o.status(), o.out() + o.err());
        assertTrue(o.out().contains("main (interp) differs from Linux"), o.out());
        assertTrue(o.out().contains("  r0: Linux 0x8, Warden 0x"), o.out());
    }

    @Test
    void aPacketTheKernelCannotTakeIsNotCompared() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", ExecRunsLinuxProgramTypesTest.COUNTER, "--type", "xdp",
                "--packet", "00 11 22", "--compare-kernel");
        assertEquals(3, o.status(), o.out() + o.err());
        assertTrue(o.out().contains("xdp_counter: not compared with Linux: "), o.out());
    }

    @Test
    void otherEnginesAndKflexOptionsAreUserErrors() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", ExecRunsLinuxProgramTypesTest.COUNTER, "--type", "xdp",
                "--packet", ExecRunsLinuxProgramTypesTest.TCP_PACKET, "--compare-kernel", "--heap", "4096");
        assertEquals(1, o.status());
        assertTrue(o.err().contains("--compare-kernel runs both engines"), o.err());
        var jit = ExecRunsProgramsAndReportsFaultsTest.warden("exec", ExecRunsLinuxProgramTypesTest.COUNTER, "--type", "xdp",
                "--packet", ExecRunsLinuxProgramTypesTest.TCP_PACKET, "--compare-kernel", "--engine", "jit");
        assertEquals(1, jit.status());
    }
}
