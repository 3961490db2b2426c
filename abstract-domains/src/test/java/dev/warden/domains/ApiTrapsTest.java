package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The traps the domain audit found in the public API (issue 11), each pinned by a test that
 * failed on the code before the fix.
 */
class ApiTrapsTest {

    // ---- a one-operand operation ignores the other operand, even when it is bottom ----

    @Test
    void oneOperandOperationsIgnoreABottomOperandTheyDoNotRead() {
        Scalar bottom = Scalar.bottom();
        Scalar five = Scalar.constant(5);
        for (Width w : Width.values()) {
            assertEquals(5, bottom.alu(AluOp.MOV, w, five).constantValue().orElseThrow(), "mov " + w);
            assertEquals(-128 & (w == Width.W32 ? 0xffff_ffffL : -1L),
                bottom.alu(AluOp.MOVSX8, w, Scalar.constant(0x80)).constantValue().orElseThrow(), "movsx8 " + w);
            assertEquals(-5 & (w == Width.W32 ? 0xffff_ffffL : -1L),
                five.alu(AluOp.NEG, w, bottom).constantValue().orElseThrow(), "neg " + w);
        }
        assertEquals(0x0500, five.byteOrder(ByteOrderOp.BE16).constantValue().orElseThrow());
    }

    @Test
    void anOperandThatIsReadStillPropagatesBottom() {
        Scalar bottom = Scalar.bottom();
        Scalar five = Scalar.constant(5);
        assertTrue(five.alu(AluOp.MOV, Width.W64, bottom).isBottom());
        assertTrue(bottom.alu(AluOp.NEG, Width.W64, five).isBottom());
        assertTrue(bottom.alu(AluOp.ADD, Width.W64, five).isBottom());
        assertTrue(five.alu(AluOp.ADD, Width.W64, bottom).isBottom());
        assertTrue(bottom.byteOrder(ByteOrderOp.BSWAP64).isBottom());
        assertEquals(5, Tnum.bottom().alu(AluOp.MOV, Tnum.constant(5)).value());
        assertTrue(Tnum.constant(5).alu(AluOp.MOV, Tnum.bottom()).isBottom());
    }

    // ---- 32-bit bounds outside 32 bits are rejected, not truncated ----

    @Test
    void thirtyTwoBitBoundsOutsideThirtyTwoBitsAreRejected() {
        Scalar t = Scalar.top();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new Scalar(t.tnum(), t.u64(), t.s64(), new UInterval(0, 1L << 32), t.s32()));
        assertTrue(e.getMessage().contains("u32"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> new Scalar(t.tnum(), t.u64(), t.s64(), new UInterval(-1L, 5), t.s32()));
        assertThrows(IllegalArgumentException.class,
            () -> new Scalar(t.tnum(), t.u64(), t.s64(), t.u32(), new SInterval(0, 0x8000_0000L)));
        assertThrows(IllegalArgumentException.class,
            () -> new Scalar(t.tnum(), t.u64(), t.s64(), t.u32(), new SInterval(Integer.MIN_VALUE - 1L, 0)));
        // In range, including the extremes and the empty intervals, is accepted as it is.
        Scalar ok = new Scalar(t.tnum(), t.u64(), t.s64(), new UInterval(0, 0xffff_ffffL), new SInterval(Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertEquals(new UInterval(0, 0xffff_ffffL), ok.u32());
        assertTrue(new Scalar(t.tnum(), t.u64(), t.s64(), new UInterval(7, 3), t.s32()).isBottom());
    }

    @Test
    void everyScalarTheOperationsMakeHasThirtyTwoBitBoundsThatFit() {
        for (Scalar s : List.of(Scalar.top(), Scalar.bottom(), Scalar.constant(-1), Scalar.signedRange(-5, 5),
            Scalar.unsignedRange(0, 1L << 40))) {
            assertTrue(s.u32().fitsIn32Bits() && s.s32().fitsIn32Bits(), s::toString);
        }
        assertFalse(new UInterval(0, 1L << 32).fitsIn32Bits());
        assertFalse(new SInterval(0, 1L << 31).fitsIn32Bits());
    }

    // ---- fromRange of an empty range is bottom ----

    @Test
    void tnumFromAnEmptyRangeIsBottom() {
        assertTrue(Tnum.fromRange(10, 5).isBottom());
        assertTrue(Tnum.fromRange(-1L, 0).isBottom()); // empty in unsigned order
        assertEquals(new Tnum(0, 0xf), Tnum.fromRange(5, 10));
        assertEquals(Tnum.constant(7), Tnum.fromRange(7, 7));
    }

    // ---- a widening stays widened ----

    @Test
    void laterJoinsAndSynchronisationDoNotPullAWideningBack() {
        Scalar a = Scalar.unsignedRange(0, 2).meet(Scalar.fromTnum(new Tnum(0, 0b10))); // {0, 2}
        Scalar b = Scalar.unsignedRange(0, 4).meet(Scalar.fromTnum(new Tnum(0, 0b110))); // {0, 2, 4, 6} ∩ [0, 4]
        Scalar w = a.widen(b);
        assertEquals(new UInterval(0, 0xff), w.u64(), w::toString);
        assertEquals(w, w.sync());
        assertTrue(w.leq(w.join(b)) && w.leq(w.join(a)) && w.leq(w.join(Scalar.constant(2))));
        assertTrue(a.leq(w) && b.leq(w));
        // Widening by something already below is the identity: chains stabilise.
        assertEquals(w, w.widen(a));
        assertEquals(w, w.widen(b));
    }

    /** Iterates {@code x = x ∇ (init ⊔ body(x))} as a verifier does at a loop head; the number of steps. */
    private static int stepsToStabilise(Scalar init, UnaryOperator<Scalar> body) {
        Scalar x = init;
        for (int step = 1; step <= 1000; step++) {
            Scalar next = x.widen(init.join(body.apply(x))).sync(); // storing a synchronised state is allowed
            assertTrue(x.leq(next), () -> "not ascending: " + init);
            if (next.leq(x)) {
                return step;
            }
            x = next;
        }
        throw new AssertionError("no fixpoint in 1000 steps");
    }

    @Test
    void loopLikeChainsStabiliseWithinTheThresholdCount() {
        // Thresholds bound the chain: each bound of each interval can move past at most every
        // threshold of its kind once (7 unsigned, 9 signed), plus a final confirming step.
        int bound = 2 * (Scalars.unsignedThresholds(64).length + Scalars.signedThresholds(64).length) + 2;
        Scalar zero = Scalar.constant(0);
        Scalar two = Scalar.constant(2);
        List<UnaryOperator<Scalar>> bodies = List.of(
            x -> x.alu(AluOp.ADD, Width.W64, two),                                    // i += 2
            x -> x.alu(AluOp.ADD, Width.W64, Scalar.constant(1)),                     // i++
            x -> x.alu(AluOp.SUB, Width.W64, Scalar.constant(3)),                     // i -= 3 (wraps)
            x -> x.alu(AluOp.ADD, Width.W32, Scalar.constant(8)),                     // 32-bit i += 8
            x -> x.alu(AluOp.LSH, Width.W64, Scalar.constant(1)).alu(AluOp.OR, Width.W64, Scalar.constant(1)),
            x -> x.alu(AluOp.MUL, Width.W64, Scalar.constant(3)),
            x -> x.alu(AluOp.ADD, Width.W64, Scalar.unsignedRange(0, 16)),
            x -> x.alu(AluOp.SUB, Width.W32, Scalar.signedRange(-4, 4)));
        for (int i = 0; i < bodies.size(); i++) {
            for (Scalar init : List.of(zero, Scalar.unsignedRange(0, 3), Scalar.signedRange(-2, 2), Scalar.constant(1L << 40))) {
                int steps = stepsToStabilise(init, bodies.get(i));
                assertTrue(steps <= bound, "body " + i + " from " + init + ": " + steps + " steps (bound " + bound + ")");
            }
        }
        // The counting loop i += 2 moves its upper bound one threshold per step (255, 65535,
        // 2^31-1, 2^32-1, then the wrap makes it top) and confirms: 7 steps, where climbing the
        // tnum lattice one bit per step took 64.
        assertEquals(7, stepsToStabilise(zero, bodies.get(0)));
    }
}
