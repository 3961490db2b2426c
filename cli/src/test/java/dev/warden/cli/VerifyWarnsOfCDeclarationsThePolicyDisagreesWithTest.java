package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The policy author's check: {@code warden verify --policy} accepts an extension whose C declares
 * the policy's struct with its fields in another order (examples/kv-cache/mistakes/reordered_access.c:
 * the verifier knows the policy's layout only), and warns on stderr that it would read other
 * fields than it names; the example's own object gets no warning.
 */
class VerifyWarnsOfCDeclarationsThePolicyDisagreesWithTest {
    static final Path DIR = Path.of("..", "examples", "kv-cache");
    static final Path EIM = DIR.resolve("kv-cache.eim");

    @Test
    void aReorderedStructIsAcceptedWithAWarning() {
        Path o = DIR.resolve("mistakes").resolve("reordered_access.o");
        ExecRunsProgramsAndReportsFaultsTest.Outcome r = ExecRunsProgramsAndReportsFaultsTest.warden(
                "verify", o.toString(), "--policy", EIM.toString(), "--class", "cachePolicy");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("accept"), r.out());
        assertTrue(r.err().contains("warning: " + o + ": struct Access in the object's C differs from the policy's (" + EIM
                + "): key_hash at offset 8, the policy's at 0; size at offset 4, the policy's at 8; op at offset 0, the policy's at 12."),
                r.err());

        ExecRunsProgramsAndReportsFaultsTest.Outcome same = ExecRunsProgramsAndReportsFaultsTest.warden(
                "verify", DIR.resolve("kv_policy_v1.o").toString(), "--policy", EIM.toString(), "--class", "cachePolicy");
        assertEquals(0, same.status(), same.out() + same.err());
        assertTrue(!same.err().contains("warning"), same.err());
    }
}
