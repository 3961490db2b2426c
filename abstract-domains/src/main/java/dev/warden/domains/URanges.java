package dev.warden.domains;

import dev.warden.isa.AluOp;

/**
 * Unsigned interval operators, generic over {@link BitVectors}. Wrap-around is handled soundly:
 * where the result could straddle the wrap point the operator returns the full range, never a
 * wrong bound. Unless documented otherwise an operator expects non-empty inputs.
 */
public final class URanges {

    private URanges() {}

    public static <V, B> RangeOf<V> top(BitVectors<V, B> bv) {
        return new RangeOf<>(bv.zero(), bv.ones());
    }

    public static <V, B> RangeOf<V> bottom(BitVectors<V, B> bv) {
        return new RangeOf<>(bv.ones(), bv.zero());
    }

    public static <V, B> RangeOf<V> constant(BitVectors<V, B> bv, V c) {
        return new RangeOf<>(c, c);
    }

    public static <V, B> B wellFormed(BitVectors<V, B> bv, RangeOf<V> a) {
        return bv.ule(a.lo(), a.hi());
    }

    public static <V, B> B isBottom(BitVectors<V, B> bv, RangeOf<V> a) {
        return bv.ult(a.hi(), a.lo());
    }

    public static <V, B> B contains(BitVectors<V, B> bv, RangeOf<V> a, V x) {
        return bv.both(bv.ule(a.lo(), x), bv.ule(x, a.hi()));
    }

    public static <V, B> RangeOf<V> select(BitVectors<V, B> bv, B c, RangeOf<V> t, RangeOf<V> e) {
        return new RangeOf<>(bv.ite(c, t.lo(), e.lo()), bv.ite(c, t.hi(), e.hi()));
    }

    public static <V, B> RangeOf<V> join(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        RangeOf<V> hull = new RangeOf<>(bv.umin(a.lo(), b.lo()), bv.umax(a.hi(), b.hi()));
        return select(bv, isBottom(bv, a), b, select(bv, isBottom(bv, b), a, hull));
    }

    /** Intersection; the canonical bottom when empty. */
    public static <V, B> RangeOf<V> meet(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        RangeOf<V> m = new RangeOf<>(bv.umax(a.lo(), b.lo()), bv.umin(a.hi(), b.hi()));
        B empty = bv.either(isBottom(bv, a), isBottom(bv, b), isBottom(bv, m));
        return select(bv, empty, bottom(bv), m);
    }

    public static <V, B> B leq(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return bv.either(isBottom(bv, a), bv.both(bv.ule(b.lo(), a.lo()), bv.ule(a.hi(), b.hi())));
    }

    /**
     * Widening with thresholds: a bound that grows jumps to the next threshold (ascending,
     * unsigned) beyond it; the extremes are always thresholds, so chains are finite.
     */
    public static <V, B> RangeOf<V> widen(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b, long[] thresholds) {
        V lo = bv.zero();
        V hi = bv.ones();
        for (long t : thresholds) { // ascending: the last threshold <= b.lo wins
            lo = bv.ite(bv.ule(bv.num(t), b.lo()), bv.num(t), lo);
        }
        for (int i = thresholds.length - 1; i >= 0; i--) { // descending: the last threshold >= b.hi wins
            hi = bv.ite(bv.ule(b.hi(), bv.num(thresholds[i])), bv.num(thresholds[i]), hi);
        }
        RangeOf<V> w = new RangeOf<>(bv.ite(bv.ult(b.lo(), a.lo()), lo, a.lo()),
            bv.ite(bv.ult(a.hi(), b.hi()), hi, a.hi()));
        return select(bv, isBottom(bv, a), b, select(bv, isBottom(bv, b), a, w));
    }

    /** Narrowing: only bounds that widening pushed to an extreme are brought back to {@code b}'s. */
    public static <V, B> RangeOf<V> narrow(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        RangeOf<V> n = new RangeOf<>(bv.ite(bv.eq(a.lo(), bv.zero()), b.lo(), a.lo()),
            bv.ite(bv.eq(a.hi(), bv.ones()), b.hi(), a.hi()));
        return select(bv, bv.either(isBottom(bv, a), isBottom(bv, b)), bottom(bv), n);
    }

    // ---- arithmetic ----

    /** Exact unless the two bound sums wrap differently, then top. */
    public static <V, B> RangeOf<V> add(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        V lo = bv.add(a.lo(), b.lo());
        V hi = bv.add(a.hi(), b.hi());
        B sameWrap = bv.iff(bv.ult(lo, a.lo()), bv.ult(hi, a.hi()));
        return select(bv, sameWrap, new RangeOf<>(lo, hi), top(bv));
    }

    /** Exact unless the two bound differences borrow differently, then top. */
    public static <V, B> RangeOf<V> sub(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        V lo = bv.sub(a.lo(), b.hi());
        V hi = bv.sub(a.hi(), b.lo());
        B sameBorrow = bv.iff(bv.ult(a.lo(), b.hi()), bv.ult(a.hi(), b.lo()));
        return select(bv, sameBorrow, new RangeOf<>(lo, hi), top(bv));
    }

    public static <V, B> RangeOf<V> neg(BitVectors<V, B> bv, RangeOf<V> a) {
        return sub(bv, constant(bv, bv.zero()), a);
    }

    /** Exact bounds unless the largest product overflows, then top. */
    public static <V, B> RangeOf<V> mul(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return select(bv, bv.umulOverflow(a.hi(), b.hi()), top(bv),
            new RangeOf<>(bv.mul(a.lo(), b.lo()), bv.mul(a.hi(), b.hi())));
    }

    /** eBPF unsigned division; a divisor range containing 0 adds the result 0. */
    public static <V, B> RangeOf<V> udiv(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return select(bv, bv.eq(b.lo(), bv.zero()), new RangeOf<>(bv.zero(), a.hi()),
            new RangeOf<>(bv.udiv(a.lo(), b.hi()), bv.udiv(a.hi(), b.lo())));
    }

    /**
     * eBPF unsigned modulo: the dividend itself when it is below every divisor, else
     * {@code [0, min(a.hi, b.hi - 1)]}; a divisor range containing 0 gives {@code [0, a.hi]}
     * ({@code x % 0 = x}).
     */
    public static <V, B> RangeOf<V> umod(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        RangeOf<V> nonZero = select(bv, bv.ult(a.hi(), b.lo()), a,
            new RangeOf<>(bv.zero(), bv.umin(a.hi(), bv.sub(b.hi(), bv.num(1)))));
        return select(bv, bv.eq(b.lo(), bv.zero()), new RangeOf<>(bv.zero(), a.hi()), nonZero);
    }

    /** Both operands non-negative as signed numbers: signed division and modulo are unsigned. */
    private static <V, B> B bothNonNegative(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return bv.both(bv.negate(bv.isNeg(a.hi())), bv.negate(bv.isNeg(b.hi())));
    }

    public static <V, B> RangeOf<V> sdiv(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return select(bv, bothNonNegative(bv, a, b), udiv(bv, a, b), top(bv));
    }

    public static <V, B> RangeOf<V> smod(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return select(bv, bothNonNegative(bv, a, b), umod(bv, a, b), top(bv));
    }

    /** {@code x & y <= min(x, y)}. */
    public static <V, B> RangeOf<V> and(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return new RangeOf<>(bv.zero(), bv.umin(a.hi(), b.hi()));
    }

    /** {@code max(x, y) <= x | y}, and no bit above the highest bit of either is set. */
    public static <V, B> RangeOf<V> or(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return new RangeOf<>(bv.umax(a.lo(), b.lo()), bv.smear(bv.or(a.hi(), b.hi())));
    }

    public static <V, B> RangeOf<V> xor(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
        return new RangeOf<>(bv.zero(), bv.smear(bv.or(a.hi(), b.hi())));
    }

    /** The masked shift amounts, as a range: {@code s} itself if already below the width. */
    static <V, B> RangeOf<V> shiftAmounts(BitVectors<V, B> bv, RangeOf<V> s) {
        V last = bv.num(bv.width() - 1);
        return select(bv, bv.ule(s.hi(), last), s, new RangeOf<>(bv.zero(), last));
    }

    /** Exact bounds unless the largest value shifted by the largest amount loses bits, then top. */
    public static <V, B> RangeOf<V> lsh(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> s) {
        RangeOf<V> k = shiftAmounts(bv, s);
        V hi = bv.shl(a.hi(), k.hi());
        B lossless = bv.eq(bv.lshr(hi, k.hi()), a.hi());
        return select(bv, lossless, new RangeOf<>(bv.shl(a.lo(), k.lo()), hi), top(bv));
    }

    public static <V, B> RangeOf<V> rsh(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> s) {
        RangeOf<V> k = shiftAmounts(bv, s);
        return new RangeOf<>(bv.lshr(a.lo(), k.hi()), bv.lshr(a.hi(), k.lo()));
    }

    /**
     * Arithmetic shift: as {@link #rsh} when every value is non-negative; when every value is
     * negative the result grows toward all ones with the amount; top when the range holds both.
     */
    public static <V, B> RangeOf<V> arsh(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> s) {
        RangeOf<V> k = shiftAmounts(bv, s);
        RangeOf<V> negative = new RangeOf<>(bv.ashr(a.lo(), k.lo()), bv.ashr(a.hi(), k.hi()));
        return select(bv, bv.negate(bv.isNeg(a.hi())), rsh(bv, a, s),
            select(bv, bv.isNeg(a.lo()), negative, top(bv)));
    }

    /** Sign extension of the low {@code bits} bits: unchanged if every value fits as non-negative. */
    public static <V, B> RangeOf<V> sextLow(BitVectors<V, B> bv, RangeOf<V> a, int bits) {
        if (bits >= bv.width()) {
            return a;
        }
        V fits = bv.zext(bv.withWidth(bits).maxSigned(), bits);
        return select(bv, bv.ule(a.hi(), fits), a, top(bv));
    }

    /** The low {@code bits} bits: unchanged if every value fits, else {@code [0, 2^bits - 1]}. */
    public static <V, B> RangeOf<V> zextLow(BitVectors<V, B> bv, RangeOf<V> a, int bits) {
        if (bits >= bv.width()) {
            return a;
        }
        V max = bv.zext(bv.withWidth(bits).ones(), bits);
        return select(bv, bv.ule(a.hi(), max), a, new RangeOf<>(bv.zero(), max));
    }

    /** The transfer function of {@code op} at the algebra's width ({@code dst op src}). */
    public static <V, B> RangeOf<V> apply(BitVectors<V, B> bv, AluOp op, RangeOf<V> dst, RangeOf<V> src) {
        int w = bv.width();
        return switch (op) {
            case ADD -> add(bv, dst, src);
            case SUB -> sub(bv, dst, src);
            case MUL -> mul(bv, dst, src);
            case DIV -> udiv(bv, dst, src);
            case SDIV -> sdiv(bv, dst, src);
            case MOD -> umod(bv, dst, src);
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
     * The transfer function of a byte-order operation on {@code dst}. A swap scrambles the order,
     * except where only the lowest byte varies (every member shares the bits above it, e.g. a
     * constant): the swap moves that byte to the top of the swapped window and fixes the rest, which
     * is monotone, so the bounds swap exactly. Otherwise only "fits in the low {@code bits} bits"
     * survives; the tnum keeps the bits and the bounds follow from it after synchronisation.
     */
    public static <V, B> RangeOf<V> byteOrder(BitVectors<V, B> bv, ByteOrderOp op, RangeOf<V> dst) {
        if (!op.swaps()) {
            return zextLow(bv, dst, op.bits());
        }
        if (op.bits() > bv.width()) {
            return top(bv);
        }
        RangeOf<V> coarse = op.bits() == bv.width() ? top(bv) : new RangeOf<>(bv.zero(), bv.zextLow(bv.ones(), op.bits()));
        return select(bv, lowByteOnly(bv, dst), swapBounds(bv, op, dst), coarse);
    }

    /** Whether every member of {@code [lo, hi]} has the same bits above the lowest byte. */
    static <V, B> B lowByteOnly(BitVectors<V, B> bv, RangeOf<V> r) {
        return bv.width() <= 8 ? bv.bool(true) : bv.eq(bv.lshr(r.lo(), 8), bv.lshr(r.hi(), 8));
    }

    /** {@code [swap(lo), swap(hi)]}. */
    static <V, B> RangeOf<V> swapBounds(BitVectors<V, B> bv, ByteOrderOp op, RangeOf<V> r) {
        return new RangeOf<>(bv.byteSwap(r.lo(), op.bits() / 8), bv.byteSwap(r.hi(), op.bits() / 8));
    }

    /** {@link #apply} or {@link #byteOrder}, whichever {@code op} is. */
    public static <V, B> RangeOf<V> apply(BitVectors<V, B> bv, Operation op, RangeOf<V> dst, RangeOf<V> src) {
        return switch (op) {
            case Operation.Alu(AluOp a) -> apply(bv, a, dst, src);
            case ByteOrderOp b -> byteOrder(bv, b, dst);
        };
    }
}
