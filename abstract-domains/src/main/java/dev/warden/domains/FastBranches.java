package dev.warden.domains;

import dev.warden.domains.FastScalars.R;
import dev.warden.domains.FastScalars.S;
import dev.warden.domains.FastScalars.Sr;
import dev.warden.domains.FastScalars.T;
import dev.warden.domains.FastScalars.Tn;
import dev.warden.domains.FastScalars.Ur;
import dev.warden.isa.Width;

/**
 * {@link Branches#refine} specialised to primitive {@code long}s (see {@link FastScalars} for
 * why, and for the test that keeps the two equal).
 */
final class FastBranches {

    private FastBranches() {}

    /** The four operands after the branch, unsynchronised, as {@link Branches.Edges}. */
    record Edges(S takenDst, S takenSrc, S fallDst, S fallSrc) {}

    /** A tnum, an unsigned and a signed range of one width. */
    private record View(T t, R u, R s) {}

    private record Pair(View a, View b) {}

    private static View view(Width width, S a) {
        return width == Width.W64 ? new View(a.t(), a.u(), a.s()) : new View(Tn.low(a.t(), 32), a.u32(), a.s32());
    }

    private static S store(Width width, S a, View v) {
        if (width == Width.W64) {
            return new S(v.t(), v.u(), v.s(), a.u32(), a.s32());
        }
        return new S(Tn.meet(a.t(), Tn.withLow(v.t(), 32, 64)), a.u(), a.s(), v.u(), v.s());
    }

    private static View bottomView(int w) {
        return new View(Tn.BOTTOM, Ur.bottom(w), Sr.bottom(w));
    }

    private static Pair refine(Branches.Rel rel, View a, View b, int w) {
        long ones = FastScalars.mask(w);
        return switch (rel) {
            case EQ -> {
                View m = new View(Tn.meet(a.t(), b.t()), Ur.meet(a.u(), b.u(), w), Sr.meet(a.s(), b.s(), w));
                yield new Pair(m, m);
            }
            case NE -> new Pair(excludeIfConstant(a, b, w), excludeIfConstant(b, a, w));
            case ULT -> new Pair(
                new View(a.t(), b.u().hi() == 0 ? Ur.bottom(w) : Ur.meet(a.u(), new R(0, FastScalars.t(b.u().hi() - 1, w)), w), a.s()),
                new View(b.t(), a.u().lo() == ones ? Ur.bottom(w)
                    : Ur.meet(b.u(), new R(FastScalars.t(a.u().lo() + 1, w), ones), w), b.s()));
            case ULE -> new Pair(
                new View(a.t(), Ur.meet(a.u(), new R(0, b.u().hi()), w), a.s()),
                new View(b.t(), Ur.meet(b.u(), new R(a.u().lo(), ones), w), b.s()));
            case SLT -> new Pair(
                new View(a.t(), a.u(), b.s().hi() == FastScalars.minS(w) ? Sr.bottom(w)
                    : Sr.meet(a.s(), new R(FastScalars.minS(w), FastScalars.t(b.s().hi() - 1, w)), w)),
                new View(b.t(), b.u(), a.s().lo() == FastScalars.maxS(w) ? Sr.bottom(w)
                    : Sr.meet(b.s(), new R(FastScalars.t(a.s().lo() + 1, w), FastScalars.maxS(w)), w)));
            case SLE -> new Pair(
                new View(a.t(), a.u(), Sr.meet(a.s(), new R(FastScalars.minS(w), b.s().hi()), w)),
                new View(b.t(), b.u(), Sr.meet(b.s(), new R(a.s().lo(), FastScalars.maxS(w)), w)));
            case SET -> {
                boolean disjoint = ((a.t().v() | a.t().m()) & (b.t().v() | b.t().m())) == 0;
                yield disjoint ? new Pair(bottomView(w), bottomView(w)) : new Pair(setsBitOf(a, b, w), setsBitOf(b, a, w));
            }
            case NSET -> {
                boolean overlap = (a.t().v() & b.t().v()) != 0;
                yield overlap ? new Pair(bottomView(w), bottomView(w)) : new Pair(clearsBitsOf(a, b, w), clearsBitsOf(b, a, w));
            }
        };
    }

    private static View excludeIfConstant(View a, View other, int w) {
        if (other.t().m() != 0) {
            return a;
        }
        long c = other.t().v();
        R u = a.u();
        R uExcl = u.lo() == c && u.hi() == c ? Ur.bottom(w)
            : u.lo() == c ? new R(FastScalars.t(u.lo() + 1, w), u.hi())
            : u.hi() == c ? new R(u.lo(), FastScalars.t(u.hi() - 1, w)) : u;
        R s = a.s();
        R sExcl = s.lo() == c && s.hi() == c ? Sr.bottom(w)
            : s.lo() == c ? new R(FastScalars.t(s.lo() + 1, w), s.hi())
            : s.hi() == c ? new R(s.lo(), FastScalars.t(s.hi() - 1, w)) : s;
        long m = a.t().m();
        boolean oneUnknownBit = m != 0 && (m & FastScalars.t(m - 1, w)) == 0;
        T t = oneUnknownBit && (c & ~m) == a.t().v() ? new T(c ^ m, 0) : a.t();
        return new View(t, uExcl, sExcl);
    }

    /** {@code Branches.setsBitOf}. */
    private static View setsBitOf(View a, View other, int w) {
        long candidates = (a.t().v() | a.t().m()) & (other.t().v() | other.t().m());
        boolean single = candidates != 0 && (candidates & FastScalars.t(candidates - 1, w)) == 0;
        T t = single ? Tn.meet(a.t(), new T(candidates, FastScalars.t(~candidates, w))) : a.t();
        long lowest = candidates & FastScalars.t(-candidates, w);
        return new View(t, Ur.meet(a.u(), new R(lowest, FastScalars.mask(w)), w), a.s());
    }

    /** {@code Branches.clearsBitsOf}. */
    private static View clearsBitsOf(View a, View other, int w) {
        return new View(Tn.meet(a.t(), new T(0, FastScalars.t(~other.t().v(), w))), a.u(), a.s());
    }

    private static Pair apply(Branches.Oriented o, View dst, View src, int w) {
        if (o.swapped()) {
            Pair p = refine(o.rel(), src, dst, w);
            return new Pair(p.b(), p.a());
        }
        return refine(o.rel(), dst, src, w);
    }

    /** Both edges of {@code if dst COND src} at {@code width}, unsynchronised. */
    static Edges refine(Cond c, Width width, S dst, S src) {
        int w = width == Width.W64 ? 64 : 32;
        View d = view(width, dst);
        View s = view(width, src);
        Pair taken = apply(Branches.taken(c), d, s, w);
        Pair fall = apply(Branches.fallThrough(c), d, s, w);
        return new Edges(store(width, dst, taken.a()), store(width, src, taken.b()),
            store(width, dst, fall.a()), store(width, src, fall.b()));
    }
}
