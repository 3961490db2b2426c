package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import org.junit.jupiter.api.Test;

/** The concrete semantics on the RFC 9669 cases where eBPF differs from C or from SMT-LIB. */
class SemanticsFollowsRfc9669Test {

    private static final LongBitVectors BV = LongBitVectors.of(64);

    private static long alu64(AluOp op, long dst, long src) {
        return Semantics.apply(BV, op, Width.W64, dst, src);
    }

    private static long alu32(AluOp op, long dst, long src) {
        return Semantics.apply(BV, op, Width.W32, dst, src);
    }

    @Test
    void divisionByZeroGivesZero() {
        assertEquals(0, alu64(AluOp.DIV, 1234, 0));
        assertEquals(0, alu64(AluOp.SDIV, -1234, 0));
        assertEquals(0, alu32(AluOp.DIV, 0xffff_ffff_0000_1234L, 0xffff_ffff_0000_0000L)); // low half of src is 0
    }

    @Test
    void moduloByZeroLeavesTheDividendTruncatedAt32Bits() {
        assertEquals(1234, alu64(AluOp.MOD, 1234, 0));
        assertEquals(-7, alu64(AluOp.SMOD, -7, 0));
        assertEquals(0x0000_0000_8000_0001L, alu32(AluOp.MOD, 0x1234_5678_8000_0001L, 0));
    }

    @Test
    void signedDivisionOfMinByMinusOneWraps() {
        assertEquals(Long.MIN_VALUE, alu64(AluOp.SDIV, Long.MIN_VALUE, -1));
        assertEquals(0, alu64(AluOp.SMOD, Long.MIN_VALUE, -1));
        assertEquals(0x8000_0000L, alu32(AluOp.SDIV, 0x8000_0000L, 0xffff_ffffL));
    }

    @Test
    void signedDivisionTruncatesTowardZeroAndModuloTakesTheDividendsSign() {
        assertEquals(-2, alu64(AluOp.SDIV, -7, 3));
        assertEquals(-1, alu64(AluOp.SMOD, -7, 3));
        assertEquals(1, alu64(AluOp.SMOD, 7, -3));
        assertEquals(0xffff_fffeL, alu32(AluOp.SDIV, -7, 3));
    }

    @Test
    void shiftAmountsAreMasked() {
        assertEquals(2, alu64(AluOp.LSH, 1, 65));
        assertEquals(2, alu32(AluOp.LSH, 1, 33));
        assertEquals(-1, alu64(AluOp.ARSH, Long.MIN_VALUE, 63 + 64));
    }

    @Test
    void thirtyTwoBitResultsAreZeroExtendedAndArshWorksOnTheLowHalf() {
        assertEquals(0xffff_ffffL, alu32(AluOp.ADD, 0xffff_fffeL, 1));
        assertEquals(0, alu32(AluOp.ADD, 0xffff_ffffL, 1));
        assertEquals(0xffff_ffffL, alu32(AluOp.ARSH, 0x0000_0000_8000_0000L, 31));
        assertEquals(0xffff_fffeL, alu32(AluOp.NEG, 2, 0));
    }

    @Test
    void signExtensionAndByteOrder() {
        assertEquals(-128, alu64(AluOp.MOVSX8, 0, 0x80));
        assertEquals(0xffff_ff80L, alu32(AluOp.MOVSX8, 0, 0x80));
        assertEquals(-1L << 31, alu64(AluOp.MOVSX32, 0, 0x8000_0000L));
        assertEquals(0x3412, Semantics.byteOrder(BV, ByteOrderOp.BE16, 0xffff_1234L));
        assertEquals(0x1234, Semantics.byteOrder(BV, ByteOrderOp.LE16, 0xffff_1234L));
        assertEquals(0x7856_3412L, Semantics.byteOrder(BV, ByteOrderOp.BSWAP32, 0xaaaa_bbbb_1234_5678L));
        assertEquals(0x0807_0605_0403_0201L, Semantics.byteOrder(BV, ByteOrderOp.BSWAP64, 0x0102_0304_0506_0708L));
        assertEquals(42, alu64(AluOp.MOV, 7, 42));
    }
}
