package dev.warden.domains;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;

/**
 * The concrete semantics of eBPF's ALU operations (RFC 9669, section 4.2), written over
 * {@link BitVectors} so that the same definition runs in Java (the interpreter's reference and the
 * property tests) and in Z3 (the specification the soundness proofs check against).
 */
public final class Semantics {

    private Semantics() {}

    /**
     * {@code op} at the algebra's width {@code w} on {@code dst} and {@code src}: what an eBPF
     * machine with {@code w}-bit registers computes. Division by zero gives 0, modulo by zero
     * leaves the dividend, shift amounts are taken modulo {@code w} (which must be a power of two).
     */
    public static <V, B> V apply(BitVectors<V, B> bv, AluOp op, V dst, V src) {
        int w = bv.width();
        V zero = bv.zero();
        return switch (op) {
            case ADD -> bv.add(dst, src);
            case SUB -> bv.sub(dst, src);
            case MUL -> bv.mul(dst, src);
            case DIV -> bv.ite(bv.eq(src, zero), zero, bv.udiv(dst, src));
            case SDIV -> bv.ite(bv.eq(src, zero), zero, bv.sdiv(dst, src));
            case MOD -> bv.ite(bv.eq(src, zero), dst, bv.urem(dst, src));
            case SMOD -> bv.ite(bv.eq(src, zero), dst, bv.srem(dst, src));
            case OR -> bv.or(dst, src);
            case AND -> bv.and(dst, src);
            case XOR -> bv.xor(dst, src);
            case LSH -> bv.shl(dst, shiftAmount(bv, src));
            case RSH -> bv.lshr(dst, shiftAmount(bv, src));
            case ARSH -> bv.ashr(dst, shiftAmount(bv, src));
            case NEG -> bv.neg(dst);
            case MOV -> src;
            case MOVSX8 -> bv.sextLow(src, Math.min(8, w));
            case MOVSX16 -> bv.sextLow(src, Math.min(16, w));
            case MOVSX32 -> bv.sextLow(src, Math.min(32, w));
        };
    }

    /**
     * A byte-order operation on {@code dst} (RFC 9669, section 4.2.1) on a little-endian host:
     * {@code LE} keeps the low {@code bits} bits, {@code BE} and {@code BSWAP} reverse their bytes;
     * the upper bits are cleared.
     */
    public static <V, B> V byteOrder(BitVectors<V, B> bv, ByteOrderOp op, V dst) {
        return op.swaps() ? bv.byteSwap(dst, op.bits() / 8) : bv.zextLow(dst, op.bits());
    }

    /**
     * {@code op} on a register of width {@code bv.width()} (64 in eBPF) at {@link Width}: the
     * 32-bit form computes on the low halves and zero-extends the result (RFC 9669: "the upper
     * 32 bits of the destination register are zeroed").
     */
    public static <V, B> V apply(BitVectors<V, B> bv, AluOp op, Width width, V dst, V src) {
        if (width == Width.W64) {
            return apply(bv, op, dst, src);
        }
        int h = bv.width() / 2;
        BitVectors<V, B> half = bv.withWidth(h);
        return bv.zext(apply(half, op, bv.low(dst, h), bv.low(src, h)), h);
    }

    /** {@code op} at {@code width} (ignored by the byte-order operations, which read only dst). */
    public static <V, B> V apply(BitVectors<V, B> bv, Operation op, Width width, V dst, V src) {
        return switch (op) {
            case Operation.Alu(AluOp a) -> apply(bv, a, width, dst, src);
            case ByteOrderOp b -> byteOrder(bv, b, dst);
        };
    }

    /** {@code op} at the algebra's full width. */
    public static <V, B> V apply(BitVectors<V, B> bv, Operation op, V dst, V src) {
        return apply(bv, op, Width.W64, dst, src);
    }

    /** The shift amount masked to the width: {@code src & (w - 1)}. */
    public static <V, B> V shiftAmount(BitVectors<V, B> bv, V src) {
        return bv.and(src, bv.num(bv.width() - 1));
    }
}
