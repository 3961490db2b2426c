package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code --heap} and {@code --time-budget} (KFlex) on the command line: {@code verify} accepts the
 * corpus's data structures in runtime-termination mode and reports heap guards elided / total,
 * {@code exec} runs one with its heap and the same counts in its JSON, and a runaway is cancelled.
 */
class ExecAndVerifyRunKflexExtensionsTest {
    static final String BST = Path.of("..", "corpus", "kflex", "bst.o").toString();
    static final String RUNAWAY = Path.of("..", "corpus", "kflex", "runaway.o").toString();

    static String request(long kind, long key, long value) {
        return HexFormat.of().formatHex(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(kind).putLong(key)
                .putLong(value).array());
    }

    @Test
    void verifyReportsHeapGuardsPerProgram() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("verify", BST, "--termination", "runtime", "--heap", "1048576", "--json");
        assertEquals(0, o.status(), o.out() + o.err());
        Matcher m = Pattern.compile("\"heap_guards_elided\": (\\d+), \"heap_guards_total\": (\\d+)").matcher(o.out());
        assertTrue(m.find(), o.out());
        int elided = Integer.parseInt(m.group(1));
        int total = Integer.parseInt(m.group(2));
        assertTrue(total > 0 && elided > 0 && elided < total, o.out());
        var proof = ExecRunsProgramsAndReportsFaultsTest.warden("verify", BST, "--heap", "1048576");
        assertEquals(1, proof.status(), "its loops have no bound to prove: " + proof.out());
        var noHeap = ExecRunsProgramsAndReportsFaultsTest.warden("verify", BST, "--termination", "runtime");
        assertEquals(1, noHeap.status(), "without a heap its helpers are unknown: " + noHeap.out());
    }

    @Test
    void execRunsWithTheHeapOnBothEngines() {
        for (String engine : new String[] {"interp", "jit"}) {
            var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", BST, "--heap", "65536", "--engine", engine, "--json",
                    "--packet", request(1, 5, 50));
            assertEquals(0, o.status(), o.err());
            assertTrue(o.out().startsWith("{\"r0\": \"0x1\", \"maps\": {}, \"checks_elided\": "), o.out());
            assertTrue(o.out().contains("\"heap_guards_total\": "), o.out());
        }
        var bad = ExecRunsProgramsAndReportsFaultsTest.warden("exec", BST, "--heap", "1000", "--packet", request(1, 5, 50));
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("power of two"), bad.err());
    }

    @Test
    void aRunawayIsCancelledAndItsLockGivenBack() {
        var o = ExecRunsProgramsAndReportsFaultsTest.warden("exec", RUNAWAY, "--section", "spin_locked", "--time-budget", "20",
                "--budget", "9223372036854775807", "--maps", "--packet", request(1, 0, 0));
        assertEquals(2, o.status(), o.err());
        assertTrue(o.out().startsWith("fault at pc ") && o.out().contains("CANCELLED: the time budget of 20000000 ns ran out"), o.out());
        assertTrue(o.out().contains("map counters:\n  00000000 -> 00000000"), "the lock word is 0 again: " + o.out());
    }
}
