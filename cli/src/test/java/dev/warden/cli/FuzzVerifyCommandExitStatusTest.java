package dev.warden.cli;

import static dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.Outcome;
import org.junit.jupiter.api.Test;

/** {@code warden fuzz-verify}: counts, the faulting program as assembly, exit statuses. */
class FuzzVerifyCommandExitStatusTest {

    @Test
    void anAcceptEverythingJudgeFaultsAndTheProgramIsPrinted() {
        Outcome r = warden("fuzz-verify", "--programs", "40", "--seed", "7", "--verifier", "accept-all");
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
            Outcome r = warden("fuzz-verify", "--programs", "1", "--seed", Integer.toString(seed), "--pieces", "1", "--verifier", "accept-all");
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
        Outcome t = warden("fuzz-verify", "--type", "kprobe");
        assertEquals(1, t.status());
        assertTrue(t.err().contains("xdp programs only"), t.err());
        Outcome v = warden("fuzz-verify", "--verifier", "prevail");
        assertEquals(1, v.status());
        assertTrue(v.err().contains("expected warden, kernel or accept-all"), v.err());
        Outcome n = warden("fuzz-verify", "--runs", "0");
        assertEquals(1, n.status());
        assertTrue(n.err().contains("--runs must be at least 1"), n.err());
    }

    @Test
    void withTheRealVerifierTheExitStatusFollowsTheReport() {
        Outcome r = warden("fuzz-verify", "--programs", "3");
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
        Outcome r = warden("fuzz-verify", "--programs", "60", "--verifier", "kernel");
        String all = r.out() + r.err();
        if (r.err().contains("kernel oracle is unavailable")) {
            assertEquals(1, r.status(), all); // skipped cleanly: said, with the reason
            return;
        }
        assertEquals(0, r.status(), all);
        assertTrue(r.out().startsWith("generated 60, accepted "), all);
        assertTrue(r.out().contains(" faulted 0 "), all);
        // The kernel compared with itself: nothing only one side accepts.
        Outcome t = warden("fuzz-verify", "--programs", "30", "--verifier", "kernel", "--kernel");
        assertEquals(0, t.status(), t.out() + t.err());
        assertTrue(t.out().contains("only linux accepts (precision gaps), first seeds: []"), t.out());
    }

    @Test
    void withoutTheZ3StepTheDomainsAcceptNoMoreThanWithIt() {
        Outcome off = warden("fuzz-verify", "--programs", "60", "--seed", "11", "--smt", "off");
        Outcome on = warden("fuzz-verify", "--programs", "60", "--seed", "11", "--smt", "on");
        assertEquals(0, off.status(), off.out() + off.err());
        assertEquals(0, on.status(), on.out() + on.err());
        int acceptedOff = accepted(off.out());
        int acceptedOn = accepted(on.out());
        assertTrue(acceptedOff <= acceptedOn, "Z3 only adds proofs: off " + acceptedOff + ", on " + acceptedOn);
        Outcome bad = warden("fuzz-verify", "--smt", "maybe");
        assertTrue(bad.status() != 0, bad.out() + bad.err());
        assertTrue(bad.err().contains("--smt"), bad.err());
    }

    @Test
    void acceptedProgramsWithAPlantedFlawArePrintedWithTheFlawsPc() {
        // accept-all accepts every flawed program; those that did not fault are the ones listed.
        Outcome r = warden("fuzz-verify", "--programs", "200", "--seed", "5", "--verifier", "accept-all", "--show-planted");
        assertTrue(r.out().contains("PLANTED: program seed "), r.out());
        assertTrue(r.out().contains("flaws: [Planted[hazard="), r.out());
        Outcome plain = warden("fuzz-verify", "--programs", "200", "--seed", "5", "--verifier", "accept-all");
        assertTrue(!plain.out().contains("PLANTED:"), plain.out());
    }

    private static int accepted(String report) {
        var m = java.util.regex.Pattern.compile("accepted (\\d+)").matcher(report);
        assertTrue(m.find(), report);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theEimPlatformPrintsTheBrokenCaseWithItsPolicyAndExitsOne() {
        Outcome r = warden("fuzz-verify", "--platform", "eim", "--programs", "60", "--seed", "3", "--verifier", "accept-all");
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().startsWith("programs 60, accepted 60, rejected 0, runs "), r.out());
        assertTrue(r.out().contains("UNSOUND: program seed"), r.out());
        assertTrue(r.out().contains("Extension_Class(name = \"c\""), r.out());
        assertTrue(r.out().contains("replay: warden fuzz-verify --platform eim --programs 1 --seed"), r.out());
    }

    @Test
    void theEimPlatformWithWardenExitsZeroWhenNothingBroke() {
        Outcome r = warden("fuzz-verify", "--platform", "eim", "--programs", "30", "--seed", "11");
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(r.out().startsWith("programs 30, "), r.out() + r.err());
        assertTrue(r.out().contains(" unsound 0,"), r.out());
        assertEquals(0, r.status(), r.out() + r.err());
    }

    @Test
    void theEimPlatformRefusesWhatDoesNotApply() {
        Outcome k = warden("fuzz-verify", "--platform", "eim", "--kernel");
        assertEquals(1, k.status());
        assertTrue(k.err().contains("--kernel and --type do not apply"), k.err());
        Outcome n = warden("fuzz-verify", "--platform", "eim", "--runs", "5");
        assertEquals(1, n.status());
        assertTrue(n.err().contains("--runs must be at least 12"), n.err());
        Outcome v = warden("fuzz-verify", "--platform", "eim", "--verifier", "kernel");
        assertEquals(1, v.status());
        assertTrue(v.err().contains("expected warden or accept-all with --platform eim"), v.err());
    }
}
