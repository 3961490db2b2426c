package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy author's check: {@code warden verify --policy} accepts an extension whose C declares
 * the policy's struct with its fields in another order (the verifier knows the policy's layout
 * only), and warns on stderr that it would read other fields than it names; the example's own
 * object gets no warning.
 */
class VerifyWarnsOfCDeclarationsThePolicyDisagreesWithTest {
    static final Path EIM = Path.of("..", "examples", "kv-cache", "kv-cache.eim");

    @Test
    void aReorderedStructIsAcceptedWithAWarning(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("reordered.c");
        Files.writeString(c, """
                #define SEC(name) __attribute__((section(name), used))
                typedef unsigned int u32;
                typedef unsigned long long u64;
                struct Access { u32 op; u32 size; u64 key_hash; u32 version; u32 reserved; };
                SEC("eim/onAccess")
                int on_access(struct Access *a)
                {
                	a->version = 1;
                	return a->op == 2;
                }
                """);
        Path o = dir.resolve("reordered.o");
        Process p;
        try {
            p = new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf", "-c", c.toString(), "-o", o.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "clang is not on PATH: " + e.getMessage());
            throw e;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "clang failed:\n" + log);

        ExecRunsProgramsAndReportsFaultsTest.Outcome r = ExecRunsProgramsAndReportsFaultsTest.warden(
                "verify", o.toString(), "--policy", EIM.toString(), "--class", "cachePolicy");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("warning: " + o + ": struct Access in the object's C differs from the policy's (" + EIM
                + "): key_hash at offset 8, the policy's at 0; size at offset 4, the policy's at 8; op at offset 0, the policy's at 12."),
                r.err());

        ExecRunsProgramsAndReportsFaultsTest.Outcome same = ExecRunsProgramsAndReportsFaultsTest.warden(
                "verify", Path.of("..", "examples", "kv-cache", "kv_policy_v1.o").toString(), "--policy", EIM.toString(), "--class", "cachePolicy");
        assertEquals(0, same.status(), same.out() + same.err());
        assertTrue(!same.err().contains("warning"), same.err());
    }
}
