package dev.warden.domains;

/**
 * Signed bounds {@code [lo, hi]}; a 32-bit one holds values in {@code [-2^31, 2^31)},
 * sign-extended into the {@code long}s. Empty when {@code lo > hi}.
 */
public record SInterval(long lo, long hi) {

    public boolean isBottom() {
        return lo > hi;
    }

    public boolean contains(long x) {
        return lo <= x && x <= hi;
    }

    @Override
    public String toString() {
        return isBottom() ? "⊥" : "[" + lo + ", " + hi + "]";
    }
}
