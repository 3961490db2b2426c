package dev.warden.domains;

/**
 * Unsigned bounds {@code [lo, hi]} (compared with {@link Long#compareUnsigned}); a 32-bit one
 * holds values in {@code [0, 2^32)}. Empty when {@code lo > hi}.
 */
public record UInterval(long lo, long hi) {

    public boolean isBottom() {
        return Long.compareUnsigned(lo, hi) > 0;
    }

    /** Whether both bounds lie in {@code [0, 2^32)}: what a 32-bit interval ({@link Scalar#u32()}) must satisfy. */
    public boolean fitsIn32Bits() {
        return (lo >>> 32) == 0 && (hi >>> 32) == 0;
    }

    public boolean contains(long x) {
        return Long.compareUnsigned(lo, x) <= 0 && Long.compareUnsigned(x, hi) <= 0;
    }

    @Override
    public String toString() {
        return isBottom() ? "⊥" : "[" + Long.toUnsignedString(lo) + ", " + Long.toUnsignedString(hi) + "]";
    }
}
