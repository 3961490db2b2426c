package dev.warden.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import dev.warden.domains.BitVectors;
import dev.warden.domains.LongBitVectors;

/**
 * {@link BitVectors} over Z3 terms: running an operator of {@code abstract-domains} with this
 * algebra builds the formula of exactly that operator. Instances come from {@link Z3Session}.
 */
public final class Z3BitVectors implements BitVectors<BitVecExpr, BoolExpr> {

    private final Context ctx;
    private final int width;

    Z3BitVectors(Context ctx, int width) {
        if (width < 1 || width > 64) {
            throw new IllegalArgumentException("bit-vector width must be 1..64, got " + width);
        }
        this.ctx = ctx;
        this.width = width;
    }

    @Override public int width() { return width; }
    @Override public Z3BitVectors withWidth(int bits) { return new Z3BitVectors(ctx, bits); }

    @Override public BitVecExpr num(long c) {
        return ctx.mkBV(Long.toUnsignedString(LongBitVectors.truncate(c, width)), width);
    }

    @Override public BoolExpr bool(boolean b) { return ctx.mkBool(b); }

    @Override public BitVecExpr add(BitVecExpr a, BitVecExpr b) { return ctx.mkBVAdd(a, b); }
    @Override public BitVecExpr sub(BitVecExpr a, BitVecExpr b) { return ctx.mkBVSub(a, b); }
    @Override public BitVecExpr mul(BitVecExpr a, BitVecExpr b) { return ctx.mkBVMul(a, b); }
    @Override public BitVecExpr neg(BitVecExpr a) { return ctx.mkBVNeg(a); }
    @Override public BitVecExpr and(BitVecExpr a, BitVecExpr b) { return ctx.mkBVAND(a, b); }
    @Override public BitVecExpr or(BitVecExpr a, BitVecExpr b) { return ctx.mkBVOR(a, b); }
    @Override public BitVecExpr xor(BitVecExpr a, BitVecExpr b) { return ctx.mkBVXOR(a, b); }
    @Override public BitVecExpr not(BitVecExpr a) { return ctx.mkBVNot(a); }
    @Override public BitVecExpr shl(BitVecExpr a, BitVecExpr s) { return ctx.mkBVSHL(a, s); }
    @Override public BitVecExpr lshr(BitVecExpr a, BitVecExpr s) { return ctx.mkBVLSHR(a, s); }
    @Override public BitVecExpr ashr(BitVecExpr a, BitVecExpr s) { return ctx.mkBVASHR(a, s); }
    @Override public BitVecExpr udiv(BitVecExpr a, BitVecExpr b) { return ctx.mkBVUDiv(a, b); }
    @Override public BitVecExpr urem(BitVecExpr a, BitVecExpr b) { return ctx.mkBVURem(a, b); }
    @Override public BitVecExpr sdiv(BitVecExpr a, BitVecExpr b) { return ctx.mkBVSDiv(a, b); }
    @Override public BitVecExpr srem(BitVecExpr a, BitVecExpr b) { return ctx.mkBVSRem(a, b); }

    @Override public BoolExpr eq(BitVecExpr a, BitVecExpr b) { return ctx.mkEq(a, b); }
    @Override public BoolExpr ult(BitVecExpr a, BitVecExpr b) { return ctx.mkBVULT(a, b); }
    @Override public BoolExpr ule(BitVecExpr a, BitVecExpr b) { return ctx.mkBVULE(a, b); }
    @Override public BoolExpr slt(BitVecExpr a, BitVecExpr b) { return ctx.mkBVSLT(a, b); }
    @Override public BoolExpr sle(BitVecExpr a, BitVecExpr b) { return ctx.mkBVSLE(a, b); }

    @Override public BoolExpr umulOverflow(BitVecExpr a, BitVecExpr b) {
        return ctx.mkNot(ctx.mkBVMulNoOverflow(a, b, false));
    }

    @Override public BoolExpr smulOverflow(BitVecExpr a, BitVecExpr b) {
        return ctx.mkNot(ctx.mkAnd(ctx.mkBVMulNoOverflow(a, b, true), ctx.mkBVMulNoUnderflow(a, b)));
    }

    @Override public BoolExpr both(BoolExpr a, BoolExpr b) { return ctx.mkAnd(a, b); }
    @Override public BoolExpr either(BoolExpr a, BoolExpr b) { return ctx.mkOr(a, b); }
    @Override public BoolExpr negate(BoolExpr a) { return ctx.mkNot(a); }
    @Override public BoolExpr iff(BoolExpr a, BoolExpr b) { return ctx.mkIff(a, b); }

    @Override public BitVecExpr ite(BoolExpr c, BitVecExpr t, BitVecExpr e) {
        return (BitVecExpr) ctx.mkITE(c, t, e);
    }

    @Override public BitVecExpr low(BitVecExpr a, int bits) {
        return bits == width ? a : ctx.mkExtract(bits - 1, 0, a);
    }

    @Override public BitVecExpr zext(BitVecExpr a, int fromBits) {
        return fromBits == width ? a : ctx.mkZeroExt(width - fromBits, a);
    }

    @Override public BitVecExpr sext(BitVecExpr a, int fromBits) {
        return fromBits == width ? a : ctx.mkSignExt(width - fromBits, a);
    }

    @Override public String toString() { return "Z3BitVectors[" + width + "]"; }
}
