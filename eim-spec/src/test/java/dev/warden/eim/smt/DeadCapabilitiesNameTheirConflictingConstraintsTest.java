package dev.warden.eim.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Code;
import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadCapabilitiesNameTheirConflictingConstraintsTest {

    private static List<Diagnostic> lint(Path file, Duration timeout) {
        ParseResult r = Eim.parse(file);
        assertTrue(r.policy().isPresent(), r.diagnostics().toString());
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(timeout)) {
            return PolicyQueries.lint(r, solver);
        }
    }

    @Test
    void deadCapabilitiesAndUselessConstraintsAreWarnedWithAMinimalConflict() {
        List<Diagnostic> ds = lint(Path.of("src/test/resources/lint/dead.eim"), Duration.ofSeconds(10));
        List<String> got = ds.stream().map(d -> d.location().line() + " " + d.code() + " " + d.message()).toList();
        assertEquals(List.of(
                "4 EIM101 capability 'negativeTime' is dead: constraint 'rtn < 0' (4:87) can never hold for the declared types",
                // non_null(p) and rtn == 0 are not part of the conflict: the core is minimal.
                "5 EIM101 capability 'emptyRange' is dead: constraints 'n > 10' (6:34) and 'n < 5' (6:52) can never hold together",
                // readable(p, n) with n > 0 implies p != 0.
                "7 EIM101 capability 'nullRead' is dead: constraints 'p == null' (8:21) and 'readable(p, n)' (8:32) and 'n >= 1' (8:48) can never hold together",
                "11 EIM102 constraint 'x <= 255' holds for every value of the declared types: it restricts nothing",
                "12 EIM101 capability 'setLevel' is dead: constraint 'value > 300' (12:79) can never hold for the declared types"),
                got);
    }

    @Test
    void everyCorpusPolicyIsLintClean() {
        for (Path f : dev.warden.eim.TestFilesAccess.corpusPolicyFiles()) {
            assertEquals(List.of(), lint(f, Duration.ofSeconds(10)).stream().map(Diagnostic::format).toList(), f.toString());
        }
    }

    @Test
    void aQueryTheSolverCannotFinishIsReportedAsUndecidedNeverAsAnAnswer() {
        // x^3 + y^3 == z^3 has no solution in positive integers (Fermat, n = 3), so "dead" is the only
        // true answer; with a 1 ms budget Z3 cannot prove it. It must say "undecided", not "usable".
        String src = """
                Function_Capability(name = "fermat", prototype = (u32 x, u32 y, u32 z) -> int,
                    constraints = { x > 0, y > 0, z > 0, x * x * x + y * y * y == z * z * z })
                Extension_Entry(name = "e", extension_entry = "hook", prototype = (void) -> int)
                Extension_Class(name = "c", extension_entry = "e", allowed = { fermat })
                """;
        ParseResult r = Eim.parse("fermat.eim", src, Path.of("."));
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofMillis(1))) {
            List<Diagnostic> ds = PolicyQueries.lint(r, solver);
            assertTrue(ds.stream().anyMatch(d -> d.code() == Code.EIM103 || d.code() == Code.EIM101), ds.toString());
            assertTrue(ds.stream().noneMatch(d -> d.code() == Code.EIM102), ds.toString());
        }
    }
}
