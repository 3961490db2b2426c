package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.verifier.state.Value;

/** Scalars a load of a given width can produce. */
final class Sizes {
    private Sizes() {}

    /** Any value of {@code bytes} bytes, zero-extended. */
    static Value.Num unsigned(int bytes) {
        return bytes >= 8 ? Value.TOP : Value.Num.of(Scalar.unsignedRange(0, (1L << (8 * bytes)) - 1));
    }

    /** Any value of {@code bytes} bytes, sign-extended to 64 bits. */
    static Value.Num signed(int bytes) {
        if (bytes >= 8) {
            return Value.TOP;
        }
        long half = 1L << (8 * bytes - 1);
        return Value.Num.of(Scalar.signedRange(-half, half - 1));
    }

    /** Bits beyond which an offset is treated as unbounded (keeps every sum below far from overflow). */
    static final long LIMIT = 1L << 40;

    /** Smallest signed value of {@code s}, or Long.MIN_VALUE when below -LIMIT. */
    static boolean bounded(Scalar s) {
        return !s.isBottom() && s.s64().lo() > -LIMIT && s.s64().hi() < LIMIT;
    }
}
