package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Soundness on random 64-bit samples for every operation, both widths, and every branch
 * condition (the Z3 proofs in smt-encoding cover all inputs; these run the Java instantiation).
 */
class ScalarSoundnessPropertyTest {

    private static final long SAMPLES = 20_000;

    @ParameterizedTest
    @MethodSource("operations")
    void everyAluOperationIsSoundOnSamples(Operation op) {
        for (Width w : Width.values()) {
            var v = SoundnessSampler.alu(op, w, SAMPLES, Operation.all().indexOf(op) * 31L + w.ordinal());
            assertTrue(v.isEmpty(), () -> v.orElseThrow().toString());
        }
    }

    static java.util.List<Operation> operations() {
        return Operation.all();
    }

    @ParameterizedTest
    @EnumSource(Cond.class)
    void everyBranchRefinementIsSoundOnSamples(Cond c) {
        for (Width w : Width.values()) {
            var v = SoundnessSampler.branch(c, w, SAMPLES, c.ordinal() * 17L + w.ordinal());
            assertTrue(v.isEmpty(), () -> v.orElseThrow().toString());
        }
    }

    @Test
    void syncIsIdempotentAndKeepsEveryMember() {
        qt().withExamples(20_000).forAll(longs().all(), longs().all()).checkAssert((x, seed) -> {
            RandomAbstractValues r = new RandomAbstractValues(new SplittableRandom(seed), 64);
            Scalar a = Scalar.of(r.scalarContaining(x));
            Scalar s = a.sync();
            assertTrue(s.contains(x), () -> a + " lost " + x);
            assertEquals(s, s.sync());
            assertTrue(s.leq(a));
        });
    }

    @Test
    void joinContainsBothSidesAndMeetContainsCommonMembers() {
        qt().withExamples(20_000).forAll(longs().all(), longs().all(), longs().all()).checkAssert((x, y, seed) -> {
            RandomAbstractValues r = new RandomAbstractValues(new SplittableRandom(seed), 64);
            Scalar a = Scalar.of(r.scalarContaining(x)).sync();
            Scalar b = Scalar.of(r.scalarContaining(y)).sync();
            Scalar j = a.join(b);
            assertTrue(j.contains(x) && j.contains(y));
            Scalar w = a.widen(b);
            assertTrue(w.contains(x) && w.contains(y));
            Scalar bx = Scalar.of(r.scalarContaining(x)).sync();
            assertTrue(a.meet(bx).contains(x));
        });
    }

    @Test
    void aConstantOperandGivesAConstantResultForExactOperations() {
        qt().withExamples(20_000).forAll(longs().all(), longs().all()).checkAssert((x, y) -> {
            for (AluOp op : new AluOp[] {AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.AND, AluOp.OR, AluOp.XOR, AluOp.DIV, AluOp.SMOD, AluOp.LSH, AluOp.ARSH}) {
                for (Width w : Width.values()) {
                    Scalar r = Scalar.constant(x).alu(op, w, Scalar.constant(y));
                    assertEquals(Semantics.apply(LongBitVectors.of(64), op, w, x, y), r.constantValue().orElseThrow(), op + " " + w);
                }
            }
        });
    }
}
