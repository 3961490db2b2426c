package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import org.junit.jupiter.api.Test;

/** Documented behaviour of {@link Scalar} and {@link BranchRefinement} on small examples. */
class ScalarApiTest {

    @Test
    void constantsAreRecognisedWhicheverComponentFixesThem() {
        assertEquals(42, Scalar.constant(42).constantValue().orElseThrow());
        assertTrue(Scalar.unsignedRange(7, 7).isConstant());
        assertTrue(Scalar.signedRange(-3, -3).isConstant());
        assertTrue(Scalar.fromTnum(Tnum.constant(5)).isConstant());
        assertFalse(Scalar.unsignedRange(7, 8).isConstant());
    }

    @Test
    void constantArithmeticIsExact() {
        Scalar r = Scalar.constant(40).alu(AluOp.ADD, Width.W64, Scalar.constant(2));
        assertEquals(42, r.constantValue().orElseThrow());
        Scalar w = Scalar.constant(0xffff_ffffL).alu(AluOp.ADD, Width.W32, Scalar.constant(1));
        assertEquals(0, w.constantValue().orElseThrow());
        Scalar d = Scalar.constant(7).alu(AluOp.DIV, Width.W64, Scalar.constant(0));
        assertEquals(0, d.constantValue().orElseThrow());
    }

    @Test
    void meetOfDisjointValuesIsBottomAndBottomPropagates() {
        Scalar b = Scalar.unsignedRange(0, 10).meet(Scalar.unsignedRange(20, 30));
        assertTrue(b.isBottom());
        assertTrue(b.alu(AluOp.ADD, Width.W64, Scalar.constant(1)).isBottom());
        assertEquals(Scalar.unsignedRange(0, 10), Scalar.unsignedRange(0, 10).join(b));
    }

    @Test
    void boundsAndKnownBitsTightenEachOther() {
        Scalar byteValue = Scalar.unsignedRange(0, 255);
        assertEquals(new Tnum(0, 0xff), byteValue.tnum());
        assertEquals(new SInterval(0, 255), byteValue.s64());
        assertEquals(new UInterval(0, 255), byteValue.u32());
        Scalar aligned = Scalar.fromTnum(new Tnum(0, 0xf0));
        assertEquals(new UInterval(0, 0xf0), aligned.u64());
    }

    @Test
    void syncIsIdempotent() {
        Scalar s = Scalar.unsignedRange(3, 1000).alu(AluOp.AND, Width.W64, Scalar.constant(0x3c));
        assertEquals(s, s.sync());
        assertEquals(new UInterval(0, 0x3c), s.u64());
    }

    @Test
    void branchAgainstAConstantDecidesAndRefines() {
        Scalar small = Scalar.unsignedRange(0, 5);
        assertEquals(Verdict.ALWAYS, BranchRefinement.of(Cond.LT, Width.W64, small, Scalar.constant(10)).verdict());
        assertEquals(Verdict.NEVER, BranchRefinement.of(Cond.GT, Width.W64, small, Scalar.constant(10)).verdict());
        BranchRefinement r = BranchRefinement.of(Cond.GT, Width.W64, Scalar.unsignedRange(0, 100), Scalar.constant(10));
        assertEquals(Verdict.MAYBE, r.verdict());
        assertEquals(new UInterval(11, 100), r.takenDst().u64());
        assertEquals(new UInterval(0, 10), r.fallDst().u64());
        BranchRefinement eq = BranchRefinement.of(Cond.EQ, Width.W64, Scalar.top(), Scalar.constant(7));
        assertEquals(7, eq.takenDst().constantValue().orElseThrow());
        BranchRefinement set = BranchRefinement.of(Cond.SET, Width.W64, Scalar.unsignedRange(0, 15), Scalar.constant(8));
        assertEquals(new UInterval(8, 15), set.takenDst().u64());
        assertEquals(new UInterval(0, 7), set.fallDst().u64());
    }

    @Test
    void thirtyTwoBitBranchesRefineTheLowHalf() {
        BranchRefinement r = BranchRefinement.of(Cond.SLT, Width.W32, Scalar.top(), Scalar.constant(0));
        assertEquals(new SInterval(Integer.MIN_VALUE, -1), r.takenDst().s32());
        assertEquals(Verdict.MAYBE, r.verdict());
    }

    @Test
    void widenJumpsToThresholdsAndNarrowComesBack() {
        Scalar a = Scalar.unsignedRange(0, 1);
        Scalar b = Scalar.unsignedRange(0, 2);
        Scalar w = a.widen(b);
        assertEquals(new UInterval(0, 0xff), w.u64());
        assertTrue(a.leq(w) && b.leq(w));
        // Narrowing only brings back bounds that widening pushed to an extreme.
        Scalar big = Scalar.unsignedRange(0, 1L << 40);
        Scalar top = a.widen(big);
        // Widening is synchronised: s64 jumped to the signed maximum, and it bounds u64 too.
        assertEquals(new UInterval(0, Long.MAX_VALUE), top.u64());
        assertEquals(new SInterval(0, Long.MAX_VALUE), top.s64());
        assertEquals(new UInterval(0, 1L << 40), top.narrow(big).u64());
    }
}
