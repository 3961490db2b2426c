package dev.warden.cli;

import static dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.Outcome;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What CI users expect of the command line: streams, JSON, exit statuses, help and file errors. */
class CommandLineToolingForCiTest {

    private static final Path EIM_TESTS = Path.of("../eim-spec/src/test/resources");

    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void fmtOfABrokenPolicyWritesItsDiagnosticsToStderrOnly() {
        Outcome o = warden("fmt", EIM_TESTS.resolve("broken/syntax.eim").toString());
        assertEquals(1, o.status());
        assertEquals("", o.out(), "stdout is what 'fmt bad.eim > out.eim' would write into out.eim");
        assertTrue(o.err().contains("[EIM001]"), o.err());
    }

    @Test
    void checkPrintsDiagnosticsOnStderrAndTheSummaryOnStdout() {
        Outcome o = warden("check", EIM_TESTS.resolve("lint/dead.eim").toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.err().contains("[EIM101]"), o.err());
        assertFalse(o.out().contains("[EIM101]"), o.out());
        assertTrue(o.out().contains("0 errors"), o.out());
    }

    @Test
    void warningsAsErrorsTurnsAWarningIntoExitStatusOne() {
        String dead = EIM_TESTS.resolve("lint/dead.eim").toString();
        assertEquals(0, warden("check", dead).status());
        assertEquals(1, warden("check", "--warnings-as-errors", dead).status());
        assertEquals(1, warden("check", "-Werror", dead).status());
        assertEquals(0, warden("check", "-Werror", "../corpus/policies/redis-durability.eim").status());
    }

    @Test
    void checkJsonIsOneObjectWithEveryDiagnostic() {
        Outcome o = warden("check", "--json", EIM_TESTS.resolve("broken/names.eim").toString());
        assertEquals(1, o.status());
        assertEquals("", o.err());
        String json = o.out().strip();
        assertTrue(json.startsWith("{\"file\":") && json.endsWith("}"), json);
        assertTrue(json.contains("\"code\":\"EIM052\""), json);
        assertTrue(json.contains("\"line\":32,\"column\":17,\"severity\":\"error\""), json);
        assertTrue(Pattern.compile("\"errors\":\\d+,\"warnings\":\\d+").matcher(json).find(), json);
        Outcome clean = warden("check", "--json", "../corpus/policies/redis-durability.eim");
        assertTrue(clean.out().contains("\"relations\":[\"class durabilityObserver is strictly weaker than durabilityTuner"
                + " (entry beforeSleep)\"]"), clean.out());
    }

    @Test
    void diffJsonAndFailOnGiveMachineReadableChangesAndAnExitStatus() {
        String old = EIM_TESTS.resolve("diff/nginx-old.eim").toString();
        String now = EIM_TESTS.resolve("diff/nginx-new.eim").toString();
        Outcome json = warden("diff", "--json", old, now);
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().contains("{\"class\":\"firewall\",\"kind\":\"weakened\",\"what\":\"call host function ngx_log_error_line"),
                json.out());
        assertTrue(json.out().contains("\"witness\":"), json.out());
        Outcome fail = warden("diff", "--fail-on", "granted,weakened", old, now);
        assertEquals(2, fail.status(), fail.err());
        assertTrue(fail.err().contains("of a --fail-on kind (granted, weakened)"), fail.err());
        assertEquals(0, warden("diff", "--fail-on", "granted,weakened", old, old).status());
        Outcome bad = warden("diff", "--fail-on", "granted,widened", old, now);
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("unknown kind 'widened'"), bad.err());
    }

    @Test
    void aBinaryFileIsNotATextFileNotEchoedBytes() throws IOException {
        byte[] junk = new byte[1024];
        for (int i = 0; i < junk.length; i++) junk[i] = (byte) (i * 37);
        Path bin = dir.resolve("policy.eim");
        Files.write(bin, junk);
        Outcome o = warden("check", bin.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("not a text file"), o.err());
        assertTrue(o.err().length() < 300, "one short message, not the bytes echoed: " + o.err().length() + " chars");
        Path asm = dir.resolve("prog.s");
        Files.write(asm, junk);
        Outcome e = warden("exec", asm.toString());
        assertEquals(1, e.status());
        assertTrue(e.err().contains("not a text file"), e.err());
    }

    @Test
    void execAndConformancePluginHaveHelp() {
        Outcome exec = warden("exec", "--help");
        assertEquals(0, exec.status(), exec.err());
        assertTrue(exec.out().contains("Usage: warden exec"), exec.out());
        Outcome plugin = warden("conformance-plugin", "--help");
        assertEquals(0, plugin.status(), plugin.err());
        assertTrue(plugin.out().contains("Usage: warden conformance-plugin"), plugin.out());
    }

    @Test
    void aMissingFileSaysWhy() {
        Outcome o = warden("exec", dir.resolve("missing.s").toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("missing.s: cannot read: no such file"), o.err());
        Outcome d = warden("disasm", dir.resolve("missing.o").toString());
        assertTrue(d.err().contains("missing.o: no such file"), d.err());
        // Tests may run as root, for whom no file is unreadable: the reason is checked on the exception itself.
        assertEquals("permission denied", FileProblems.why(new AccessDeniedException("/x")));
        assertEquals("no such file", FileProblems.why(new NoSuchFileException("/x")));
    }

    @Test
    void negativeSolverBudgetsAreRefused() {
        String p = "../corpus/policies/redis-durability.eim";
        Outcome c = warden("check", "--smt-timeout-ms", "-5", p);
        assertEquals(1, c.status());
        assertTrue(c.err().contains("--smt-timeout-ms -5: must be positive"), c.err());
        Outcome d = warden("diff", "--smt-timeout-ms", "0", p, p);
        assertEquals(1, d.status());
        assertTrue(d.err().contains("--smt-timeout-ms 0: must be positive"), d.err());
    }

    @Test
    void topLevelHelpShowsWholeFirstSentences() {
        Outcome o = warden("--help");
        assertEquals(0, o.status());
        String text = o.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("check Check an EIM policy: located errors and warnings, dead capabilities (Z3), constraints that"
                + " restrict nothing, and which class of an entry is weaker than which."), o.out());
        assertTrue(text.contains("the program as hex bytes on stdin; prints r0 in hex."), o.out());
        assertEquals("Runs an eBPF program and prints r0 (exit status 2 on a fault).",
                CommandSummaries.firstSentence("Runs an eBPF program and prints r0 (exit status 2 on a fault).\nPROG is assembly (.s or .asm)"));
    }

    @Test
    void fmtCheckFailsOnlyForAFileNotInCanonicalForm() throws IOException {
        Path messy = write("messy.eim", "host int x;State_Capability(name=\"r\",operation=read(x))\n");
        Outcome o = warden("fmt", "--check", messy.toString());
        assertEquals(1, o.status());
        assertEquals("", o.out());
        assertTrue(o.err().contains("messy.eim is not in canonical form"), o.err());
        assertEquals(0, warden("fmt", "-w", messy.toString()).status());
        Outcome clean = warden("fmt", "--check", messy.toString());
        assertEquals(0, clean.status(), clean.err());
        assertEquals("", clean.out() + clean.err());
    }
}
