package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.domains.BitVectors;
import dev.warden.domains.TnumOf;
import dev.warden.domains.Tnums;
import dev.warden.isa.AluOp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checks that make "proved" mean something can fail: an operator that always answers top is
 * proved but flagged as not meaningful, and an obligation whose premises contradict each other is
 * proved but flagged as having unsatisfiable premises.
 */
class VacuousObligationIsFlaggedTest {

    private final Prover prover = new Prover(Duration.ofSeconds(60));

    private static <V, B> TnumOf<V> top(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        return Tnums.top(bv);
    }

    @Test
    void anOperatorThatAlwaysAnswersTopIsProvedButNotMeaningful() {
        Prover.Outcome top = prover.prove(Catalogue.tnumOperator("tnum.add-top", AluOp.ADD, 16, VacuousObligationIsFlaggedTest::top));
        assertInstanceOf(ProofResult.Proved.class, top.result());
        assertEquals(Prover.Premises.SATISFIABLE, top.premises());
        assertEquals(Prover.Meaning.VACUOUS, top.meaning());
        // The real operator depends on its inputs.
        Prover.Outcome real = prover.prove(Catalogue.tnumOperator("tnum.add", AluOp.ADD, 16, Tnums::add));
        assertInstanceOf(ProofResult.Proved.class, real.result());
        assertEquals(Prover.Meaning.MEANINGFUL, real.meaning());
    }

    @Test
    void contradictoryPremisesAreFlagged() {
        // "x < 3 and x > 5 imply x == 7": proved, and says nothing.
        Obligation o = new Obligation("contradiction", Obligation.Property.SOUND, 8, new Obligation.Builder() {
            @Override
            public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) {
                BitVectors<V, B> bv = z.bits(w);
                V x = z.variable("x", w);
                B member = bv.both(bv.ult(x, bv.num(3)), bv.ult(bv.num(5), x));
                return new Obligation.Query<>(bv.bool(true), member, List.of(new Obligation.Part<>("", bv.bool(true), bv.eq(x, bv.num(7)))),
                    List.of(new Witness<>("x", x)), Session.Logic.QF_BV);
            }
        });
        Prover.Outcome r = prover.prove(o);
        assertInstanceOf(ProofResult.Proved.class, r.result());
        assertEquals(Prover.Premises.UNSATISFIABLE, r.premises());
    }

    @Test
    void anEmptyCaseOfASplitIsFlagged() {
        // The premise holds, but one case of the split never does under it.
        Obligation o = new Obligation("empty-case", Obligation.Property.SOUND, 8, new Obligation.Builder() {
            @Override
            public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) {
                BitVectors<V, B> bv = z.bits(w);
                V x = z.variable("x", w);
                B member = bv.ult(x, bv.num(3));
                B goal = bv.ult(x, bv.num(3));
                return new Obligation.Query<>(bv.bool(true), member, List.of(
                    new Obligation.Part<>("small", bv.ult(x, bv.num(100)), goal),
                    new Obligation.Part<>("large", bv.ule(bv.num(100), x), goal)),
                    List.of(new Witness<>("x", x)), Session.Logic.QF_BV);
            }
        });
        assertEquals(Prover.Premises.UNSATISFIABLE, prover.prove(o).premises());
    }
}
