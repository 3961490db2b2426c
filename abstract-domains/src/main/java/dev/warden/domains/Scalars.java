package dev.warden.domains;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * Operators of the reduced product {@link ScalarOf}, generic over {@link BitVectors}: {@code bv}
 * is the full width, {@code bv.withWidth(W/2)} the low half. Transfer functions here do not
 * synchronise; {@link Scalar} runs {@link #syncStep} to a fixpoint after them.
 */
public final class Scalars {

    private Scalars() {}

    static <V, B> BitVectors<V, B> half(BitVectors<V, B> bv) {
        return bv.withWidth(bv.width() / 2);
    }

    public static <V, B> ScalarOf<V> top(BitVectors<V, B> bv) {
        BitVectors<V, B> h = half(bv);
        return new ScalarOf<>(Tnums.top(bv), URanges.top(bv), SRanges.top(bv), URanges.top(h), SRanges.top(h));
    }

    public static <V, B> ScalarOf<V> bottom(BitVectors<V, B> bv) {
        BitVectors<V, B> h = half(bv);
        return new ScalarOf<>(Tnums.bottom(bv), URanges.bottom(bv), SRanges.bottom(bv), URanges.bottom(h), SRanges.bottom(h));
    }

    public static <V, B> ScalarOf<V> constant(BitVectors<V, B> bv, V c) {
        int h = bv.width() / 2;
        V l = bv.low(c, h);
        return new ScalarOf<>(Tnums.constant(bv, c), new RangeOf<>(c, c), new RangeOf<>(c, c), new RangeOf<>(l, l), new RangeOf<>(l, l));
    }

    /** No component is empty. */
    public static <V, B> B wellFormed(BitVectors<V, B> bv, ScalarOf<V> a) {
        BitVectors<V, B> h = half(bv);
        return bv.both(bv.both(Tnums.wellFormed(bv, a.tnum()), URanges.wellFormed(bv, a.u64()), SRanges.wellFormed(bv, a.s64())),
            bv.both(URanges.wellFormed(h, a.u32()), SRanges.wellFormed(h, a.s32())));
    }

    public static <V, B> B isBottom(BitVectors<V, B> bv, ScalarOf<V> a) {
        return bv.negate(wellFormed(bv, a));
    }

    /** γ: {@code x} is in every component (the 32-bit ones on its low half). */
    public static <V, B> B contains(BitVectors<V, B> bv, ScalarOf<V> a, V x) {
        BitVectors<V, B> h = half(bv);
        V l = bv.low(x, h.width());
        return bv.both(bv.both(Tnums.contains(bv, a.tnum(), x), URanges.contains(bv, a.u64(), x), SRanges.contains(bv, a.s64(), x)),
            bv.both(URanges.contains(h, a.u32(), l), SRanges.contains(h, a.s32(), l)));
    }

    public static <V, B> ScalarOf<V> select(BitVectors<V, B> bv, B c, ScalarOf<V> t, ScalarOf<V> e) {
        BitVectors<V, B> h = half(bv);
        return new ScalarOf<>(Tnums.select(bv, c, t.tnum(), e.tnum()), URanges.select(bv, c, t.u64(), e.u64()),
            URanges.select(bv, c, t.s64(), e.s64()), URanges.select(h, c, t.u32(), e.u32()), URanges.select(h, c, t.s32(), e.s32()));
    }

    /** Whether the signed range does not cross the sign boundary (so it is also an unsigned range). */
    private static <V, B> B signedNoCross(BitVectors<V, B> bv, RangeOf<V> s) {
        return bv.either(bv.negate(bv.isNeg(s.lo())), bv.isNeg(s.hi()));
    }

    /** Whether the unsigned range does not cross the sign boundary (so it is also a signed range). */
    private static <V, B> B unsignedNoCross(BitVectors<V, B> bv, RangeOf<V> u) {
        return bv.iff(bv.isNeg(u.lo()), bv.isNeg(u.hi()));
    }

    /**
     * The steps of one synchronisation round, in order. Each only intersects components with
     * what other components imply, so each is sound and never grows a component; both are proved
     * for each step in {@code smt-encoding} (soundness and reductiveness of the composition
     * follow).
     */
    public enum SyncStep {
        /** Bounds from the tnum (64 and 32 bits, unsigned and signed). */
        BOUNDS_FROM_TNUM,
        /** Low-half bounds from full bounds whose values share one upper half, or are sign-extended halves. */
        HALF_FROM_FULL,
        /** Full bounds from low-half bounds, under the same condition. */
        FULL_FROM_HALF,
        /** Signed from unsigned and back, where a range does not cross the sign boundary. */
        SIGNS,
        /** Known bits from the bounds. */
        TNUM_FROM_BOUNDS,
        /** Any empty component empties the whole value (the canonical bottom). */
        CANONICAL_BOTTOM
    }

    /**
     * One round of bounds synchronisation (the kernel's {@code reg_bounds_sync}, restated): the
     * {@link SyncStep}s in order. {@link Scalar#sync} iterates it to a fixpoint, which makes the
     * synchronisation idempotent.
     */
    public static <V, B> ScalarOf<V> syncStep(BitVectors<V, B> bv, ScalarOf<V> a) {
        ScalarOf<V> r = a;
        for (SyncStep step : SyncStep.values()) {
            r = sync(bv, step, r);
        }
        return r;
    }

    /**
     * Synchronisation to a fixpoint ({@link #syncStep} until nothing changes), for the Java
     * instantiation. Each step only shrinks components (proved), so this terminates; stopping at
     * a fixpoint makes it idempotent.
     */
    public static ScalarOf<Long> syncToFixpoint(LongBitVectors bv, ScalarOf<Long> a) {
        ScalarOf<Long> cur = a;
        while (true) {
            ScalarOf<Long> next = syncStep(bv, cur);
            if (next.equals(cur)) {
                return cur;
            }
            cur = next;
        }
    }

    /** One {@link SyncStep}. */
    public static <V, B> ScalarOf<V> sync(BitVectors<V, B> bv, SyncStep step, ScalarOf<V> a) {
        BitVectors<V, B> h = half(bv);
        int hw = h.width();
        TnumOf<V> t = a.tnum();
        RangeOf<V> u = a.u64();
        RangeOf<V> s = a.s64();
        RangeOf<V> u32 = a.u32();
        RangeOf<V> s32 = a.s32();
        // Every value of a range shares one upper half when its bounds do; then the low halves run
        // from low(lo) to low(hi) without wrapping.
        B sameU = bv.eq(bv.lshr(u.lo(), hw), bv.lshr(u.hi(), hw));
        B sameS = bv.eq(bv.lshr(s.lo(), hw), bv.lshr(s.hi(), hw));
        switch (step) {
            case BOUNDS_FROM_TNUM -> {
                u = URanges.meet(bv, u, new RangeOf<>(Tnums.umin(bv, t), Tnums.umax(bv, t)));
                s = SRanges.meet(bv, s, new RangeOf<>(Tnums.smin(bv, t), Tnums.smax(bv, t)));
                TnumOf<V> tl = Tnums.low(bv, t, hw);
                u32 = URanges.meet(h, u32, new RangeOf<>(Tnums.umin(h, tl), Tnums.umax(h, tl)));
                s32 = SRanges.meet(h, s32, new RangeOf<>(Tnums.smin(h, tl), Tnums.smax(h, tl)));
            }
            case HALF_FROM_FULL -> {
                RangeOf<V> lowU = new RangeOf<>(bv.low(u.lo(), hw), bv.low(u.hi(), hw));
                u32 = URanges.select(h, sameU, URanges.meet(h, u32, lowU), u32);
                s32 = URanges.select(h, bv.both(sameU, h.sle(lowU.lo(), lowU.hi())), SRanges.meet(h, s32, lowU), s32);
                RangeOf<V> lowS = new RangeOf<>(bv.low(s.lo(), hw), bv.low(s.hi(), hw));
                u32 = URanges.select(h, bv.both(sameS, h.ule(lowS.lo(), lowS.hi())), URanges.meet(h, u32, lowS), u32);
                s32 = URanges.select(h, bv.both(sameS, h.sle(lowS.lo(), lowS.hi())), SRanges.meet(h, s32, lowS), s32);
                // Members that are sign-extended halves (s64 within [-2^(hw-1), 2^(hw-1))) read the
                // same as signed halves, although their bounds have different upper halves.
                B signExtended = bv.both(bv.sle(bv.sext(h.minSigned(), hw), s.lo()), bv.sle(s.hi(), bv.sext(h.maxSigned(), hw)));
                s32 = URanges.select(h, signExtended, SRanges.meet(h, s32, lowS), s32);
            }
            case FULL_FROM_HALF -> {
                V upperMask = bv.not(bv.zext(h.ones(), hw));
                V uUpper = bv.and(u.lo(), upperMask);
                u = URanges.select(bv, sameU, URanges.meet(bv, u,
                    new RangeOf<>(bv.or(uUpper, bv.zext(u32.lo(), hw)), bv.or(uUpper, bv.zext(u32.hi(), hw)))), u);
                V sUpper = bv.and(s.lo(), upperMask);
                s = URanges.select(bv, sameS, SRanges.meet(bv, s,
                    new RangeOf<>(bv.or(sUpper, bv.zext(u32.lo(), hw)), bv.or(sUpper, bv.zext(u32.hi(), hw)))), s);
            }
            case SIGNS -> {
                u = URanges.select(bv, signedNoCross(bv, s), URanges.meet(bv, u, s), u);
                s = URanges.select(bv, unsignedNoCross(bv, u), SRanges.meet(bv, s, u), s);
                u32 = URanges.select(h, signedNoCross(h, s32), URanges.meet(h, u32, s32), u32);
                s32 = URanges.select(h, unsignedNoCross(h, u32), SRanges.meet(h, s32, u32), s32);
            }
            case TNUM_FROM_BOUNDS -> {
                t = Tnums.meet(bv, t, Tnums.fromRange(bv, u.lo(), u.hi()));
                t = Tnums.select(bv, signedNoCross(bv, s), Tnums.meet(bv, t, Tnums.fromRange(bv, s.lo(), s.hi())), t);
                t = Tnums.meet(bv, t, Tnums.withLow(bv, Tnums.fromRange(h, u32.lo(), u32.hi()), hw));
                t = Tnums.select(bv, signedNoCross(h, s32),
                    Tnums.meet(bv, t, Tnums.withLow(bv, Tnums.fromRange(h, s32.lo(), s32.hi()), hw)), t);
            }
            case CANONICAL_BOTTOM -> {
                return select(bv, isBottom(bv, a), bottom(bv), a);
            }
        }
        return new ScalarOf<>(t, u, s, u32, s32);
    }

    /** Whether the low half of {@code op}'s 64-bit result is {@code op} on the low halves. */
    static boolean lowHalfCommutes(AluOp op) {
        return switch (op) {
            case DIV, SDIV, MOD, SMOD, LSH, RSH, ARSH -> false;
            default -> true;
        };
    }

    /**
     * The transfer function of {@code op} at {@code width}, before synchronisation: each component
     * by its own operator; the 32-bit form works on the low halves and zero-extends.
     */
    public static <V, B> ScalarOf<V> alu(BitVectors<V, B> bv, AluOp op, Width width, ScalarOf<V> dst, ScalarOf<V> src) {
        BitVectors<V, B> h = half(bv);
        int hw = h.width();
        if (width == Width.W64) {
            TnumOf<V> t = Tnums.apply(bv, op, dst.tnum(), src.tnum());
            if (!lowHalfCommutes(op)) {
                // The low half of the result depends on the upper halves: read it off the
                // full-width tnum (its low bits' bounds), and where the operands are small enough
                // that it does not, also compute it on the halves.
                B exact = lowHalfExact(bv, op, dst, src);
                RangeOf<V> u32 = lowBoundsU(bv, t);
                RangeOf<V> s32 = lowBoundsS(bv, t);
                u32 = URanges.select(h, exact, URanges.meet(h, u32, URanges.apply(h, op, dst.u32(), src.u32())), u32);
                s32 = URanges.select(h, exact, SRanges.meet(h, s32, SRanges.apply(h, op, dst.s32(), src.s32())), s32);
                return new ScalarOf<>(t, URanges.apply(bv, op, dst.u64(), src.u64()), SRanges.apply(bv, op, dst.s64(), src.s64()), u32, s32);
            }
            return new ScalarOf<>(t, URanges.apply(bv, op, dst.u64(), src.u64()), SRanges.apply(bv, op, dst.s64(), src.s64()),
                URanges.apply(h, op, dst.u32(), src.u32()), SRanges.apply(h, op, dst.s32(), src.s32()));
        }
        TnumOf<V> t = Tnums.apply(h, op, Tnums.low(bv, dst.tnum(), hw), Tnums.low(bv, src.tnum(), hw));
        RangeOf<V> u = URanges.apply(h, op, dst.u32(), src.u32());
        RangeOf<V> s = SRanges.apply(h, op, dst.s32(), src.s32());
        // Zero-extended: the full value equals the unsigned low half, which is non-negative.
        RangeOf<V> wide = new RangeOf<>(bv.zext(u.lo(), hw), bv.zext(u.hi(), hw));
        return new ScalarOf<>(Tnums.zext(bv, t, hw), wide, wide, u, s);
    }

    /**
     * The transfer function of a byte-order operation on {@code dst}, before synchronisation. The
     * low half of the result is {@code op} applied to the low half, except for a swap of the whole
     * register, which brings the upper bytes down: then the 32-bit bounds are left to the
     * synchronisation.
     */
    public static <V, B> ScalarOf<V> byteOrder(BitVectors<V, B> bv, ByteOrderOp op, ScalarOf<V> dst) {
        BitVectors<V, B> h = half(bv);
        TnumOf<V> t = Tnums.byteOrder(bv, op, dst.tnum());
        boolean low = !(op.swaps() && op.bits() >= bv.width());
        return new ScalarOf<>(t, URanges.byteOrder(bv, op, dst.u64()), SRanges.byteOrder(bv, op, dst.s64()),
            low ? URanges.byteOrder(h, op, dst.u32()) : lowBoundsU(bv, t),
            low ? SRanges.byteOrder(h, op, dst.s32()) : lowBoundsS(bv, t));
    }

    /**
     * Whether the low half of {@code op}'s full-width result is {@code op} on the low halves, for
     * every member, for an operation where that does not hold in general: shifts by amounts below
     * the half width (and, for right shifts, a dividend whose upper half is zero, or sign copies
     * for {@code ARSH}); division and modulo of operands that are zero-extended halves
     * ({@code DIV}, {@code MOD}) or sign-extended ones ({@code SDIV}, {@code SMOD}: the one
     * quotient that does not fit, {@code MIN / -1}, has the same low half as its 32-bit wrap).
     */
    static <V, B> B lowHalfExact(BitVectors<V, B> bv, AluOp op, ScalarOf<V> dst, ScalarOf<V> src) {
        int hw = bv.width() / 2;
        B smallAmount = bv.ule(src.u64().hi(), bv.num(hw - 1));
        B dstZeroExtended = bv.eq(bv.lshr(dst.u64().hi(), hw), bv.zero());
        B srcZeroExtended = bv.eq(bv.lshr(src.u64().hi(), hw), bv.zero());
        return switch (op) {
            case LSH -> smallAmount;
            case RSH -> bv.both(smallAmount, dstZeroExtended);
            case ARSH -> bv.both(smallAmount, signExtendedHalf(bv, dst.s64()));
            case DIV, MOD -> bv.both(dstZeroExtended, srcZeroExtended);
            case SDIV, SMOD -> bv.both(signExtendedHalf(bv, dst.s64()), signExtendedHalf(bv, src.s64()));
            default -> bv.bool(true);
        };
    }

    /** Whether every member of the signed range is a sign-extended half. */
    private static <V, B> B signExtendedHalf(BitVectors<V, B> bv, RangeOf<V> s) {
        int hw = bv.width() / 2;
        BitVectors<V, B> h = bv.withWidth(hw);
        return bv.both(bv.sle(bv.sext(h.minSigned(), hw), s.lo()), bv.sle(s.hi(), bv.sext(h.maxSigned(), hw)));
    }

    /** Unsigned bounds of the low half of the members of {@code t}. */
    private static <V, B> RangeOf<V> lowBoundsU(BitVectors<V, B> bv, TnumOf<V> t) {
        BitVectors<V, B> h = half(bv);
        TnumOf<V> tl = Tnums.low(bv, t, h.width());
        return new RangeOf<>(Tnums.umin(h, tl), Tnums.umax(h, tl));
    }

    /** Signed bounds of the low half of the members of {@code t}. */
    private static <V, B> RangeOf<V> lowBoundsS(BitVectors<V, B> bv, TnumOf<V> t) {
        BitVectors<V, B> h = half(bv);
        TnumOf<V> tl = Tnums.low(bv, t, h.width());
        return new RangeOf<>(Tnums.smin(h, tl), Tnums.smax(h, tl));
    }

    /** {@link #alu} or {@link #byteOrder}, whichever {@code op} is (the width is ignored by the latter). */
    public static <V, B> ScalarOf<V> apply(BitVectors<V, B> bv, Operation op, Width width, ScalarOf<V> dst, ScalarOf<V> src) {
        return switch (op) {
            case Operation.Alu(AluOp a) -> alu(bv, a, width, dst, src);
            case ByteOrderOp b -> byteOrder(bv, b, dst);
        };
    }

    public static <V, B> ScalarOf<V> join(BitVectors<V, B> bv, ScalarOf<V> a, ScalarOf<V> b) {
        BitVectors<V, B> h = half(bv);
        ScalarOf<V> j = new ScalarOf<>(Tnums.join(bv, a.tnum(), b.tnum()), URanges.join(bv, a.u64(), b.u64()),
            SRanges.join(bv, a.s64(), b.s64()), URanges.join(h, a.u32(), b.u32()), SRanges.join(h, a.s32(), b.s32()));
        // A bottom side contributes nothing (its non-empty components must not leak in).
        return select(bv, isBottom(bv, a), b, select(bv, isBottom(bv, b), a, j));
    }

    public static <V, B> ScalarOf<V> meet(BitVectors<V, B> bv, ScalarOf<V> a, ScalarOf<V> b) {
        BitVectors<V, B> h = half(bv);
        ScalarOf<V> m = new ScalarOf<>(Tnums.meet(bv, a.tnum(), b.tnum()), URanges.meet(bv, a.u64(), b.u64()),
            SRanges.meet(bv, a.s64(), b.s64()), URanges.meet(h, a.u32(), b.u32()), SRanges.meet(h, a.s32(), b.s32()));
        return m; // an empty component stays as it is; synchronisation canonicalises bottom
    }

    /** Componentwise order (sound, not complete: a reduced product may have equal γ in other forms). */
    public static <V, B> B leq(BitVectors<V, B> bv, ScalarOf<V> a, ScalarOf<V> b) {
        return bv.either(isBottom(bv, a), leqComponents(bv, a, b));
    }

    /**
     * Every component of {@code a} below {@code b}'s, an empty component below any: a preorder on
     * all representations, bottom ones included (what the synchronisation steps are proved to
     * respect).
     */
    public static <V, B> B leqComponents(BitVectors<V, B> bv, ScalarOf<V> a, ScalarOf<V> b) {
        BitVectors<V, B> h = half(bv);
        return bv.both(bv.both(Tnums.leq(bv, a.tnum(), b.tnum()), URanges.leq(bv, a.u64(), b.u64()), SRanges.leq(bv, a.s64(), b.s64())),
            bv.both(URanges.leq(h, a.u32(), b.u32()), SRanges.leq(h, a.s32(), b.s32())));
    }

    /**
     * Widening: intervals widen to {@link #unsignedThresholds}/{@link #signedThresholds}; the tnum
     * joins (its lattice has height {@code W}), and then also joins every interval bound the
     * widening moved (for a 32-bit bound, with the joined tnum's known upper bits). Without that
     * step, synchronising the result would pull the widened bounds back to the joined tnum's
     * (a loop {@code i += 2} from 0 gives the tnum {@code 0b?…?0}, whose bounds are far below
     * the threshold), and the loop head's chain would climb the tnum lattice one bit per step
     * instead of jumping to a threshold. A bound the widening kept is already within the tnum of
     * a synchronised {@code a}, so widening by a smaller value changes nothing.
     */
    public static <V, B> ScalarOf<V> widen(BitVectors<V, B> bv, ScalarOf<V> a, ScalarOf<V> b) {
        BitVectors<V, B> h = half(bv);
        int w = bv.width();
        int hw = h.width();
        RangeOf<V> u = URanges.widen(bv, a.u64(), b.u64(), unsignedThresholds(w));
        RangeOf<V> s = SRanges.widen(bv, a.s64(), b.s64(), signedThresholds(w));
        RangeOf<V> u32 = URanges.widen(h, a.u32(), b.u32(), unsignedThresholds(hw));
        RangeOf<V> s32 = SRanges.widen(h, a.s32(), b.s32(), signedThresholds(hw));
        TnumOf<V> t = Tnums.join(bv, a.tnum(), b.tnum());
        V upper = bv.and(t.value(), bv.not(bv.zext(h.ones(), hw)));
        t = joinIfMoved(bv, t, a.u64().lo(), u.lo(), u.lo());
        t = joinIfMoved(bv, t, a.u64().hi(), u.hi(), u.hi());
        t = joinIfMoved(bv, t, a.s64().lo(), s.lo(), s.lo());
        t = joinIfMoved(bv, t, a.s64().hi(), s.hi(), s.hi());
        t = joinIfMoved(bv, t, a.u32().lo(), u32.lo(), bv.or(upper, bv.zext(u32.lo(), hw)));
        t = joinIfMoved(bv, t, a.u32().hi(), u32.hi(), bv.or(upper, bv.zext(u32.hi(), hw)));
        t = joinIfMoved(bv, t, a.s32().lo(), s32.lo(), bv.or(upper, bv.zext(s32.lo(), hw)));
        t = joinIfMoved(bv, t, a.s32().hi(), s32.hi(), bv.or(upper, bv.zext(s32.hi(), hw)));
        ScalarOf<V> r = new ScalarOf<>(t, u, s, u32, s32);
        return select(bv, isBottom(bv, a), b, select(bv, isBottom(bv, b), a, r));
    }

    /** {@code t} joined with the constant {@code member} if the bound moved from {@code before} to {@code after}. */
    private static <V, B> TnumOf<V> joinIfMoved(BitVectors<V, B> bv, TnumOf<V> t, V before, V after, V member) {
        return Tnums.select(bv, bv.eq(before, after), t, Tnums.join(bv, t, Tnums.constant(bv, member)));
    }

    /** Narrowing: each interval narrows, the tnum meets. */
    public static <V, B> ScalarOf<V> narrow(BitVectors<V, B> bv, ScalarOf<V> a, ScalarOf<V> b) {
        BitVectors<V, B> h = half(bv);
        ScalarOf<V> r = new ScalarOf<>(Tnums.meet(bv, a.tnum(), b.tnum()), URanges.narrow(bv, a.u64(), b.u64()),
            SRanges.narrow(bv, a.s64(), b.s64()), URanges.narrow(h, a.u32(), b.u32()), SRanges.narrow(h, a.s32(), b.s32()));
        return r; // an empty component stays as it is; synchronisation canonicalises bottom
    }

    /** Unsigned widening thresholds at width {@code w}, ascending: 0, 2^8-1, 2^16-1, 2^31-1, 2^32-1, max. */
    public static long[] unsignedThresholds(int w) {
        long[] candidates = {0, 0xffL, 0xffffL, 0x7fffffffL, 0xffffffffL};
        long max = LongBitVectors.mask(w);
        LongStream inRange = Arrays.stream(candidates).filter(t -> Long.compareUnsigned(t, max) < 0);
        return LongStream.concat(inRange, LongStream.of(max)).toArray();
    }

    /** Signed widening thresholds at width {@code w}, ascending (as signed numbers). */
    public static long[] signedThresholds(int w) {
        long min = LongBitVectors.signExtend(1L << (w - 1), w);
        long max = -(min + 1);
        long[] candidates = {-0x80000000L, -1, 0, 0xffL, 0xffffL, 0x7fffffffL};
        LongStream inRange = Arrays.stream(candidates).filter(t -> t > min && t < max);
        return LongStream.concat(LongStream.concat(LongStream.of(min), inRange), LongStream.of(max)).toArray();
    }
}
