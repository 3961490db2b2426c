package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic half of {@code tnum.mul} by rounds at 64 bits (docs/domains.md, "Tnum
 * multiplication at 64 bits, one round at a time"): the shift-and-add loop computes the product,
 * proved by Z3 as an induction ({@code tnum.mul.induction}) and by Bitwuzla unrolled
 * ({@code tnum.mul.unrolled}), each with satisfiable premises and meaningful. The membership half,
 * {@code tnum.mul.round}, is proved at 64 bits by both in {@link EveryOperatorIsProvedSoundTest},
 * and both of these obligations at a small width by both solvers there too. Each solver proves its
 * one in about two seconds here; the other solver's is unknown after minutes (not run).
 */
class TnumMulByRoundsTest {

    @Test
    void z3ProvesTheInductionAt64Bits() {
        assertProved("tnum.mul.induction", SolverKind.Z3);
    }

    @Test
    void bitwuzlaProvesTheUnrolledLoopAt64Bits() {
        assertProved("tnum.mul.unrolled", SolverKind.BITWUZLA);
    }

    private static void assertProved(String name, SolverKind solver) {
        Obligation o = Catalogue.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().atWidth(64);
        Prover.Outcome r = new Prover(Duration.ofSeconds(120), List.of(solver)).prove(o);
        assertInstanceOf(ProofResult.Proved.class, r.result(), () -> name + " by " + solver.label() + ": " + r.result());
        assertEquals(Prover.Premises.SATISFIABLE, r.premises(), () -> name + ": premises");
        assertEquals(Prover.Meaning.MEANINGFUL, r.meaning(), () -> name + " says nothing: " + r.meaningDetail());
    }
}
