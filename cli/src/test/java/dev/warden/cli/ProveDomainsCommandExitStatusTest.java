package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code warden prove-domains}: the table, JSON, samples, and exit statuses (small widths, to stay fast). */
class ProveDomainsCommandExitStatusTest {

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int status = Warden.run(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void provedObligationsPrintATableAndExitZero() {
        // Z3 alone: at 16 bits the optimality obligation is quantified, which Bitwuzla does not
        // decide (docs/domains.md, "Two solvers").
        Run r = run("prove-domains", "--op", "xor", "--width", "16", "--solver", "z3");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("tnum.xor"), r.out());
        assertTrue(r.out().contains("scalar.alu32.xor"), r.out());
        assertTrue(r.out().contains("0 not proved"), r.out());
    }

    @Test
    void bothSolversVerdictsAreColumnsOfTheTable() {
        Run r = run("prove-domains", "--op", "scalar.alu64.xor", "--width", "16");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("scalar\\.alu64\\.xor +sound +16 +proved +proved +proved .*")), r.out());
        assertTrue(r.out().contains("0 not proved"), r.out());
    }

    @Test
    void slowOperatorsAreAlsoSampledAt64BitsAndJsonListsThem() {
        Run r = run("prove-domains", "--op", "mul", "--width", "4", "--samples", "2000", "--json");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("\"operator\": \"tnum.mul\", \"property\": \"sound\", \"width\": 4, \"verdict\": \"proved\""), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("\"operator\": \"tnum.mul\"")
            && l.contains("\"solvers\": {\"z3\": \"proved\", \"bitwuzla\": \"proved\"}")), r.out());
        assertTrue(r.out().contains("\"operator\": \"scalar.alu32.mul\", \"property\": \"sampled\", \"width\": 64, \"verdict\": \"sampled\""), r.out());
    }

    @Test
    void aTimeoutIsNotProvedAndExitsNonZero() {
        Run r = run("prove-domains", "--op", "tnum.mul", "--width", "32", "--timeout", "1", "--samples", "0");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("unknown"), r.out());
    }

    @Test
    void oneSolverCanBeChosen() {
        Run r = run("prove-domains", "--op", "tnum.xor", "--width", "8", "--solver", "bitwuzla", "--json");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("\"solvers\": {\"bitwuzla\": \"proved\"}"), r.out());
    }

    @Test
    void intervalOperatorsAreProvedAt64BitsOnIntegers() {
        Run only = run("prove-domains", "--op", "urange.mod", "--solver", "integers", "--samples", "0", "--json");
        assertEquals(0, only.status(), only.out() + only.err());
        assertTrue(only.out().lines().anyMatch(l -> l.contains("\"operator\": \"urange.mod\", \"property\": \"sound\", \"width\": 64, \"verdict\": \"proved\"")
            && l.contains("\"solvers\": {\"z3-int\": \"proved\", \"cvc5-int\": \"proved\"}")), only.out());
        Run one = run("prove-domains", "--op", "urange.mod", "--solver", "z3-int", "--samples", "0", "--json");
        assertTrue(one.out().contains("\"solvers\": {\"z3-int\": \"proved\"}"), one.out());
        // By default they follow the catalogue's rows (both bit-vector solvers at the default width).
        Run all = run("prove-domains", "--op", "urange.mod", "--samples", "0");
        assertEquals(0, all.status(), all.out() + all.err());
        assertTrue(all.out().lines().anyMatch(l -> l.matches("urange\\.mod +sound +8 +proved +proved +proved .*")), all.out());
        // On integers: z3-int and cvc5-int in the z3 and bitwuzla columns.
        assertTrue(all.out().lines().anyMatch(l -> l.matches("urange\\.mod +sound +64 +proved +proved +proved .*")), all.out());
        Run bad = run("prove-domains", "--solver", "cvc4");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("expected all, z3, bitwuzla, integers, z3-int or cvc5-int"), bad.err());
    }

    @Test
    void rowsNameTheLemmasTheirProofAssumed() {
        // urange.sdiv on integers assumes instances of four division lemmas, proved in the same run.
        Run r = run("prove-domains", "--op", "urange.sdiv", "--solver", "integers", "--samples", "0", "--json");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("\"operator\": \"urange.sdiv\", \"property\": \"sound\", \"width\": 64, \"verdict\": \"proved\"")
            && l.contains("\"solvers\": {\"z3-int\": \"proved\", \"cvc5-int\": \"proved\"}")
            && l.contains("\"lemmas\": [\"sdiv.non-negative-is-udiv\", \"udiv.antitone-in-divisor\", \"udiv.at-most-dividend\", \"udiv.monotone-in-dividend\"]")), r.out());
        Run table = run("prove-domains", "--op", "urange.sdiv", "--solver", "z3-int", "--samples", "0");
        assertTrue(table.out().lines().anyMatch(l -> l.matches("urange\\.sdiv +sound +64 +proved .*  lemmas: sdiv\\.non-negative-is-udiv, .*")), table.out());
        // Without lemmas, no such column.
        Run plain = run("prove-domains", "--op", "urange.mod", "--solver", "z3-int", "--samples", "0", "--json");
        assertTrue(plain.out().contains("urange.mod") && !plain.out().contains("lemmas"), plain.out());
    }

    @Test
    void badOptionsAreUserErrors() {
        Run w = run("prove-domains", "--width", "12");
        assertEquals(1, w.status());
        assertTrue(w.err().contains("--width 12: must be a power of two from 4 to 64"), w.err());
        Run op = run("prove-domains", "--op", "nosuch");
        assertEquals(1, op.status());
        assertTrue(op.err().contains("--op nosuch: no obligation has that name"), op.err());
    }
}
