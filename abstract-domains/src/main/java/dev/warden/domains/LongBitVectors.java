package dev.warden.domains;

/**
 * {@link BitVectors} over Java {@code long}s: a value of width {@code w} is held zero-extended
 * (its bits above {@code w} are clear), booleans are {@code Boolean}s. This is the arithmetic the
 * verifier runs.
 *
 * <p>Parameters are boxed {@code Long}s: every method unboxes before comparing, because
 * {@code ==} on two {@code Long} objects compares references, not values.
 */
public final class LongBitVectors implements BitVectors<Long, Boolean> {

    private static final LongBitVectors[] CACHE = new LongBitVectors[65];

    static {
        for (int w = 1; w <= 64; w++) {
            CACHE[w] = new LongBitVectors(w);
        }
    }

    private final int width;
    private final long mask;

    private LongBitVectors(int width) {
        this.width = width;
        // 1L << 64 == 1 in Java (the shift count is taken mod 64), hence the special case.
        this.mask = width == 64 ? -1L : (1L << width) - 1;
    }

    /** The algebra of {@code width}-bit vectors, 1..64. */
    public static LongBitVectors of(int width) {
        if (width < 1 || width > 64) {
            throw new IllegalArgumentException("bit-vector width must be 1..64, got " + width);
        }
        return CACHE[width];
    }

    /** All ones at {@code width} bits. */
    public static long mask(int width) {
        return of(width).mask;
    }

    /** {@code x} truncated to {@code width} bits (zero-extended representation). */
    public static long truncate(long x, int width) {
        return x & mask(width);
    }

    /** The low {@code width} bits of {@code x} read as a signed number. */
    public static long signExtend(long x, int width) {
        int s = 64 - width; // width 64: shifting by 0 is the identity, as wanted
        return (x << s) >> s;
    }

    private long t(long x) { return x & mask; }

    private long s(long x) { return signExtend(x, width); }

    /** Whether the shift amount is at least the width (unsigned comparison). */
    private boolean tooFar(long amount) { return Long.compareUnsigned(amount, width) >= 0; }

    @Override public int width() { return width; }
    @Override public LongBitVectors withWidth(int bits) { return of(bits); }
    @Override public Long num(long c) { return t(c); }
    @Override public Boolean bool(boolean b) { return b; }

    @Override public Long add(Long a, Long b) { return t(a + b); }
    @Override public Long sub(Long a, Long b) { return t(a - b); }
    @Override public Long mul(Long a, Long b) { return t(a * b); }
    @Override public Long neg(Long a) { return t(-a); }
    @Override public Long and(Long a, Long b) { return a & b; }
    @Override public Long or(Long a, Long b) { return a | b; }
    @Override public Long xor(Long a, Long b) { return a ^ b; }
    @Override public Long not(Long a) { return t(~a); }

    @Override public Long shl(Long a, Long s) {
        long k = s;
        return tooFar(k) ? 0L : t(a << k);
    }

    @Override public Long lshr(Long a, Long s) {
        long k = s;
        return tooFar(k) ? 0L : a >>> k;
    }

    @Override public Long ashr(Long a, Long s) {
        long k = s;
        long v = s(a);
        return tooFar(k) ? t(v >> 63) : t(v >> k);
    }

    @Override public Long udiv(Long a, Long b) {
        long d = b;
        return d == 0 ? mask : Long.divideUnsigned(a, d);
    }

    @Override public Long urem(Long a, Long b) {
        long d = b;
        return d == 0 ? a : Long.remainderUnsigned(a, d);
    }

    @Override public Long sdiv(Long a, Long b) {
        long n = s(a);
        long d = s(b);
        if (d == 0) {
            return n < 0 ? 1L : mask;
        }
        // Long.MIN_VALUE / -1 == Long.MIN_VALUE in Java (no exception), as in SMT-LIB.
        return t(n / d);
    }

    @Override public Long srem(Long a, Long b) {
        long n = s(a);
        long d = s(b);
        return d == 0 ? a : t(n % d); // Java's % takes the sign of the dividend, like bvsrem
    }

    @Override public Boolean eq(Long a, Long b) { return a.longValue() == b.longValue(); }
    @Override public Boolean ult(Long a, Long b) { return Long.compareUnsigned(a, b) < 0; }
    @Override public Boolean ule(Long a, Long b) { return Long.compareUnsigned(a, b) <= 0; }
    @Override public Boolean slt(Long a, Long b) { return s(a) < s(b); }
    @Override public Boolean sle(Long a, Long b) { return s(a) <= s(b); }

    @Override public Boolean umulOverflow(Long a, Long b) {
        long x = a;
        long y = b;
        long lo = x * y;
        boolean over64 = Math.unsignedMultiplyHigh(x, y) != 0;
        return width == 64 ? over64 : over64 || (lo >>> width) != 0;
    }

    @Override public Boolean smulOverflow(Long a, Long b) {
        long x = s(a);
        long y = s(b);
        long lo = x * y;
        boolean over64 = Math.multiplyHigh(x, y) != (lo >> 63);
        return width == 64 ? over64 : over64 || lo != signExtend(lo, width);
    }

    @Override public Boolean both(Boolean a, Boolean b) { return a && b; }
    @Override public Boolean either(Boolean a, Boolean b) { return a || b; }
    @Override public Boolean negate(Boolean a) { return !a; }
    @Override public Boolean iff(Boolean a, Boolean b) { return a.booleanValue() == b.booleanValue(); }
    @Override public Long ite(Boolean c, Long t, Long e) { return c ? t : e; }

    @Override public Long low(Long a, int bits) { return truncate(a, bits); }
    @Override public Long zext(Long a, int fromBits) { return t(truncate(a, fromBits)); }
    @Override public Long sext(Long a, int fromBits) { return t(signExtend(a, fromBits)); }

    @Override public String toString() { return "LongBitVectors[" + width + "]"; }
}
