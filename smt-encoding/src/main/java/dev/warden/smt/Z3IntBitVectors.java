package dev.warden.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.IntExpr;
import dev.warden.domains.BitVectors;
import dev.warden.domains.LongBitVectors;
import java.math.BigInteger;

/**
 * {@link BitVectors} over Z3 <em>integer</em> terms: a {@code width}-bit vector is the integer in
 * {@code [0, 2^width)} that it denotes unsigned, and each primitive is its SMT-LIB meaning written
 * in integer arithmetic ({@code mul} is {@code a·b mod 2^width}, {@code udiv} is integer division
 * with the SMT-LIB answer for 0, signed operations go through {@code a - 2^width} for negative
 * values). Bitwise operations and shifts by a symbolic amount go through Z3's {@code int2bv} and
 * {@code bv2int}.
 *
 * <p>Why: a bit-blasting solver proves "multiplication without overflow is monotone" only by
 * expanding the multiplier circuit, which does not finish beyond about 12 bits, while Z3's
 * nonlinear integer arithmetic proves it at 64 bits in milliseconds. The interval operators of
 * multiplication, division and modulo are such monotonicity arguments, so this algebra proves
 * them at full width; it is a second implementation of the primitives, checked against
 * {@link LongBitVectors} like the bit-vector ones ({@code Z3IntEncodingAgreesWithJavaTest}).
 * Instances come from {@link Z3IntSession}, which bounds every variable to its range.
 */
public final class Z3IntBitVectors implements BitVectors<IntExpr, BoolExpr> {

    private final Context ctx;
    private final int width;
    private final IntExpr modulus;
    private final IntExpr half;

    Z3IntBitVectors(Context ctx, int width) {
        if (width < 1 || width > 64) {
            throw new IllegalArgumentException("bit-vector width must be 1..64, got " + width);
        }
        this.ctx = ctx;
        this.width = width;
        this.modulus = big(BigInteger.ONE.shiftLeft(width));
        this.half = big(BigInteger.ONE.shiftLeft(width - 1));
    }

    private IntExpr big(BigInteger v) {
        return ctx.mkInt(v.toString());
    }

    private IntExpr i(com.microsoft.z3.Expr<?> e) {
        return (IntExpr) e;
    }

    /** The signed value of {@code a}: {@code a - 2^width} when its top bit is set. */
    private IntExpr signed(IntExpr a) {
        return i(ctx.mkITE(ctx.mkGe(a, half), ctx.mkSub(a, modulus), a));
    }

    /** The representative in {@code [0, 2^width)} of an integer in {@code (-2^width, 2^width)}. */
    private IntExpr wrapOnce(IntExpr v) {
        return i(ctx.mkITE(ctx.mkLt(v, ctx.mkInt(0)), ctx.mkAdd(v, modulus), v));
    }

    private IntExpr abs(IntExpr v) {
        return i(ctx.mkITE(ctx.mkLt(v, ctx.mkInt(0)), ctx.mkUnaryMinus(v), v));
    }

    private BitVecExpr toBits(IntExpr a) {
        return ctx.mkInt2BV(width, a);
    }

    private IntExpr fromBits(BitVecExpr b) {
        return i(ctx.mkBV2Int(b, false));
    }

    @Override public int width() { return width; }
    @Override public Z3IntBitVectors withWidth(int bits) { return new Z3IntBitVectors(ctx, bits); }

    @Override public IntExpr num(long c) {
        return big(new BigInteger(Long.toUnsignedString(LongBitVectors.truncate(c, width))));
    }

    @Override public BoolExpr bool(boolean b) { return ctx.mkBool(b); }

    @Override public IntExpr add(IntExpr a, IntExpr b) {
        IntExpr s = i(ctx.mkAdd(a, b));
        return i(ctx.mkITE(ctx.mkGe(s, modulus), ctx.mkSub(s, modulus), s));
    }

    @Override public IntExpr sub(IntExpr a, IntExpr b) { return wrapOnce(i(ctx.mkSub(a, b))); }
    /**
     * {@code a·b mod 2^width}, stated without the modulo where no wrap happens: the unsigned product
     * when it fits, else the signed product's representative when that fits (the two products are
     * congruent modulo {@code 2^width}). The same value; but the solver then sees plain polynomials
     * in the cases the interval operators are about, which its nonlinear arithmetic handles and a
     * modulo of a product it mostly does not.
     */
    @Override public IntExpr mul(IntExpr a, IntExpr b) {
        IntExpr unsigned = i(ctx.mkMul(a, b));
        IntExpr signedProduct = i(ctx.mkMul(signed(a), signed(b)));
        BoolExpr signedFits = ctx.mkAnd(ctx.mkLe(ctx.mkUnaryMinus(half), signedProduct), ctx.mkLt(signedProduct, half));
        return i(ctx.mkITE(ctx.mkLt(unsigned, modulus), unsigned,
            ctx.mkITE(signedFits, wrapOnce(signedProduct), ctx.mkMod(unsigned, modulus))));
    }
    @Override public IntExpr neg(IntExpr a) { return sub(ctx.mkInt(0), a); }
    @Override public IntExpr and(IntExpr a, IntExpr b) { return fromBits(ctx.mkBVAND(toBits(a), toBits(b))); }
    @Override public IntExpr or(IntExpr a, IntExpr b) { return fromBits(ctx.mkBVOR(toBits(a), toBits(b))); }
    @Override public IntExpr xor(IntExpr a, IntExpr b) { return fromBits(ctx.mkBVXOR(toBits(a), toBits(b))); }
    @Override public IntExpr not(IntExpr a) { return i(ctx.mkSub(modulus, ctx.mkInt(1), a)); }
    @Override public IntExpr shl(IntExpr a, IntExpr s) { return fromBits(ctx.mkBVSHL(toBits(a), toBits(s))); }
    @Override public IntExpr lshr(IntExpr a, IntExpr s) { return fromBits(ctx.mkBVLSHR(toBits(a), toBits(s))); }
    @Override public IntExpr ashr(IntExpr a, IntExpr s) { return fromBits(ctx.mkBVASHR(toBits(a), toBits(s))); }

    // Shifts by a constant stay in integer arithmetic: a multiplication or division by 2^k.
    @Override public IntExpr shl(IntExpr a, int k) {
        return k >= width ? num(0) : ctx.mkMod(i(ctx.mkMul(a, big(BigInteger.ONE.shiftLeft(k)))), modulus);
    }

    @Override public IntExpr lshr(IntExpr a, int k) {
        return k >= width ? num(0) : i(ctx.mkDiv(a, big(BigInteger.ONE.shiftLeft(k))));
    }

    @Override public IntExpr minSigned() { return half; }

    /** SMT-LIB {@code bvudiv}: all ones for a divisor of 0. */
    @Override public IntExpr udiv(IntExpr a, IntExpr b) {
        return i(ctx.mkITE(ctx.mkEq(b, ctx.mkInt(0)), ones(), ctx.mkDiv(a, b)));
    }

    /** SMT-LIB {@code bvurem}: the dividend for a divisor of 0. */
    @Override public IntExpr urem(IntExpr a, IntExpr b) {
        return i(ctx.mkITE(ctx.mkEq(b, ctx.mkInt(0)), a, ctx.mkMod(a, b)));
    }

    /**
     * SMT-LIB {@code bvsdiv}: the quotient of the magnitudes, negated when the signs differ
     * (truncation toward zero; {@code MIN / -1} is the magnitude {@code 2^(width-1)}, whose
     * representative is {@code MIN}: the wrap needs no modulo); a divisor of 0 gives 1 for a
     * negative dividend and all ones otherwise (the unsigned division of the magnitudes by 0).
     */
    @Override public IntExpr sdiv(IntExpr a, IntExpr b) {
        IntExpr sa = signed(a);
        IntExpr sb = signed(b);
        IntExpr q = i(ctx.mkDiv(abs(sa), abs(sb)));
        BoolExpr differ = ctx.mkXor(ctx.mkLt(sa, ctx.mkInt(0)), ctx.mkLt(sb, ctx.mkInt(0)));
        IntExpr byZero = i(ctx.mkITE(ctx.mkLt(sa, ctx.mkInt(0)), ctx.mkInt(1), ones()));
        return i(ctx.mkITE(ctx.mkEq(b, ctx.mkInt(0)), byZero,
            ctx.mkITE(differ, wrapOnce(i(ctx.mkUnaryMinus(q))), q)));
    }

    /** SMT-LIB {@code bvsrem}: the remainder of the magnitudes with the dividend's sign; the dividend for 0. */
    @Override public IntExpr srem(IntExpr a, IntExpr b) {
        IntExpr sa = signed(a);
        IntExpr r = i(ctx.mkMod(abs(sa), abs(signed(b))));
        return i(ctx.mkITE(ctx.mkEq(b, ctx.mkInt(0)), a,
            ctx.mkITE(ctx.mkLt(sa, ctx.mkInt(0)), wrapOnce(i(ctx.mkUnaryMinus(r))), r)));
    }

    @Override public BoolExpr eq(IntExpr a, IntExpr b) { return ctx.mkEq(a, b); }
    @Override public BoolExpr ult(IntExpr a, IntExpr b) { return ctx.mkLt(a, b); }
    @Override public BoolExpr ule(IntExpr a, IntExpr b) { return ctx.mkLe(a, b); }
    @Override public BoolExpr slt(IntExpr a, IntExpr b) { return ctx.mkLt(signed(a), signed(b)); }
    @Override public BoolExpr sle(IntExpr a, IntExpr b) { return ctx.mkLe(signed(a), signed(b)); }

    @Override public BoolExpr umulOverflow(IntExpr a, IntExpr b) { return ctx.mkGe(ctx.mkMul(a, b), modulus); }

    @Override public BoolExpr smulOverflow(IntExpr a, IntExpr b) {
        IntExpr p = i(ctx.mkMul(signed(a), signed(b)));
        return ctx.mkOr(ctx.mkGe(p, half), ctx.mkLt(p, ctx.mkUnaryMinus(half)));
    }

    @Override public BoolExpr both(BoolExpr a, BoolExpr b) { return ctx.mkAnd(a, b); }
    @Override public BoolExpr either(BoolExpr a, BoolExpr b) { return ctx.mkOr(a, b); }
    @Override public BoolExpr negate(BoolExpr a) { return ctx.mkNot(a); }
    @Override public BoolExpr iff(BoolExpr a, BoolExpr b) { return ctx.mkIff(a, b); }
    @Override public IntExpr ite(BoolExpr c, IntExpr t, IntExpr e) { return i(ctx.mkITE(c, t, e)); }

    @Override public IntExpr low(IntExpr a, int bits) {
        return bits == width ? a : ctx.mkMod(a, big(BigInteger.ONE.shiftLeft(bits)));
    }

    /** The same integer: zero extension does not change an unsigned value. */
    @Override public IntExpr zext(IntExpr a, int fromBits) { return a; }

    @Override public IntExpr sext(IntExpr a, int fromBits) {
        if (fromBits == width) {
            return a;
        }
        BigInteger top = BigInteger.ONE.shiftLeft(fromBits - 1);
        IntExpr lift = big(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE.shiftLeft(fromBits)));
        return i(ctx.mkITE(ctx.mkGe(a, big(top)), ctx.mkAdd(a, lift), a));
    }

    @Override public String toString() { return "Z3IntBitVectors[" + width + "]"; }
}
