package dev.warden.domains;

/**
 * Signed bounds {@code [lo, hi]}; a 32-bit one holds values in {@code [-2^31, 2^31)},
 * sign-extended into the {@code long}s. Empty when {@code lo > hi}.
 */
public record SInterval(long lo, long hi) {

    public boolean isBottom() {
        return lo > hi;
    }

    /** Whether both bounds lie in {@code [-2^31, 2^31)}: what a 32-bit interval ({@link Scalar#s32()}) must satisfy. */
    public boolean fitsIn32Bits() {
        return lo == (int) lo && hi == (int) hi;
    }

    public boolean contains(long x) {
        return lo <= x && x <= hi;
    }

    @Override
    public String toString() {
        return isBottom() ? "⊥" : "[" + lo + ", " + hi + "]";
    }
}
