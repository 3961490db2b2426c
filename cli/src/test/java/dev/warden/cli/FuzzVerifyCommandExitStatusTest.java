package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code warden fuzz-verify}: counts, the faulting program as assembly, exit statuses. */
class FuzzVerifyCommandExitStatusTest {

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int status = Warden.run(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void anAcceptEverythingJudgeFaultsAndTheProgramIsPrinted() {
        Run r = run("fuzz-verify", "--programs", "40", "--seed", "7", "--verifier", "accept-all");
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().startsWith("generated 40, accepted 40, rejected 0"), r.out());
        assertTrue(r.out().contains("UNSOUND: program seed"), r.out());
        assertTrue(r.out().contains("r7 = *(u32 *)(r6 + 0)"), r.out());
        assertTrue(r.out().contains("replay: warden fuzz-verify --programs 1 --seed"), r.out());
    }

    @Test
    void aSafeProgramUnderAcceptEverythingExitsZero() {
        // Seed 0 with one piece: find a seed whose single program never faults, and check exit 0.
        for (int seed = 0; seed < 50; seed++) {
            Run r = run("fuzz-verify", "--programs", "1", "--seed", Integer.toString(seed), "--pieces", "1", "--verifier", "accept-all");
            if (r.status() == 0) {
                assertTrue(r.out().contains("faulted 0"), r.out());
                return;
            }
            assertTrue(r.out().contains("faulted 1"), r.out());
        }
        throw new AssertionError("no safe one-piece program in 50 seeds");
    }

    @Test
    void badOptionsAreUserErrors() {
        Run t = run("fuzz-verify", "--type", "kprobe");
        assertEquals(1, t.status());
        assertTrue(t.err().contains("xdp programs only"), t.err());
        Run v = run("fuzz-verify", "--verifier", "prevail");
        assertEquals(1, v.status());
        assertTrue(v.err().contains("expected warden, kernel or accept-all"), v.err());
        Run n = run("fuzz-verify", "--runs", "0");
        assertEquals(1, n.status());
        assertTrue(n.err().contains("--runs must be at least 1"), n.err());
    }

    @Test
    void withTheRealVerifierTheExitStatusFollowsTheReport() {
        Run r = run("fuzz-verify", "--programs", "3");
        String all = r.out() + r.err();
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        if (all.contains("cannot verify") || all.contains("the verifier failed")) {
            assertEquals(1, r.status(), all); // the verifier cannot verify xdp programs yet: said, not hidden
        } else {
            assertTrue(r.out().startsWith("generated 3,"), all);
            assertEquals(r.out().contains(" faulted 0 ") ? 0 : 1, r.status(), all);
        }
    }

    @Test
    void theLinuxVerifierAsJudgeAcceptsNothingThatFaultsOrSaysWhyItCannotRun() {
        Run r = run("fuzz-verify", "--programs", "60", "--verifier", "kernel");
        String all = r.out() + r.err();
        if (r.err().contains("kernel oracle is unavailable")) {
            assertEquals(1, r.status(), all); // skipped cleanly: said, with the reason
            return;
        }
        assertEquals(0, r.status(), all);
        assertTrue(r.out().startsWith("generated 60, accepted "), all);
        assertTrue(r.out().contains(" faulted 0 "), all);
        // The kernel compared with itself: nothing only one side accepts.
        Run t = run("fuzz-verify", "--programs", "30", "--verifier", "kernel", "--kernel");
        assertEquals(0, t.status(), t.out() + t.err());
        assertTrue(t.out().contains("only linux accepts (precision gaps), first seeds: []"), t.out());
    }
}
