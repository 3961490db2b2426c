package dev.warden.verifier.state;

import dev.warden.domains.Scalar;
import java.math.BigInteger;

/**
 * A relational fact between a value and a length known only at run time: {@code v <= k * L + c}
 * (or {@code v == k * L + c}), where {@code L} is a <em>length symbol</em> of the EIM platform (an
 * entry argument's value, or a length field of a host object as the run received it) and
 * {@code v} is the unsigned value of a number, or the offset of a host pointer. Everything is in
 * mathematical integers: no transfer may keep a fact across a wraparound (each states why it
 * cannot wrap). A symbol never changes during a run, so a fact stays true until its value changes.
 *
 * <p>This is what lets {@code for (i = 0; i < len; i++) sum += data[i];} verify against a grant of
 * {@code data[0, len)}: the branch gives {@code i <= L - 1}, the pointer {@code data + i} an offset
 * {@code <= L - 1}, and the access of one byte is inside {@code [0, L)} for every {@code L}.
 * Values that no slice concerns carry {@link #NONE}, and every operation on {@code NONE} is one
 * reference comparison, so Linux programs pay nothing for it.
 *
 * @param sym   the symbol (numbered by the platform, from 1); 0 for {@link #NONE}
 * @param least a lower bound of {@code L} in every run this state describes (a branch on the
 *              length register raises it: {@code if len == 0 goto out})
 * @param k     the multiplier, at least 1
 * @param c     the constant, may be negative
 * @param rel   {@code <=} or {@code ==}
 * @param lo    for a pointer offset, a lower bound of the mathematical offset (a pointer's interval
 *              may wrap where the fact does not); 0 and unused for a number, whose unsigned
 *              interval bounds it from below
 */
public record LengthFact(int sym, long least, long k, long c, Rel rel, long lo) {
    /** How the value relates to {@code k * L + c}. */
    public enum Rel { LE, EQ }

    /** No fact. */
    public static final LengthFact NONE = new LengthFact(0, 0, 0, 0, Rel.LE, 0);

    public LengthFact {
        if (sym != 0 && (k < 1 || least < 0)) {
            throw new IllegalArgumentException("a length fact needs k >= 1 and L >= 0: k=" + k + " least=" + least);
        }
    }

    /** {@code v == L}: the value of the length symbol itself. */
    public static LengthFact equal(int sym, long least) {
        return new LengthFact(sym, least, 1, 0, Rel.EQ, 0);
    }

    public boolean present() {
        return sym != 0;
    }

    /** The fact of a number {@code v + d}, when the caller has shown that the sum does not wrap. */
    public LengthFact plus(long d) {
        if (!present() || d == 0) {
            return this;
        }
        try {
            return new LengthFact(sym, least, k, Math.addExact(c, d), rel, lo);
        } catch (ArithmeticException e) {
            return NONE;
        }
    }

    /** The fact of a pointer offset moved by {@code d} (its lower bound moves too). */
    public LengthFact moved(long d) {
        if (!present() || d == 0) {
            return this;
        }
        try {
            return new LengthFact(sym, least, k, Math.addExact(c, d), rel, Math.addExact(lo, d));
        } catch (ArithmeticException e) {
            return NONE;
        }
    }

    /** The fact of {@code v * m} ({@code m >= 1}), when the caller has shown that the product does not wrap. */
    public LengthFact times(long m) {
        if (!present() || m == 1) {
            return this;
        }
        if (m < 1) {
            return NONE;
        }
        try {
            return new LengthFact(sym, least, Math.multiplyExact(k, m), Math.multiplyExact(c, m), rel, Math.multiplyExact(lo, m));
        } catch (ArithmeticException e) {
            return NONE;
        }
    }

    /** The same bound as an inequality ({@code v & m <= v}, {@code v >> s <= v}: the result is at most the value). */
    public LengthFact atMost() {
        return rel == Rel.LE || !present() ? this : new LengthFact(sym, least, k, c, Rel.LE, lo);
    }

    /** This fact with {@code L >= least} known (the length register was bounded from below). */
    public LengthFact withLeast(long atLeast) {
        return present() && atLeast > least ? new LengthFact(sym, atLeast, k, c, rel, lo) : this;
    }

    /** This fact for a pointer offset: its mathematical lower bound. */
    public LengthFact withLo(long l) {
        return present() ? new LengthFact(sym, least, k, c, rel, l) : this;
    }

    /** {@code k * L + c} for {@code L = at}, exactly. */
    public BigInteger boundAt(long at) {
        return BigInteger.valueOf(k).multiply(BigInteger.valueOf(at)).add(BigInteger.valueOf(c));
    }

    /**
     * Whether every value of {@code s} (unsigned) satisfies {@code v <= k * L + c} when
     * {@code L >= least}: the interval alone implies the fact (0 at a loop's entry implies
     * {@code i <= L}, since {@code L >= 0}).
     */
    public boolean impliedBy(Scalar s, long leastL) {
        if (!present() || s.isBottom()) {
            return false;
        }
        BigInteger hi = new BigInteger(Long.toUnsignedString(s.u64().hi()));
        return hi.compareTo(boundAt(leastL)) <= 0;
    }

    /** Whether a value is a number or a pointer offset (a pointer's fact also bounds it from below). */
    public enum Holder { NUMBER, POINTER }

    /**
     * The fact of a join (or, with {@code widen}, a widening, {@code a} the old value) of values
     * {@code sa} and {@code sb} with facts {@code a} and {@code b}; {@code floorA} and
     * {@code floorB} give what each state knows of a symbol's least value. A fact survives where
     * both sides have it (the weaker constant), or where one side's interval implies the other's
     * fact. A widening never gains a fact, and drops one whose constant or lower bound moved, so
     * the ascending chain stays finite (facts only weaken until they are dropped).
     */
    public static LengthFact join(LengthFact a, Scalar sa, LengthFloor floorA, LengthFact b, Scalar sb, LengthFloor floorB,
                                  Lattice.Mode mode, Holder holder) {
        if (a == b) {
            return a;
        }
        boolean widen = mode == Lattice.Mode.WIDEN;
        if (widen && !a.present()) {
            return NONE;
        }
        if (a.present() && b.present()) {
            if (a.sym != b.sym || a.k != b.k || widen && (b.c > a.c || b.lo < a.lo)) {
                return NONE;
            }
            Rel r = a.rel == Rel.EQ && b.rel == Rel.EQ && a.c == b.c ? Rel.EQ : Rel.LE;
            long l = Math.min(a.least, b.least);
            return new LengthFact(a.sym, widen && l < a.least ? 0 : l, a.k, Math.max(a.c, b.c), r, Math.min(a.lo, b.lo));
        }
        LengthFact f = a.present() ? a : b;
        Scalar other = a.present() ? sb : sa;
        long floor = (a.present() ? floorB : floorA).least(f.sym);
        if (holder == Holder.NUMBER) {
            if (!f.impliedBy(other, floor)) {
                return NONE;
            }
            long l = Math.min(f.least, floor);
            return new LengthFact(f.sym, widen && l < a.least ? 0 : l, f.k, f.c, Rel.LE, f.lo);
        }
        // A pointer without a fact: its interval is its offset, when it does not reach far.
        if (other.isBottom() || other.s64().lo() < -(1L << 40) || other.s64().hi() > (1L << 40)
                || BigInteger.valueOf(other.s64().hi()).compareTo(f.boundAt(floor)) > 0) {
            return NONE;
        }
        long l = Math.min(f.least, floor);
        long low = Math.min(f.lo, other.s64().lo());
        if (widen && low < f.lo) {
            return NONE;
        }
        return new LengthFact(f.sym, widen && l < a.least ? 0 : l, f.k, f.c, Rel.LE, low);
    }

    /** What one state knows of a symbol's least value: at least 0 (lengths are unsigned). */
    @FunctionalInterface
    public interface LengthFloor {
        LengthFloor ZERO = sym -> 0;

        long least(int sym);
    }

    @Override
    public String toString() {
        return present() ? (rel == Rel.EQ ? "==" : "<=") + (k == 1 ? "" : k + "*") + "L" + sym + (c == 0 ? "" : c > 0 ? "+" + c : Long.toString(c))
                + (least > 0 ? " (L" + sym + ">=" + least + ")" : "") : "";
    }
}
