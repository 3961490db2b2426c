package dev.warden.domains;

import dev.warden.isa.Width;

/**
 * Branch refinement for {@code if dst COND src}, generic over {@link BitVectors}: what each edge
 * of the branch implies about both operands. Unsynchronised: {@link BranchRefinement} synchronises
 * the results and reads the verdict off them.
 */
public final class Branches {

    private Branches() {}

    /** The four operands after the branch: on the taken edge and on the fall-through edge. */
    public record Edges<V>(ScalarOf<V> takenDst, ScalarOf<V> takenSrc, ScalarOf<V> fallDst, ScalarOf<V> fallSrc) {}

    /** The relations refinement works with: the conditions, their negations, operands in order. */
    enum Rel { EQ, NE, ULT, ULE, SLT, SLE, SET, NSET }

    /** A relation and whether it applies to (src, dst) rather than (dst, src). */
    record Oriented(Rel rel, boolean swapped) {}

    static Oriented taken(Cond c) {
        return switch (c) {
            case EQ -> new Oriented(Rel.EQ, false);
            case NE -> new Oriented(Rel.NE, false);
            case GT -> new Oriented(Rel.ULT, true);
            case GE -> new Oriented(Rel.ULE, true);
            case LT -> new Oriented(Rel.ULT, false);
            case LE -> new Oriented(Rel.ULE, false);
            case SET -> new Oriented(Rel.SET, false);
            case SGT -> new Oriented(Rel.SLT, true);
            case SGE -> new Oriented(Rel.SLE, true);
            case SLT -> new Oriented(Rel.SLT, false);
            case SLE -> new Oriented(Rel.SLE, false);
        };
    }

    static Oriented fallThrough(Cond c) {
        return switch (c) {
            case EQ -> new Oriented(Rel.NE, false);
            case NE -> new Oriented(Rel.EQ, false);
            case GT -> new Oriented(Rel.ULE, false);
            case GE -> new Oriented(Rel.ULT, false);
            case LT -> new Oriented(Rel.ULE, true);
            case LE -> new Oriented(Rel.ULT, true);
            case SET -> new Oriented(Rel.NSET, false);
            case SGT -> new Oriented(Rel.SLE, false);
            case SGE -> new Oriented(Rel.SLT, false);
            case SLT -> new Oriented(Rel.SLE, true);
            case SLE -> new Oriented(Rel.SLT, true);
        };
    }

    /** Whether {@code dst COND src} holds, at the given width (32: on the low halves). */
    public static <V, B> B holds(BitVectors<V, B> bv, Cond c, Width width, V dst, V src) {
        if (width == Width.W32) {
            int h = bv.width() / 2;
            return holds(bv.withWidth(h), c, Width.W64, bv.low(dst, h), bv.low(src, h));
        }
        return switch (c) {
            case EQ -> bv.eq(dst, src);
            case NE -> bv.ne(dst, src);
            case GT -> bv.ult(src, dst);
            case GE -> bv.ule(src, dst);
            case LT -> bv.ult(dst, src);
            case LE -> bv.ule(dst, src);
            case SET -> bv.ne(bv.and(dst, src), bv.zero());
            case SGT -> bv.slt(src, dst);
            case SGE -> bv.sle(src, dst);
            case SLT -> bv.slt(dst, src);
            case SLE -> bv.sle(dst, src);
        };
    }

    /** A tnum, an unsigned and a signed range of one width: what a comparison at that width sees. */
    private record View<V>(TnumOf<V> t, RangeOf<V> u, RangeOf<V> s) {}

    private static <V, B> View<V> view(BitVectors<V, B> bv, Width width, ScalarOf<V> a) {
        return width == Width.W64 ? new View<>(a.tnum(), a.u64(), a.s64())
            : new View<>(Tnums.low(bv, a.tnum(), bv.width() / 2), a.u32(), a.s32());
    }

    private static <V, B> ScalarOf<V> store(BitVectors<V, B> bv, Width width, ScalarOf<V> a, View<V> v) {
        if (width == Width.W64) {
            return new ScalarOf<>(v.t(), v.u(), v.s(), a.u32(), a.s32());
        }
        int hw = bv.width() / 2;
        return new ScalarOf<>(Tnums.meet(bv, a.tnum(), Tnums.withLow(bv, v.t(), hw)), a.u64(), a.s64(), v.u(), v.s());
    }

    private static <V, B> View<V> bottomView(BitVectors<V, B> bv) {
        return new View<>(Tnums.bottom(bv), URanges.bottom(bv), SRanges.bottom(bv));
    }

    private static <V, B> View<V> select(BitVectors<V, B> bv, B c, View<V> t, View<V> e) {
        return new View<>(Tnums.select(bv, c, t.t(), e.t()), URanges.select(bv, c, t.u(), e.u()), URanges.select(bv, c, t.s(), e.s()));
    }

    /** The pair after a branch edge on which {@code rel} holds between {@code a} and {@code b}. */
    private record Pair<V>(View<V> a, View<V> b) {}

    private static <V, B> Pair<V> refine(BitVectors<V, B> bv, Rel rel, View<V> a, View<V> b) {
        V zero = bv.zero();
        V one = bv.num(1);
        return switch (rel) {
            case EQ -> {
                View<V> m = new View<>(Tnums.meet(bv, a.t(), b.t()), URanges.meet(bv, a.u(), b.u()), SRanges.meet(bv, a.s(), b.s()));
                yield new Pair<>(m, m);
            }
            case NE -> new Pair<>(excludeIfConstant(bv, a, b), excludeIfConstant(bv, b, a));
            case ULT -> new Pair<>(
                new View<>(a.t(), URanges.select(bv, bv.eq(b.u().hi(), zero), URanges.bottom(bv),
                    URanges.meet(bv, a.u(), new RangeOf<>(zero, bv.sub(b.u().hi(), one)))), a.s()),
                new View<>(b.t(), URanges.select(bv, bv.eq(a.u().lo(), bv.ones()), URanges.bottom(bv),
                    URanges.meet(bv, b.u(), new RangeOf<>(bv.add(a.u().lo(), one), bv.ones()))), b.s()));
            case ULE -> new Pair<>(
                new View<>(a.t(), URanges.meet(bv, a.u(), new RangeOf<>(zero, b.u().hi())), a.s()),
                new View<>(b.t(), URanges.meet(bv, b.u(), new RangeOf<>(a.u().lo(), bv.ones())), b.s()));
            case SLT -> new Pair<>(
                new View<>(a.t(), a.u(), URanges.select(bv, bv.eq(b.s().hi(), bv.minSigned()), SRanges.bottom(bv),
                    SRanges.meet(bv, a.s(), new RangeOf<>(bv.minSigned(), bv.sub(b.s().hi(), one))))),
                new View<>(b.t(), b.u(), URanges.select(bv, bv.eq(a.s().lo(), bv.maxSigned()), SRanges.bottom(bv),
                    SRanges.meet(bv, b.s(), new RangeOf<>(bv.add(a.s().lo(), one), bv.maxSigned())))));
            case SLE -> new Pair<>(
                new View<>(a.t(), a.u(), SRanges.meet(bv, a.s(), new RangeOf<>(bv.minSigned(), b.s().hi()))),
                new View<>(b.t(), b.u(), SRanges.meet(bv, b.s(), new RangeOf<>(a.s().lo(), bv.maxSigned()))));
            case SET -> {
                // No bit can be set in both: never taken.
                B disjoint = bv.eq(bv.and(Tnums.umax(bv, a.t()), Tnums.umax(bv, b.t())), zero);
                Pair<V> p = new Pair<>(setsBitOf(bv, a, b), setsBitOf(bv, b, a));
                yield new Pair<>(select(bv, disjoint, bottomView(bv), p.a()), select(bv, disjoint, bottomView(bv), p.b()));
            }
            case NSET -> {
                // A bit known set in both: never falls through.
                B overlap = bv.ne(bv.and(a.t().value(), b.t().value()), zero);
                Pair<V> p = new Pair<>(clearsBitsOf(bv, a, b), clearsBitsOf(bv, b, a));
                yield new Pair<>(select(bv, overlap, bottomView(bv), p.a()), select(bv, overlap, bottomView(bv), p.b()));
            }
        };
    }

    /**
     * {@code a != c} where {@code c} is constant: a bound equal to {@code c} moves by one (at either
     * end), and a tnum with one unknown bit that holds {@code c} keeps only its other member.
     */
    private static <V, B> View<V> excludeIfConstant(BitVectors<V, B> bv, View<V> a, View<V> other) {
        B isConst = bv.eq(other.t().mask(), bv.zero());
        V c = other.t().value();
        V m = a.t().mask();
        B oneUnknownBit = bv.both(bv.ne(m, bv.zero()), bv.eq(bv.and(m, bv.sub(m, bv.num(1))), bv.zero()));
        TnumOf<V> t = Tnums.select(bv, bv.both(oneUnknownBit, Tnums.contains(bv, a.t(), c)), Tnums.constant(bv, bv.xor(c, m)), a.t());
        return select(bv, isConst, new View<>(t, excludeU(bv, a.u(), c), excludeS(bv, a.s(), c)), a);
    }

    /** The unsigned range without {@code c}: a bound equal to it moves by one; empty if it was {@code [c, c]}. */
    static <V, B> RangeOf<V> excludeU(BitVectors<V, B> bv, RangeOf<V> u, V c) {
        V one = bv.num(1);
        return URanges.select(bv, bv.both(bv.eq(u.lo(), c), bv.eq(u.hi(), c)), URanges.bottom(bv),
            URanges.select(bv, bv.eq(u.lo(), c), new RangeOf<>(bv.add(u.lo(), one), u.hi()),
                URanges.select(bv, bv.eq(u.hi(), c), new RangeOf<>(u.lo(), bv.sub(u.hi(), one)), u)));
    }

    /** The signed range without {@code c} (see {@link #excludeU}). */
    static <V, B> RangeOf<V> excludeS(BitVectors<V, B> bv, RangeOf<V> s, V c) {
        V one = bv.num(1);
        return URanges.select(bv, bv.both(bv.eq(s.lo(), c), bv.eq(s.hi(), c)), SRanges.bottom(bv),
            URanges.select(bv, bv.eq(s.lo(), c), new RangeOf<>(bv.add(s.lo(), one), s.hi()),
                URanges.select(bv, bv.eq(s.hi(), c), new RangeOf<>(s.lo(), bv.sub(s.hi(), one)), s)));
    }

    /**
     * {@code a & b != 0}: some bit that may be set in both is set in {@code a}. When exactly one
     * such bit exists it is known set; in any case {@code a} is at least the lowest of them.
     * (The kernel refines only a single-bit constant {@code b}.)
     */
    private static <V, B> View<V> setsBitOf(BitVectors<V, B> bv, View<V> a, View<V> other) {
        V candidates = bv.and(Tnums.umax(bv, a.t()), Tnums.umax(bv, other.t()));
        B single = bv.both(bv.ne(candidates, bv.zero()), bv.eq(bv.and(candidates, bv.sub(candidates, bv.num(1))), bv.zero()));
        TnumOf<V> t = Tnums.select(bv, single, Tnums.meet(bv, a.t(), new TnumOf<>(candidates, bv.not(candidates))), a.t());
        V lowest = bv.and(candidates, bv.neg(candidates));
        RangeOf<V> u = URanges.meet(bv, a.u(), new RangeOf<>(lowest, bv.ones()));
        return new View<>(t, u, a.s());
    }

    /** {@code a & b == 0}: every bit known set in {@code b} is clear in {@code a} (for a constant, every bit of it). */
    private static <V, B> View<V> clearsBitsOf(BitVectors<V, B> bv, View<V> a, View<V> other) {
        return new View<>(Tnums.meet(bv, a.t(), new TnumOf<>(bv.zero(), bv.not(other.t().value()))), a.u(), a.s());
    }

    /** Both edges of {@code if dst COND src} at {@code width}, unsynchronised. */
    public static <V, B> Edges<V> refine(BitVectors<V, B> bv, Cond c, Width width, ScalarOf<V> dst, ScalarOf<V> src) {
        BitVectors<V, B> vb = width == Width.W64 ? bv : bv.withWidth(bv.width() / 2);
        View<V> d = view(bv, width, dst);
        View<V> s = view(bv, width, src);
        Pair<V> taken = apply(vb, taken(c), d, s);
        Pair<V> fall = apply(vb, fallThrough(c), d, s);
        return new Edges<>(store(bv, width, dst, taken.a()), store(bv, width, src, taken.b()),
            store(bv, width, dst, fall.a()), store(bv, width, src, fall.b()));
    }

    private static <V, B> Pair<V> apply(BitVectors<V, B> bv, Oriented o, View<V> dst, View<V> src) {
        if (o.swapped()) {
            Pair<V> p = refine(bv, o.rel(), src, dst);
            return new Pair<>(p.b(), p.a());
        }
        return refine(bv, o.rel(), dst, src);
    }
}
