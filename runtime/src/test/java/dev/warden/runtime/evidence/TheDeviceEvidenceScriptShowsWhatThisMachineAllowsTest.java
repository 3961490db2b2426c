package dev.warden.runtime.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.mpk.ProtectionKeys;
import dev.warden.mpk.Support;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/device-evidence.sh run --quick} end to end, with this JVM's Java and class path
 * instead of the bundle (the device's run differs only in where Java comes from), so the script
 * cannot rot between the rare sessions that get a pku machine. What must come out depends on the
 * CPU: without protection keys (here) every claim that needs none is shown (the mprotect fallback's
 * faults at the written address, the NONE control, the costs, map throughput from 1 to 16 threads)
 * and each protection-key claim says "not supported" with the probe's reason, exit status 2; with
 * them, the SEGV_PKUERR claims are shown too and the status is 0, or 3 where a quick measurement on
 * a busy machine misses a cost goal.
 */
class TheDeviceEvidenceScriptShowsWhatThisMachineAllowsTest {
    @TempDir
    Path out;

    @Test
    void theScriptShowsEveryClaimThisMachineAllowsAndSaysWhyNotForTheRest() throws Exception {
        Path script = Path.of("..", "scripts", "device-evidence.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "run", "--quick", "--java", System.getProperty("java.home"),
                "--cp", System.getProperty("java.class.path")).redirectErrorStream(true);
        pb.environment().put("OUT", out.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), output);
        boolean keys = ProtectionKeys.probe() instanceof Support.Supported;

        assertEquals(output, Files.readString(out.resolve("device-evidence.txt")), "$OUT keeps exactly what was printed");
        assertFalse(Pattern.compile("(?m): FAILED$|FAILED \\(exit").matcher(output).find(), "no claim or step failed:\n" + output);
        for (String fact : List.of("cpu flags needed (pku ospke): ", "kernel: ", "cores: ", "java: ")) {
            assertTrue(output.contains(fact), fact + " missing:\n" + output);
        }
        shown(output, "b map MPROTECT host write outside a run faults: child JVM exit [1-9]\\d*, SIGSEGV si_code 2 \\(SEGV_ACCERR\\)"
                + " at (0x[0-9a-f]+), the write's address was \\1 .*: ok");
        shown(output, "b map MPROTECT parent unharmed: .*: ok");
        shown(output, "b map NONE control: the same write goes through: child JVM exit 0, .*NOT isolated: ok");
        shown(output, "c invoke NONE under 50 ns: [\\d.]+ ns CPU, [\\d.]+ ns wall: (ok|goal missed)");
        shown(output, "c invoke MPROTECT measured: .*: ok");
        shown(output, "  UPDATE NONE +1 thr [\\d.]+ \\(1\\.00\\)  2 thr .*  4 thr .*  8 thr .*  16 thr [\\d.]+ \\([\\d.]+\\)");
        shown(output, "  LOOKUP NONE +1 thr .*16 thr .*");
        shown(output, "2 child JVM, same write outside a scope: exit 1, SIGSEGV si_code 2 \\(SEGV_ACCERR\\) at (0x[0-9a-f]+), the write.s address was \\1"); // mpk-bridge, mprotect
        assertTrue(Files.exists(out.resolve("reports").resolve("map-write-MPROTECT.hs_err.log")), "the child's crash report is kept");
        if (keys) {
            shown(output, "b map PROTECTION_KEYS host write outside a run faults: child JVM exit [1-9]\\d*, SIGSEGV si_code 4 \\(SEGV_PKUERR\\)"
                    + " at (0x[0-9a-f]+), the write's address was \\1 .*: ok");
            shown(output, "c invoke with pkey switching under 100 ns: .*: (ok|goal missed)");
            shown(output, "  UPDATE PROTECTION_KEYS +1 thr .*16 thr .*");
            shown(output, "device evidence summary: a mpk-bridge PROTECTION_KEYS: ok; a mpk-bridge MPROTECT: ok; b,c runtime: (ok|goal missed); exit [03]");
            assertTrue(p.exitValue() == 0 || p.exitValue() == 3, output);
        } else {
            String reason = Pattern.quote(((Support.Unsupported) ProtectionKeys.probe()).reason());
            shown(output, "b map PROTECTION_KEYS host write outside a run faults: " + reason + ": not supported");
            shown(output, "c invoke with pkey switching under 100 ns: not supported: " + reason + ": not supported");
            shown(output, "c map scaling under PROTECTION_KEYS: .*: not supported");
            shown(output, "not supported: " + reason); // mpk-bridge's own line
            shown(output, "runtime evidence summary: \\d+ ok, \\d+ goal missed, 4 not supported, 0 FAILED; .*; exit 2");
            shown(output, "device evidence summary: a mpk-bridge PROTECTION_KEYS: not supported; a mpk-bridge MPROTECT: ok;"
                    + " b,c runtime: not supported; exit 2");
            assertEquals(2, p.exitValue(), output);
        }
        String[] lines = output.strip().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("device evidence summary: "), "one summary line at the end:\n" + output);
    }

    private static void shown(String output, String lineRegex) {
        assertTrue(Pattern.compile("(?m)^" + lineRegex + "$").matcher(output).find(), "no line matching " + lineRegex + " in:\n" + output);
    }
}
