package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden exec} runs a program once: the timers it leaves armed are reported, in text and
 * in {@code --json}, and never fired (runtime's kernel-diff/timers.c, built by clang; skipped
 * without it).
 */
class ExecReportsArmedTimersTest {
    @TempDir
    Path dir;

    @Test
    void timersArmedAtExitAreReportedNotFired() throws Exception {
        Path source = Path.of("..", "runtime", "src", "test", "resources", "kernel-diff", "timers.c");
        Path object = dir.resolve("timers.o");
        Process p;
        try {
            p = new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c", source.toString(),
                    "-o", object.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "clang is not on PATH: " + e.getMessage());
            throw e;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "clang failed:\n" + log);
        assertTrue(Files.exists(object));
        String packet = "00".repeat(64);
        var text = ExecRunsProgramsAndReportsFaultsTest.warden("exec", object.toString(), "--section", "fires", "--type", "xdp",
                "--packet", packet);
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("timer armed, not fired (exec runs once): map arr key 01000000 offset 0: in 1000 ns"), text.out());
        assertEquals(5, text.out().lines().filter(l -> l.startsWith("timer armed")).count(), text.out());
        var json = ExecRunsProgramsAndReportsFaultsTest.warden("exec", object.toString(), "--section", "fires", "--type", "xdp",
                "--packet", packet, "--json");
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().contains("\"timers_armed\": [{\"map\": \"arr\", \"key\": \"00000000\", \"offset\": 0, \"nsecs\": 0, \"flags\": 0}"),
                json.out());
        var none = ExecRunsProgramsAndReportsFaultsTest.warden("exec", object.toString(), "--section", "errors", "--type", "xdp",
                "--packet", packet, "--json");
        assertTrue(!none.out().contains("timers_armed"), "errors leaves nothing armed: " + none.out());
    }
}
