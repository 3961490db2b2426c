package dev.warden.domains;

import dev.warden.isa.AluOp;

/**
 * Signed interval operators, generic over {@link BitVectors}: bounds are compared as two's
 * complement numbers. Where the result could wrap past the signed extremes in one place but not in
 * another, the operator returns the full range. Unless documented otherwise an operator expects
 * non-empty inputs.
 */
public final class SRanges {

    private SRanges() {}

    public static <V, B> RangeOf<V> top(BitVectors<V, B> bv) {
        return new RangeOf<>(bv.minSigned(), bv.maxSigned());
    }

    public static <V, B> RangeOf<V> bottom(BitVectors<V, B> bv) {
        return new RangeOf<>(bv.maxSigned(), bv.minSigned());
    }

    public static <V, B> RangeOf<V> constant(BitVectors<V, B> bv, V c) {
        return new RangeOf<>(c, c);
    }

    public static <V, B> B wellFormed(BitVectors<V, B> bv, RangeOf<V> a) {
        return bv.sle(a.lo(), a.hi());
    }

    public static <V, B> B isBottom(BitVectors<V, B> bv, RangeOf<V> a) {
        return bv.slt(a.hi(), a.lo());
    }

    public static <V, B> B contains(BitVectors<V, B> bv, RangeOf<V> a, V x) {
        return bv.both(bv.sle(a.lo(), x), bv.sle(x, a.hi()));
    }

    private static <V, B> RangeOf<V> select(BitVectors<V, B> bv, B c, RangeOf<V> t, RangeOf<V> e) {
        return URanges.select(bv, c, t, e);
    }

    public static <V, B> RangeOf<V> join(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        RangeOf<V> hull = new RangeOf<>(bv.smin(a.lo(), b.lo()), bv.smax(a.hi(), b.hi()));
        return select(bv, isBottom(bv, a), b, select(bv, isBottom(bv, b), a, hull));
    }

    public static <V, B> RangeOf<V> meet(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        RangeOf<V> m = new RangeOf<>(bv.smax(a.lo(), b.lo()), bv.smin(a.hi(), b.hi()));
        B empty = bv.either(isBottom(bv, a), isBottom(bv, b), isBottom(bv, m));
        return select(bv, empty, bottom(bv), m);
    }

    public static <V, B> B leq(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return bv.either(isBottom(bv, a), bv.both(bv.sle(b.lo(), a.lo()), bv.sle(a.hi(), b.hi())));
    }

    /** Widening with thresholds (ascending in signed order); see {@link URanges#widen}. */
    public static <V, B> RangeOf<V> widen(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b, long[] thresholds) {
        V lo = bv.minSigned();
        V hi = bv.maxSigned();
        for (long t : thresholds) {
            lo = bv.ite(bv.sle(bv.num(t), b.lo()), bv.num(t), lo);
        }
        for (int i = thresholds.length - 1; i >= 0; i--) {
            hi = bv.ite(bv.sle(b.hi(), bv.num(thresholds[i])), bv.num(thresholds[i]), hi);
        }
        RangeOf<V> w = new RangeOf<>(bv.ite(bv.slt(b.lo(), a.lo()), lo, a.lo()),
            bv.ite(bv.slt(a.hi(), b.hi()), hi, a.hi()));
        return select(bv, isBottom(bv, a), b, select(bv, isBottom(bv, b), a, w));
    }

    public static <V, B> RangeOf<V> narrow(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        RangeOf<V> n = new RangeOf<>(bv.ite(bv.eq(a.lo(), bv.minSigned()), b.lo(), a.lo()),
            bv.ite(bv.eq(a.hi(), bv.maxSigned()), b.hi(), a.hi()));
        return select(bv, bv.either(isBottom(bv, a), isBottom(bv, b)), bottom(bv), n);
    }

    // ---- arithmetic ----

    /** Whether {@code x + y = r} overflowed past the maximum / the minimum. */
    private static <V, B> B addOverflowsUp(BitVectors<V, B> bv, V x, V y, V r) {
        return bv.both(bv.negate(bv.isNeg(x)), bv.negate(bv.isNeg(y)), bv.isNeg(r));
    }

    private static <V, B> B addOverflowsDown(BitVectors<V, B> bv, V x, V y, V r) {
        return bv.both(bv.isNeg(x), bv.isNeg(y), bv.negate(bv.isNeg(r)));
    }

    private static <V, B> B subOverflowsUp(BitVectors<V, B> bv, V x, V y, V r) {
        return bv.both(bv.negate(bv.isNeg(x)), bv.isNeg(y), bv.isNeg(r));
    }

    private static <V, B> B subOverflowsDown(BitVectors<V, B> bv, V x, V y, V r) {
        return bv.both(bv.isNeg(x), bv.negate(bv.isNeg(y)), bv.negate(bv.isNeg(r)));
    }

    /** Exact unless the two bound sums overflow differently, then top. */
    public static <V, B> RangeOf<V> add(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        V lo = bv.add(a.lo(), b.lo());
        V hi = bv.add(a.hi(), b.hi());
        B same = bv.both(bv.iff(addOverflowsUp(bv, a.lo(), b.lo(), lo), addOverflowsUp(bv, a.hi(), b.hi(), hi)),
            bv.iff(addOverflowsDown(bv, a.lo(), b.lo(), lo), addOverflowsDown(bv, a.hi(), b.hi(), hi)));
        return select(bv, same, new RangeOf<>(lo, hi), top(bv));
    }

    /** Exact unless the two bound differences overflow differently, then top. */
    public static <V, B> RangeOf<V> sub(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        V lo = bv.sub(a.lo(), b.hi());
        V hi = bv.sub(a.hi(), b.lo());
        B same = bv.both(bv.iff(subOverflowsUp(bv, a.lo(), b.hi(), lo), subOverflowsUp(bv, a.hi(), b.lo(), hi)),
            bv.iff(subOverflowsDown(bv, a.lo(), b.hi(), lo), subOverflowsDown(bv, a.hi(), b.lo(), hi)));
        return select(bv, same, new RangeOf<>(lo, hi), top(bv));
    }

    public static <V, B> RangeOf<V> neg(BitVectors<V, B> bv, RangeOf<V> a) {
        return sub(bv, constant(bv, bv.zero()), a);
    }

    /** The hull of the four corner products, unless one of them overflows, then top. */
    public static <V, B> RangeOf<V> mul(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        B overflow = bv.either(bv.either(bv.smulOverflow(a.lo(), b.lo()), bv.smulOverflow(a.lo(), b.hi())),
            bv.either(bv.smulOverflow(a.hi(), b.lo()), bv.smulOverflow(a.hi(), b.hi())));
        return select(bv, overflow, top(bv), corners(bv, a, b, Corner.MUL));
    }

    private enum Corner { MUL, DIV }

    private static <V, B> RangeOf<V> corners(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b, Corner c) {
        V p1 = c == Corner.MUL ? bv.mul(a.lo(), b.lo()) : bv.sdiv(a.lo(), b.lo());
        V p2 = c == Corner.MUL ? bv.mul(a.lo(), b.hi()) : bv.sdiv(a.lo(), b.hi());
        V p3 = c == Corner.MUL ? bv.mul(a.hi(), b.lo()) : bv.sdiv(a.hi(), b.lo());
        V p4 = c == Corner.MUL ? bv.mul(a.hi(), b.hi()) : bv.sdiv(a.hi(), b.hi());
        return new RangeOf<>(bv.smin(bv.smin(p1, p2), bv.smin(p3, p4)), bv.smax(bv.smax(p1, p2), bv.smax(p3, p4)));
    }

    private static <V, B> RangeOf<V> withZero(BitVectors<V, B> bv, RangeOf<V> r) {
        return new RangeOf<>(bv.smin(r.lo(), bv.zero()), bv.smax(r.hi(), bv.zero()));
    }

    /**
     * eBPF signed division. With a divisor of one sign the quotient is monotone in each operand,
     * so the extremes are at the four corners; a divisor bound of 0 is replaced by ±1 and the
     * result 0 (division by zero) is added. Top when the divisor range crosses zero, and when
     * {@code MIN / -1} (which wraps) is possible.
     */
    public static <V, B> RangeOf<V> sdiv(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        V zero = bv.zero();
        V one = bv.num(1);
        V minusOne = bv.ones();
        RangeOf<V> positive = new RangeOf<>(bv.smax(b.lo(), one), b.hi());
        RangeOf<V> negative = new RangeOf<>(b.lo(), bv.smin(b.hi(), minusOne));
        RangeOf<V> byPositive = corners(bv, a, positive, Corner.DIV);
        RangeOf<V> byNegative = select(bv, bv.both(bv.eq(a.lo(), bv.minSigned()), bv.eq(negative.hi(), minusOne)),
            top(bv), corners(bv, a, negative, Corner.DIV));
        RangeOf<V> r = select(bv, bv.sle(zero, b.lo()), byPositive,
            select(bv, bv.sle(b.hi(), zero), byNegative, top(bv)));
        B hasZero = bv.both(bv.sle(b.lo(), zero), bv.sle(zero, b.hi()));
        RangeOf<V> onlyZero = constant(bv, zero);
        return select(bv, bv.both(bv.eq(b.lo(), zero), bv.eq(b.hi(), zero)), onlyZero,
            select(bv, hasZero, withZero(bv, r), r));
    }

    /**
     * eBPF signed modulo: the result has the dividend's sign, and magnitude below both the
     * dividend's and the largest divisor's; a divisor range containing 0 adds the dividend itself.
     */
    public static <V, B> RangeOf<V> smod(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        V zero = bv.zero();
        V absLo = bv.ite(bv.isNeg(b.lo()), bv.neg(b.lo()), b.lo());
        V absHi = bv.ite(bv.isNeg(b.hi()), bv.neg(b.hi()), b.hi());
        // |MIN| does not exist; then the remainder's magnitude is at most MAX.
        V m = bv.ite(bv.eq(b.lo(), bv.minSigned()), bv.maxSigned(), bv.sub(bv.umax(absLo, absHi), bv.num(1)));
        V lo = bv.ite(bv.isNeg(a.lo()), bv.smax(a.lo(), bv.neg(m)), zero);
        V hi = bv.ite(bv.slt(zero, a.hi()), bv.smin(a.hi(), m), zero);
        RangeOf<V> r = new RangeOf<>(lo, hi);
        B hasZero = bv.both(bv.sle(b.lo(), zero), bv.sle(zero, b.hi()));
        return select(bv, bv.both(bv.eq(b.lo(), zero), bv.eq(b.hi(), zero)), a,
            select(bv, hasZero, join(bv, r, a), r));
    }

    private static <V, B> B nonNegative(BitVectors<V, B> bv, RangeOf<V> a) {
        return bv.negate(bv.isNeg(a.lo()));
    }

    /** {@code x & y} lies in {@code [0, x]} for non-negative {@code x}, whatever {@code y}. */
    public static <V, B> RangeOf<V> and(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        V zero = bv.zero();
        return select(bv, bv.both(nonNegative(bv, a), nonNegative(bv, b)), new RangeOf<>(zero, bv.smin(a.hi(), b.hi())),
            select(bv, nonNegative(bv, a), new RangeOf<>(zero, a.hi()),
                select(bv, nonNegative(bv, b), new RangeOf<>(zero, b.hi()), top(bv))));
    }

    /** Non-negative operands: as unsigned; otherwise top. */
    public static <V, B> RangeOf<V> or(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return select(bv, bv.both(nonNegative(bv, a), nonNegative(bv, b)), URanges.or(bv, a, b), top(bv));
    }

    public static <V, B> RangeOf<V> xor(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return select(bv, bv.both(nonNegative(bv, a), nonNegative(bv, b)), URanges.xor(bv, a, b), top(bv));
    }

    /** Left shift: as unsigned for non-negative values (when that result stays non-negative). */
    public static <V, B> RangeOf<V> lsh(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> s) {
        RangeOf<V> u = URanges.lsh(bv, a, shiftAmounts(bv, s));
        return select(bv, bv.both(nonNegative(bv, a), bv.negate(bv.isNeg(u.hi()))), u, top(bv));
    }

    /** Logical right shift: as unsigned for non-negative values. */
    public static <V, B> RangeOf<V> rsh(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> s) {
        return select(bv, nonNegative(bv, a), URanges.rsh(bv, a, shiftAmounts(bv, s)), top(bv));
    }

    /** The masked shift amounts of a signed range: itself if within {@code [0, width)}. */
    static <V, B> RangeOf<V> shiftAmounts(BitVectors<V, B> bv, RangeOf<V> s) {
        V last = bv.num(bv.width() - 1);
        return select(bv, bv.both(nonNegative(bv, s), bv.sle(s.hi(), last)), s, new RangeOf<>(bv.zero(), last));
    }

    /** Arithmetic shift is monotone in the value and moves it toward 0 or -1: corners. */
    public static <V, B> RangeOf<V> arsh(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> s) {
        RangeOf<V> k = shiftAmounts(bv, s);
        return new RangeOf<>(bv.smin(bv.ashr(a.lo(), k.lo()), bv.ashr(a.lo(), k.hi())),
            bv.smax(bv.ashr(a.hi(), k.lo()), bv.ashr(a.hi(), k.hi())));
    }

    /** Sign extension of the low {@code bits} bits: unchanged if every value fits, else that range. */
    public static <V, B> RangeOf<V> sextLow(BitVectors<V, B> bv, RangeOf<V> a, int bits) {
        if (bits >= bv.width()) {
            return a;
        }
        BitVectors<V, B> n = bv.withWidth(bits);
        RangeOf<V> range = new RangeOf<>(bv.sext(n.minSigned(), bits), bv.sext(n.maxSigned(), bits));
        return select(bv, bv.both(bv.sle(range.lo(), a.lo()), bv.sle(a.hi(), range.hi())), a, range);
    }

    /** The low {@code bits} bits: unchanged if every value fits, else {@code [0, 2^bits - 1]}. */
    public static <V, B> RangeOf<V> zextLow(BitVectors<V, B> bv, RangeOf<V> a, int bits) {
        if (bits >= bv.width()) {
            return a;
        }
        V max = bv.zext(bv.withWidth(bits).ones(), bits);
        return select(bv, bv.both(nonNegative(bv, a), bv.sle(a.hi(), max)), a, new RangeOf<>(bv.zero(), max));
    }

    /**
     * Unsigned division or modulo on signed ranges: where both ranges are non-negative they are
     * also unsigned ranges, and the unsigned operator applies; top otherwise.
     */
    private static <V, B> RangeOf<V> unsignedWhenNonNegative(BitVectors<V, B> bv, AluOp op, RangeOf<V> a, RangeOf<V> b) {
        RangeOf<V> r = op == AluOp.DIV ? URanges.udiv(bv, a, b) : URanges.umod(bv, a, b);
        return select(bv, bv.both(nonNegative(bv, a), nonNegative(bv, b)), r, top(bv));
    }

    /** The transfer function of {@code op} at the algebra's width ({@code dst op src}). */
    public static <V, B> RangeOf<V> apply(BitVectors<V, B> bv, AluOp op, RangeOf<V> dst, RangeOf<V> src) {
        int w = bv.width();
        return switch (op) {
            case ADD -> add(bv, dst, src);
            case SUB -> sub(bv, dst, src);
            case MUL -> mul(bv, dst, src);
            case DIV -> unsignedWhenNonNegative(bv, AluOp.DIV, dst, src);
            case SDIV -> sdiv(bv, dst, src);
            case MOD -> unsignedWhenNonNegative(bv, AluOp.MOD, dst, src);
            case SMOD -> smod(bv, dst, src);
            case OR -> or(bv, dst, src);
            case AND -> and(bv, dst, src);
            case XOR -> xor(bv, dst, src);
            case LSH -> lsh(bv, dst, src);
            case RSH -> rsh(bv, dst, src);
            case ARSH -> arsh(bv, dst, src);
            case NEG -> neg(bv, dst);
            case MOV -> src;
            case MOVSX8 -> sextLow(bv, src, Math.min(8, w));
            case MOVSX16 -> sextLow(bv, src, Math.min(16, w));
            case MOVSX32 -> sextLow(bv, src, Math.min(32, w));
        };
    }

    /**
     * The transfer function of a byte-order operation on {@code dst} (see {@link URanges#byteOrder}).
     * Where only the lowest byte varies, the bounds swap exactly, as signed numbers too unless the
     * swap fills the whole register and the two swapped bounds differ in sign (the lowest byte
     * crossing 0x7f/0x80 becomes the sign byte).
     */
    public static <V, B> RangeOf<V> byteOrder(BitVectors<V, B> bv, ByteOrderOp op, RangeOf<V> dst) {
        if (!op.swaps()) {
            return zextLow(bv, dst, op.bits());
        }
        if (op.bits() > bv.width()) {
            return top(bv);
        }
        RangeOf<V> swapped = URanges.swapBounds(bv, op, dst);
        if (op.bits() == bv.width()) {
            B sameSign = bv.iff(bv.isNeg(swapped.lo()), bv.isNeg(swapped.hi()));
            return select(bv, bv.both(URanges.lowByteOnly(bv, dst), sameSign), swapped, top(bv));
        }
        return select(bv, URanges.lowByteOnly(bv, dst), swapped, new RangeOf<>(bv.zero(), bv.zextLow(bv.ones(), op.bits())));
    }

    /** {@link #apply} or {@link #byteOrder}, whichever {@code op} is. */
    public static <V, B> RangeOf<V> apply(BitVectors<V, B> bv, Operation op, RangeOf<V> dst, RangeOf<V> src) {
        return switch (op) {
            case Operation.Alu(AluOp a) -> apply(bv, a, dst, src);
            case ByteOrderOp b -> byteOrder(bv, b, dst);
        };
    }
}
