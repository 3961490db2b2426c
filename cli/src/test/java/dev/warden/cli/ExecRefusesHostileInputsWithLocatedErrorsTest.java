package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs an attacker (or a typo) gives {@code warden exec}: each is a one-line located message
 * and a non-zero status, never a stack trace, a heap exhausted by reading, or a run that starts.
 */
class ExecRefusesHostileInputsWithLocatedErrorsTest {
    @TempDir Path dir;

    static final String COUNTER = ExecRunsLinuxProgramTypesTest.COUNTER;

    private static void assertOneLocatedLine(ExecRunsProgramsAndReportsFaultsTest.Outcome o, String expected) {
        assertTrue(o.err().startsWith("warden: "), o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertFalse(o.err().contains("Exception") || o.err().contains("\tat "), o.err());
    }

    /** Before: IndexOutOfBoundsException from the map's first update, as a stack trace. */
    @Test
    void aMapWhoseValueSizeIsTwoToThe31IsRefusedByName() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", Path.of("src", "test", "objects", "huge_value.o").toString(),
                "--type", "xdp", "--packet", "00");
        assertEquals(1, o.status(), o.err());
        assertOneLocatedLine(o, "huge_value.o: cannot run as xdp: map huge (array): value_size 2147483648 is more than 2^31 - 1 (E2BIG)");
    }

    /** Before: the whole file was read into the heap, then refused (or the heap ran out: "out of memory"). */
    @Test
    void aPacketFileOfAHundredMegabytesIsRefusedAfterReadingOnePacket() throws Exception {
        Path big = dir.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(100L << 20); // sparse: costs no disk
        }
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--type", "xdp", "--packet", "@" + big);
        assertEquals(1, o.status(), o.err());
        assertOneLocatedLine(o, "--packet @" + big + ": more than 65535 bytes");
    }

    /** Before: "out of memory: the Java heap ... is too small for this input", after filling it. */
    @Test
    void anEndlessPacketSourceIsRefused() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--type", "xdp", "--packet", "@/dev/zero");
        assertEquals(1, o.status(), o.err());
        assertOneLocatedLine(o, "--packet @/dev/zero: more than 65535 bytes");
        var m = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--mem", "@/dev/zero");
        assertEquals(1, m.status(), m.err());
        assertOneLocatedLine(m, "--mem @/dev/zero: more than " + ExecCommand.MAX_MEM + " bytes");
    }

    @Test
    void aPacketOfTheLargestSizeRuns() throws Exception {
        Path max = dir.resolve("max.bin");
        Files.write(max, new byte[65535]);
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--type", "xdp", "--packet", "@" + max);
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().startsWith("r0 = "), o.out());
    }

    /** Before: --time-budget 2^63-1 overflowed to a negative number of nanoseconds: an IllegalArgumentException's trace. */
    @Test
    void timeBudgetsThatOverflowOrAreNotPositiveAreUserErrors() {
        for (String ms : new String[] {"9223372036854775807", "9223372036855", "0", "-1"}) {
            var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--type", "xdp", "--time-budget", ms);
            assertEquals(2, o.status(), ms + ": " + o.err());
            assertOneLocatedLine(o, "--time-budget must be from 1 to " + ExecCommand.MAX_TIME_BUDGET_MS + " ms, not " + ms);
        }
        var ok = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--type", "xdp", "--time-budget",
                String.valueOf(ExecCommand.MAX_TIME_BUDGET_MS));
        assertEquals(0, ok.status(), ok.err());
    }

    @Test
    void heapsAndBudgetsOutOfRangeAreUserErrors() {
        for (String heap : new String[] {"0", "-256", "255", "300", "2147483648"}) {
            var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--type", "xdp", "--heap", heap);
            assertEquals(2, o.status(), heap + ": " + o.err());
            assertOneLocatedLine(o, "--heap must be a power of two from 256 to 1073741824 bytes, not " + heap);
        }
        var b = ExecRunsProgramsAndReportsFaultsTest.warden("exec", COUNTER, "--type", "xdp", "--budget", "-5", "--time-budget", "5");
        assertEquals(1, b.status(), b.err());
        assertOneLocatedLine(b, "budget -5 is negative");
    }
}
