package dev.warden.cli;

import static dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.Outcome;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code warden verify PROG --policy P.eim --class C}: verdicts against an EIM class, and its usage errors. */
class VerifyCommandChecksEimClassesTest {
    static final Path ROOT = Path.of("..");
    static final String OBJECT = ROOT.resolve("corpus/eim/redis_tuner_unsafe.o").toString();
    static final String POLICY = ROOT.resolve("corpus/policies/redis-durability.eim").toString();

    @Test
    void aViolationIsWordedInThePolicysTerms() {
        Outcome o = warden("verify", OBJECT, "--policy", POLICY, "--class", "durabilityTuner", "--function", "bad_policy");
        assertEquals(1, o.status(), o.out() + o.err());
        assertTrue(o.out().contains("(class durabilityTuner): reject"), o.out());
        assertTrue(o.out().contains("limits of class durabilityTuner: stack <= 256: 0 bytes used; instructions < 10000: at most "),
                o.out());
        assertTrue(o.out().contains("write of server.aof_fsync (redis_tuner_unsafe.c:47) may store value = 3; the class "
                + "'durabilityTuner' allows it only with value in [0, 2] (setFsyncPolicy, redis-durability.eim:19)"), o.out());
    }

    @Test
    void theSafeExtensionsAreAcceptedAndJsonNamesTheClass() {
        Outcome o = warden("verify", ROOT.resolve("corpus/eim/redis_tuner.o").toString(), "--policy", POLICY, "--class",
                "durabilityTuner", "--json");
        assertEquals(0, o.status(), o.out() + o.err());
        assertTrue(o.out().contains("\"class\": \"durabilityTuner\", \"stack_bytes\": ") && o.out().contains("\"verdict\": \"accept\""),
                o.out());
    }

    @Test
    void anAcceptedExtensionReportsTheChecksThatAccessesThroughItsArgumentAndStackLose() {
        // wl_bubble_sort: 64 loads through *data, the rest on the stack; every one proved.
        String workloads = ROOT.resolve("bench/workloads/workloads.bpf.o").toString();
        String bench = ROOT.resolve("bench/workloads/bench.eim").toString();
        Outcome o = warden("verify", workloads, "--policy", bench, "--class", "bufferOnly", "--section", "wl/bubble_sort", "--json");
        assertEquals(0, o.status(), o.out() + o.err());
        assertTrue(o.out().contains("\"checks_elided\": 147, \"checks_total\": 147"), o.out());
        Outcome text = warden("verify", workloads, "--policy", bench, "--class", "bufferOnly", "--section", "wl/bubble_sort");
        assertTrue(text.out().contains("147/147 checks elided"), text.out());
    }

    @Test
    void usageErrorsExitTwoAndSayWhy() {
        Outcome noPolicy = warden("verify", OBJECT, "--class", "durabilityTuner");
        assertEquals(2, noPolicy.status());
        assertTrue(noPolicy.err().contains("--class needs --policy"), noPolicy.err());
        Outcome unknown = warden("verify", OBJECT, "--policy", POLICY, "--class", "nope");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("the policy has no class 'nope'; its classes: durabilityObserver, durabilityTuner"),
                unknown.err());
        Outcome missing = warden("verify", OBJECT, "--policy", "no-such.eim", "--class", "c");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("no-such.eim: no such file"), missing.err());
    }
}
