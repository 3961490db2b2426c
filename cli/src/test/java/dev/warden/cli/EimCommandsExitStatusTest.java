package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden check|fmt|diff}: exit statuses and what they print, through the real command line. */
class EimCommandsExitStatusTest {

    private static final Path CORPUS = Path.of("../corpus/policies");
    private static final Path EIM_TESTS = Path.of("../eim-spec/src/test/resources");

    /** A run's status and what it printed: stdout, then stderr (diagnostics go there). */
    private record Run(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Run run(String... args) {
        ExecRunsProgramsAndReportsFaultsTest.Outcome o = ExecRunsProgramsAndReportsFaultsTest.warden(args);
        return new Run(o.status(), o.out(), o.err());
    }

    @Test
    void checkIsZeroForACleanPolicyAndPrintsTheSubsumption() {
        Run r = run("check", CORPUS.resolve("redis-durability.eim").toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("0 errors, 0 warnings"), r.out());
        assertTrue(r.out().contains("class durabilityObserver is strictly weaker than durabilityTuner"), r.out());
    }

    @Test
    void checkIsZeroWithWarningsOnlyAndOneWithErrors() {
        Run warn = run("check", EIM_TESTS.resolve("lint/dead.eim").toString());
        assertEquals(0, warn.status(), warn.all());
        assertTrue(warn.err().contains("[EIM101]"), warn.all());
        Run err = run("check", EIM_TESTS.resolve("broken/names.eim").toString());
        assertEquals(1, err.status(), err.all());
        assertTrue(err.err().contains("names.eim:32:17: error: unknown capability 'nginxTme' (did you mean 'nginxTime'?) [EIM052]"), err.all());
        assertTrue(err.err().contains("^~~~~~~~"), err.all());
        Run missing = run("check", "no/such/policy.eim");
        assertEquals(1, missing.status(), missing.all());
        assertTrue(missing.err().contains("[EIM002]"), missing.all());
    }

    @Test
    void fmtPrintsTheCanonicalFormAndWritesItBack(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("p.eim");
        Files.writeString(f, "host int x;State_Capability(name=\"r\",operation=read(x))\n"
                + "Extension_Entry(name=\"e\",extension_entry=\"h\",prototype=(void)->int)\n"
                + "Extension_Class(name=\"c\",extension_entry=\"e\",allowed={r,instructions<=9})\n");
        Run r = run("fmt", f.toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("Extension_Class(name = \"c\", extension_entry = \"e\", allowed = { r, instructions <= 9 })"), r.out());
        assertEquals(0, run("fmt", "-w", f.toString()).status());
        assertEquals(r.out(), Files.readString(f));
        assertEquals(1, run("fmt", EIM_TESTS.resolve("broken/syntax.eim").toString()).status());
    }

    @Test
    void diffPrintsChangesWithWitnesses() {
        Run r = run("diff", EIM_TESTS.resolve("diff/nginx-old.eim").toString(), EIM_TESTS.resolve("diff/nginx-new.eim").toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("weakened: call host function ngx_log_error_line"), r.out());
        assertTrue(r.out().contains("witness: "), r.out());
        assertTrue(r.out().contains("revoked: read host &ngx_requests_total[0, 8)"), r.out());
        assertEquals(1, run("diff", EIM_TESTS.resolve("broken/names.eim").toString(), EIM_TESTS.resolve("diff/nginx-new.eim").toString()).status());
    }
}
