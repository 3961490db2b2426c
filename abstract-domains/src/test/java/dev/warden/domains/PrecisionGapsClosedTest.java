package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import org.junit.jupiter.api.Test;

/**
 * The precision gaps of issue 11, each on an example where the previous operators answered less
 * (the value they gave is in the comment). Soundness of every change is proved in smt-encoding.
 */
class PrecisionGapsClosedTest {

    /** u64 top, low half [0, 10]: what a 64-bit register whose upper half is unknown looks like. */
    private static Scalar lowHalfUpTo(long max) {
        Scalar t = Scalar.top();
        return new Scalar(t.tnum(), t.u64(), t.s64(), new UInterval(0, max), new SInterval(0, max)).sync();
    }

    @Test
    void sixtyFourBitShiftsKeepTheLowHalf() {
        // Before: the low half came only from the tnum (low bits 0..15 shifted): [0, 60].
        Scalar r = lowHalfUpTo(10).alu(AluOp.LSH, Width.W64, Scalar.constant(2));
        assertEquals(new UInterval(0, 40), r.u32());
    }

    @Test
    void sixtyFourBitSignedDivisionOfSignExtendedHalvesKeepsTheLowHalf() {
        // Before: s32 top (the s64 result [-33, 33] spans two upper halves).
        Scalar r = Scalar.signedRange(-100, 100).alu(AluOp.SDIV, Width.W64, Scalar.constant(3));
        assertEquals(new SInterval(-33, 33), r.s64());
        assertEquals(new SInterval(-33, 33), r.s32());
        // The best u64 and tnum of {-33..33} are top: no interval without wrap-around holds it.
        assertEquals(Tnum.top(), r.tnum());
        // Where the signed result does not cross zero, u64 and the tnum follow from it.
        Scalar n = Scalar.signedRange(3, 100).alu(AluOp.SDIV, Width.W64, Scalar.signedRange(-3, -1));
        assertEquals(new SInterval(-100, -1), n.s64());
        assertEquals(new UInterval(-100, -1), n.u64());
    }

    @Test
    void notEqualRemovesTheOtherMemberOfATwoValueTnum() {
        Scalar zeroOrEight = Scalar.fromTnum(new Tnum(0, 8));
        BranchRefinement r = BranchRefinement.of(Cond.NE, Width.W64, zeroOrEight, Scalar.constant(0));
        // Before: [1, 8] with the tnum {0, 8}.
        assertEquals(8, r.takenDst().constantValue().orElseThrow());
        BranchRefinement r32 = BranchRefinement.of(Cond.NE, Width.W32, zeroOrEight, Scalar.constant(8));
        assertEquals(0, r32.takenDst().constantValue().orElseThrow());
        // Both ends are trimmed.
        assertEquals(new UInterval(4, 9), BranchRefinement.of(Cond.NE, Width.W64, Scalar.unsignedRange(3, 9), Scalar.constant(3)).takenDst().u64());
        assertEquals(new UInterval(3, 8), BranchRefinement.of(Cond.NE, Width.W64, Scalar.unsignedRange(3, 9), Scalar.constant(9)).takenDst().u64());
        assertEquals(new UInterval(4, 9), BranchRefinement.of(Cond.NE, Width.W32, Scalar.unsignedRange(3, 9), Scalar.constant(3)).takenDst().u32());
    }

    @Test
    void multiBitTestKnowsABitIsSet() {
        BranchRefinement r = BranchRefinement.of(Cond.SET, Width.W64, Scalar.unsignedRange(0, 255), Scalar.constant(0x30));
        // Before: [0, 255] (only single-bit masks refined the taken edge).
        assertEquals(new UInterval(0x10, 255), r.takenDst().u64());
        // Only one bit of the mask can be set: it is.
        BranchRefinement one = BranchRefinement.of(Cond.SET, Width.W64, Scalar.fromTnum(new Tnum(0, 0x11)), Scalar.constant(0x30));
        assertEquals(new Tnum(0x10, 0x01), one.takenDst().tnum());
        // Fall-through: every bit of the mask is clear.
        assertEquals(new Tnum(0, 0xcf), r.fallDst().tnum());
        assertTrue(r.fallDst().contains(0x0f) && !r.fallDst().contains(0x10));
    }
}
