package dev.warden.domains;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the verifier knows about a 64-bit scalar register: the reduced product of a {@link Tnum}
 * and unsigned/signed bounds on the whole register ({@code u64}, {@code s64}) and on its low 32
 * bits ({@code u32}, {@code s32}). Every value made by this class's operations is synchronised
 * (each component as tight as the others allow, see {@link Scalars#syncStep}); an empty
 * component makes the whole value {@link #bottom()}.
 *
 * <p>The operators are those of {@link Scalars}, run with {@link LongBitVectors}; their soundness
 * is proved with Z3 in {@code smt-encoding}.
 */
public record Scalar(Tnum tnum, UInterval u64, SInterval s64, UInterval u32, SInterval s32) {

    private static final LongBitVectors BV = LongBitVectors.of(64);

    /**
     * Which code the operations run: {@link FastScalars} (primitive longs, the default) or, with
     * {@code -Dwarden.domains=generic}, the generic operators on boxed longs. The two are equal
     * (FastScalarsAgreeWithGenericTest); the switch exists to measure the difference and to rule
     * the specialisation out when chasing a bug.
     */
    static final Implementation IMPLEMENTATION =
        "generic".equals(System.getProperty("warden.domains")) ? Implementation.GENERIC : Implementation.FAST;

    /** See {@link #IMPLEMENTATION}. */
    enum Implementation { FAST, GENERIC }
    private static final Scalar TOP = of(Scalars.top(BV));
    private static final Scalar BOTTOM = of(Scalars.bottom(BV));

    /**
     * @throws IllegalArgumentException if a bound of {@code u32} is outside {@code [0, 2^32)} or one
     *     of {@code s32} outside {@code [-2^31, 2^31)} (it would otherwise be truncated silently)
     */
    public Scalar {
        Objects.requireNonNull(tnum);
        Objects.requireNonNull(u64);
        Objects.requireNonNull(s64);
        Objects.requireNonNull(u32);
        Objects.requireNonNull(s32);
        if (!u32.fitsIn32Bits()) {
            throw new IllegalArgumentException("u32 bounds must lie in [0, 2^32), got " + u32);
        }
        if (!s32.fitsIn32Bits()) {
            throw new IllegalArgumentException("s32 bounds must lie in [-2^31, 2^31) (sign-extended), got " + s32);
        }
    }

    public static Scalar top() {
        return TOP;
    }

    public static Scalar bottom() {
        return BOTTOM;
    }

    public static Scalar constant(long c) {
        return of(Scalars.constant(BV, c));
    }

    /** Every value in the unsigned range {@code [lo, hi]}. */
    public static Scalar unsignedRange(long lo, long hi) {
        ScalarOf<Long> t = Scalars.top(BV);
        return of(new ScalarOf<>(t.tnum(), new RangeOf<>(lo, hi), t.s64(), t.u32(), t.s32())).sync();
    }

    /** Every value in the signed range {@code [lo, hi]}. */
    public static Scalar signedRange(long lo, long hi) {
        ScalarOf<Long> t = Scalars.top(BV);
        return of(new ScalarOf<>(t.tnum(), t.u64(), new RangeOf<>(lo, hi), t.u32(), t.s32())).sync();
    }

    /** Every value the tnum allows. */
    public static Scalar fromTnum(Tnum tn) {
        ScalarOf<Long> t = Scalars.top(BV);
        return of(new ScalarOf<>(tn.generic(), t.u64(), t.s64(), t.u32(), t.s32())).sync();
    }

    /** Converts from the generic form: 32-bit signed bounds are sign-extended into the longs. */
    static Scalar of(ScalarOf<Long> g) {
        return new Scalar(Tnum.of(g.tnum()), new UInterval(g.u64().lo(), g.u64().hi()),
            new SInterval(g.s64().lo(), g.s64().hi()), new UInterval(g.u32().lo(), g.u32().hi()),
            new SInterval(LongBitVectors.signExtend(g.s32().lo(), 32), LongBitVectors.signExtend(g.s32().hi(), 32)));
    }

    /** The generic form: 32-bit values truncated to 32 bits. */
    ScalarOf<Long> generic() {
        return new ScalarOf<>(tnum.generic(), new RangeOf<>(u64.lo(), u64.hi()), new RangeOf<>(s64.lo(), s64.hi()),
            new RangeOf<>(LongBitVectors.truncate(u32.lo(), 32), LongBitVectors.truncate(u32.hi(), 32)),
            new RangeOf<>(LongBitVectors.truncate(s32.lo(), 32), LongBitVectors.truncate(s32.hi(), 32)));
    }

    public boolean isBottom() {
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.isBottom(FastScalars.of(this));
        }
        return Scalars.isBottom(BV, generic());
    }

    /** Exactly one value (after synchronisation the tnum knows it whenever any bound does). */
    public boolean isConstant() {
        return !isBottom() && tnum.isConstant();
    }

    public OptionalLong constantValue() {
        return isConstant() ? OptionalLong.of(tnum.value()) : OptionalLong.empty();
    }

    public boolean contains(long x) {
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.contains(FastScalars.of(this), x);
        }
        return Scalars.contains(BV, generic(), x);
    }

    /**
     * Synchronisation: {@link Scalars#syncStep} until nothing changes. Each step only shrinks
     * components, so this terminates; stopping at a fixpoint makes it idempotent.
     */
    public Scalar sync() {
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.scalar(FastScalars.sync(FastScalars.of(this)));
        }
        return of(Scalars.syncToFixpoint(BV, generic()));
    }

    /**
     * {@code this op src} at {@code width} (32: on the low halves, result zero-extended). For
     * operations of one operand ({@link Operation#operandsOf}: {@code NEG} reads only this value,
     * the moves only {@code src}) the other is ignored, even when it is bottom; an operand that is
     * read and bottom makes the result bottom.
     */
    public Scalar alu(AluOp op, Width width, Scalar src) {
        boolean bottomRead = switch (Operation.operandsOf(op)) {
            case BINARY -> isBottom() || src.isBottom();
            case DST -> isBottom();
            case SRC -> src.isBottom();
        };
        if (bottomRead) {
            return BOTTOM;
        }
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.scalar(FastScalars.sync(FastScalars.alu(op, width, FastScalars.of(this), FastScalars.of(src))));
        }
        return of(Scalars.alu(BV, op, width, generic(), src.generic())).sync();
    }

    /** The byte-order operation {@code op} on this value (an {@code Endian} instruction's dst). */
    public Scalar byteOrder(ByteOrderOp op) {
        if (isBottom()) {
            return BOTTOM;
        }
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.scalar(FastScalars.sync(FastScalars.byteOrder(op, FastScalars.of(this))));
        }
        return of(Scalars.byteOrder(BV, op, generic())).sync();
    }

    public Scalar join(Scalar o) {
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.scalar(FastScalars.sync(FastScalars.join(FastScalars.of(this), FastScalars.of(o))));
        }
        return of(Scalars.join(BV, generic(), o.generic())).sync();
    }

    public Scalar meet(Scalar o) {
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.scalar(FastScalars.sync(FastScalars.meet(FastScalars.of(this), FastScalars.of(o))));
        }
        return of(Scalars.meet(BV, generic(), o.generic())).sync();
    }

    /**
     * Widening with thresholds ({@link Scalars#widen}), synchronised. The widening also widens the
     * tnum to hold every interval bound it moved, so the synchronisation cannot pull those bounds
     * back; the result is synchronised already, and later joins and syncs stay above it (the
     * loop-like chains of {@code ApiTrapsTest} stabilise within the number of thresholds).
     */
    public Scalar widen(Scalar o) {
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.scalar(FastScalars.sync(FastScalars.widen(FastScalars.of(this), FastScalars.of(o))));
        }
        return of(Scalars.widen(BV, generic(), o.generic())).sync();
    }

    public Scalar narrow(Scalar o) {
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.scalar(FastScalars.sync(FastScalars.narrow(FastScalars.of(this), FastScalars.of(o))));
        }
        return of(Scalars.narrow(BV, generic(), o.generic())).sync();
    }

    /** Componentwise order: sound ({@code leq} implies γ inclusion), not complete. */
    public boolean leq(Scalar o) {
        if (IMPLEMENTATION == Implementation.FAST) {
            return FastScalars.leq(FastScalars.of(this), FastScalars.of(o));
        }
        return Scalars.leq(BV, generic(), o.generic());
    }

    @Override
    public String toString() {
        if (isBottom()) {
            return "⊥";
        }
        if (isConstant()) {
            return Long.toString(tnum.value());
        }
        return "{tnum=" + tnum + ", u64=" + u64 + ", s64=" + s64 + ", u32=" + u32 + ", s32=" + s32 + "}";
    }
}
