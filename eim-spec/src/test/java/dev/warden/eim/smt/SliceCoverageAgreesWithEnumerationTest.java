package dev.warden.eim.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The solver's verdict on slice coverage checked against enumeration: with bounds over one
 * {@code u8} field, "the new slice is covered by the old" holds exactly when, for every one of the
 * 256 values of the field, the new slice is empty or lies within the old one.
 */
class SliceCoverageAgreesWithEnumerationTest {

    private record Bound(int scale, int constant) {
        String text() {
            return scale == 0 ? Integer.toString(constant) : (scale == 1 ? "s->x" : scale + " * s->x") + " + " + constant;
        }

        long at(int x) {
            return (long) scale * x + constant;
        }
    }

    private static Bound random(Random rnd) {
        return new Bound(rnd.nextInt(3), rnd.nextInt(40));
    }

    /** Bounds of a slice; literal bounds must not be empty (the checker refuses those). */
    private static Bound[] slice(Random rnd) {
        while (true) {
            Bound from = random(rnd);
            Bound to = random(rnd);
            if (from.scale() != 0 || to.scale() != 0 || from.constant() < to.constant()) return new Bound[] {from, to};
        }
    }

    private static Bound[] nudged(Bound[] slice, Random rnd) {
        while (true) {
            Bound from = new Bound(slice[0].scale(), Math.max(0, slice[0].constant() + rnd.nextInt(3) - 1));
            Bound to = new Bound(slice[1].scale(), Math.max(0, slice[1].constant() + rnd.nextInt(3) - 1));
            if (from.scale() != 0 || to.scale() != 0 || from.constant() < to.constant()) return new Bound[] {from, to};
        }
    }

    private static Policy policy(Bound from, Bound to) {
        String src = "struct S { u8 *p; u8 x; };\n"
                + "Extension_Entry(name = \"e\", extension_entry = \"h\", prototype = (S *s) -> int)\n"
                + "Extension_Class(name = \"c\", extension_entry = \"e\", allowed = { read(s->p[" + from.text() + ", " + to.text() + ")) })\n";
        ParseResult r = Eim.parse("c.eim", src, Path.of("."));
        return r.policy().orElseThrow(() -> new AssertionError(src + r.diagnostics().stream().map(Diagnostic::format).toList()));
    }

    @Test
    void grantedExactlyWhenSomeValueOfTheFieldPutsTheNewSliceOutsideTheOld() {
        Random rnd = new Random(20261204);
        int granted = 0;
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            for (int i = 0; i < 40; i++) {
                Bound[] old = slice(rnd);
                // Half of the pairs are the old slice moved by a byte or none at each end: the boundary cases.
                Bound[] now = i % 2 == 0 ? slice(rnd) : nudged(old, rnd);
                Bound of = old[0];
                Bound ot = old[1];
                Bound nf = now[0];
                Bound nt = now[1];
                boolean covered = true;
                for (int x = 0; x < 256 && covered; x++) {
                    boolean empty = nf.at(x) >= nt.at(x);
                    covered = empty || (of.at(x) <= nf.at(x) && nt.at(x) <= ot.at(x));
                }
                List<PolicyQueries.Change> changes = PolicyQueries.diff(policy(of, ot), policy(nf, nt), solver);
                boolean reported = changes.stream().anyMatch(c -> c.kind() == PolicyQueries.ChangeKind.GRANTED);
                String pair = "old [" + of.text() + ", " + ot.text() + "), new [" + nf.text() + ", " + nt.text() + "): " + changes;
                assertEquals(!covered, reported, pair);
                if (reported) granted++;
            }
        }
        // Both verdicts must occur, or the check above proved little.
        assertEquals(true, granted > 5 && granted < 35, "granted in " + granted + " of 40");
    }
}
