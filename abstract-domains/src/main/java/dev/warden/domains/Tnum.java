package dev.warden.domains;

import dev.warden.isa.AluOp;

/**
 * A 64-bit tristate number: the bits set in {@code mask} are unknown, the others equal
 * {@code value}'s. Stands for every {@code x} with {@code (x & ~mask) == value}. A pair with
 * {@code value & mask != 0} stands for nothing: it is bottom (see {@link #isBottom()}).
 * The operators are those of {@link Tnums}, run with {@link LongBitVectors}.
 */
public record Tnum(long value, long mask) {

    private static final LongBitVectors BV = LongBitVectors.of(64);

    public static Tnum constant(long c) {
        return new Tnum(c, 0);
    }

    public static Tnum top() {
        return new Tnum(0, -1L);
    }

    public static Tnum bottom() {
        return of(Tnums.bottom(BV));
    }

    /** The smallest tnum holding the unsigned range {@code [lo, hi]}; bottom if {@code lo > hi} (unsigned). */
    public static Tnum fromRange(long lo, long hi) {
        return of(Tnums.fromRange(BV, lo, hi));
    }

    static Tnum of(TnumOf<Long> t) {
        return new Tnum(t.value(), t.mask());
    }

    TnumOf<Long> generic() {
        return new TnumOf<>(value, mask);
    }

    public boolean isBottom() {
        return (value & mask) != 0;
    }

    public boolean isConstant() {
        return !isBottom() && mask == 0;
    }

    /** The smallest member, unsigned (the range a tnum converts to is {@code [umin, umax]}). */
    public long umin() {
        return Tnums.umin(BV, generic());
    }

    /** The largest member, unsigned. */
    public long umax() {
        return Tnums.umax(BV, generic());
    }

    /** The smallest member, signed. */
    public long smin() {
        return Tnums.smin(BV, generic());
    }

    /** The largest member, signed. */
    public long smax() {
        return Tnums.smax(BV, generic());
    }

    public boolean contains(long x) {
        return Tnums.contains(BV, generic(), x);
    }

    public Tnum join(Tnum o) {
        return of(Tnums.join(BV, generic(), o.generic()));
    }

    public Tnum meet(Tnum o) {
        return of(Tnums.meet(BV, generic(), o.generic()));
    }

    /** γ(this) ⊆ γ(o). */
    public boolean leq(Tnum o) {
        return Tnums.leq(BV, generic(), o.generic());
    }

    /**
     * {@code this op src} as a 64-bit ALU operation (for 32-bit ones use {@link Scalar}); an
     * operand the operation does not read is ignored, even when it is bottom.
     */
    public Tnum alu(AluOp op, Tnum src) {
        boolean bottomRead = switch (Operation.operandsOf(op)) {
            case BINARY -> isBottom() || src.isBottom();
            case DST -> isBottom();
            case SRC -> src.isBottom();
        };
        if (bottomRead) {
            return bottom();
        }
        return of(Tnums.apply(BV, op, generic(), src.generic()));
    }

    /** The byte-order operation {@code op} on this tnum; exact. */
    public Tnum byteOrder(ByteOrderOp op) {
        return isBottom() ? bottom() : of(Tnums.byteOrder(BV, op, generic()));
    }

    @Override
    public String toString() {
        if (isBottom()) {
            return "⊥";
        }
        return mask == 0 ? "0x" + Long.toHexString(value)
            : "(0x" + Long.toHexString(value) + "; 0x" + Long.toHexString(mask) + ")";
    }
}
