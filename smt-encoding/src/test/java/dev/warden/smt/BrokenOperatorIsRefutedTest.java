package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.AluOp;
import dev.warden.domains.BitVectors;
import dev.warden.domains.LongBitVectors;
import dev.warden.domains.Semantics;
import dev.warden.domains.TnumOf;
import dev.warden.domains.Tnums;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proofs can fail: a wrong operator gets a counterexample, and the counterexample is real. */
class BrokenOperatorIsRefutedTest {

    private final Prover prover = new Prover(Duration.ofSeconds(60));

    /** Tnum addition that forgets the carries: adds values, ORs masks. */
    private static <V, B> TnumOf<V> addWithoutCarry(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V mu = bv.or(a.mask(), b.mask());
        return new TnumOf<>(bv.and(bv.add(a.value(), b.value()), bv.not(mu)), mu);
    }

    @Test
    void tnumAddWithoutCarryHasACounterexampleWithConcreteInputs() {
        Prover.Outcome o = prover.prove(Catalogue.tnumOperator("tnum.add-without-carry", AluOp.ADD, 64, BrokenOperatorIsRefutedTest::addWithoutCarry));
        ProofResult.Refuted combined = assertInstanceOf(ProofResult.Refuted.class, o.result());
        System.out.println("tnum.add-without-carry refuted: " + combined.counterexample());
        // Every solver refutes it, each with its own counterexample; replay each in Java: x and y
        // are in the input tnums, and x + y is not in the broken result.
        assertEquals(SolverKind.BIT_VECTOR.size(), o.solvers().size());
        for (var e : o.solvers().entrySet()) {
            ProofResult.Refuted r = assertInstanceOf(ProofResult.Refuted.class, e.getValue().result(), e.getKey().label());
            var cex = r.counterexample();
            long dv = hex(cex.get("dst.value"));
            long dm = hex(cex.get("dst.mask"));
            long sv = hex(cex.get("src.value"));
            long sm = hex(cex.get("src.mask"));
            long x = hex(cex.get("x"));
            long y = hex(cex.get("y"));
            BitVectors<Long, Boolean> bv = LongBitVectors.of(64);
            assertEquals(true, Tnums.contains(bv, new TnumOf<>(dv, dm), x), e.getKey().label());
            assertEquals(true, Tnums.contains(bv, new TnumOf<>(sv, sm), y), e.getKey().label());
            long mu = dm | sm;
            TnumOf<Long> broken = new TnumOf<>((dv + sv) & ~mu, mu);
            assertEquals(false, Tnums.contains(bv, broken, Semantics.apply(bv, AluOp.ADD, x, y)), e.getKey().label());
        }
        // The real operator is proved on the same obligation.
        Prover.Outcome ok = prover.prove(Catalogue.tnumOperator("tnum.add", AluOp.ADD, 16, Tnums::add));
        assertInstanceOf(ProofResult.Proved.class, ok.result());
    }

    @Test
    void aTimeoutIsReportedAsUnknownNotProved() {
        Prover hurried = new Prover(Duration.ofMillis(1));
        Obligation hard = Catalogue.all().stream().filter(o -> o.name().equals("tnum.mul")).findFirst().orElseThrow().atWidth(32);
        Prover.Outcome o = hurried.prove(hard);
        assertInstanceOf(ProofResult.Unknown.class, o.result());
        for (var e : o.solvers().entrySet()) {
            assertInstanceOf(ProofResult.Unknown.class, e.getValue().result(), e.getKey().label());
        }
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s.substring(2), 16);
    }
}
