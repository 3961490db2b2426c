package dev.warden.domains;

/**
 * The fixed-width bit-vector arithmetic every abstract operator is written against.
 *
 * <p>Each operator of this module is implemented once, generically over this interface. The
 * verifier runs it with {@link LongBitVectors} (values are Java {@code long}s); {@code smt-encoding}
 * runs the very same code with a Z3 implementation, which turns it into a formula. The soundness
 * proofs are therefore about the code that runs, not about a transcription of it; what remains to
 * trust is that the two implementations of these primitives agree, which a test in
 * {@code smt-encoding} checks on random inputs.
 *
 * <p>The semantics of every primitive is SMT-LIB's (QF_BV): arithmetic wraps modulo
 * 2<sup>width</sup>, shifts by at least the width give 0 (or all sign bits), and division by zero
 * is total ({@code udiv(x,0)} is all ones, {@code urem(x,0) = x}, {@code sdiv(x,0)} is -1 for
 * {@code x >= 0} and 1 otherwise, {@code srem(x,0) = x}). eBPF's own division rules are built on
 * top in {@link Semantics}.
 *
 * @param <V> a bit vector of {@link #width()} bits
 * @param <B> a boolean
 */
public interface BitVectors<V, B> {

    /** Number of bits of every value of this algebra (1..64). */
    int width();

    /** The same algebra at another width (used for the 32-bit halves of a 64-bit register). */
    BitVectors<V, B> withWidth(int bits);

    /** The constant {@code c}, truncated to the width. */
    V num(long c);

    B bool(boolean b);

    V add(V a, V b);
    V sub(V a, V b);
    V mul(V a, V b);
    V neg(V a);
    V and(V a, V b);
    V or(V a, V b);
    V xor(V a, V b);
    V not(V a);
    /** Left shift; a shift amount of at least the width gives 0. */
    V shl(V a, V s);
    /** Logical right shift; a shift amount of at least the width gives 0. */
    V lshr(V a, V s);
    /** Arithmetic right shift; a shift amount of at least the width fills with the sign bit. */
    V ashr(V a, V s);
    V udiv(V a, V b);
    V urem(V a, V b);
    /** Signed division truncating toward zero; {@code MIN / -1 = MIN}. */
    V sdiv(V a, V b);
    /** Signed remainder, sign of the dividend; {@code MIN % -1 = 0}. */
    V srem(V a, V b);

    B eq(V a, V b);
    B ult(V a, V b);
    B ule(V a, V b);
    B slt(V a, V b);
    B sle(V a, V b);
    /** Whether {@code a * b} overflows as unsigned numbers. */
    B umulOverflow(V a, V b);
    /** Whether {@code a * b} overflows (either way) as signed numbers. */
    B smulOverflow(V a, V b);

    // Boolean connectives carry their own names: with V = Long and B = Boolean, overloads of
    // and/or/not would erase to the same bridge methods.
    B both(B a, B b);
    B either(B a, B b);
    B negate(B a);
    B iff(B a, B b);
    V ite(B c, V t, V e);

    /** The low {@code bits} bits of {@code a}, as a value of {@code withWidth(bits)}. */
    V low(V a, int bits);
    /** {@code a}, a value of {@code withWidth(fromBits)}, zero-extended to this width. */
    V zext(V a, int fromBits);
    /** {@code a}, a value of {@code withWidth(fromBits)}, sign-extended to this width. */
    V sext(V a, int fromBits);

    // ---- derived operations: written once here, so both implementations share them ----

    default V zero() { return num(0); }
    default V ones() { return num(-1); }
    /** The most negative signed value, {@code 1 << (width-1)}. */
    default V minSigned() { return shl(num(1), num(width() - 1)); }
    default V maxSigned() { return not(minSigned()); }
    default V shl(V a, int k) { return shl(a, num(k)); }
    default V lshr(V a, int k) { return lshr(a, num(k)); }
    default V ashr(V a, int k) { return ashr(a, num(k)); }
    default B ne(V a, V b) { return negate(eq(a, b)); }
    default B isNeg(V a) { return slt(a, zero()); }
    default B implies(B a, B b) { return either(negate(a), b); }
    default B both(B a, B b, B c) { return both(both(a, b), c); }
    default B either(B a, B b, B c) { return either(either(a, b), c); }
    default V umin(V a, V b) { return ite(ult(a, b), a, b); }
    default V umax(V a, V b) { return ite(ult(a, b), b, a); }
    default V smin(V a, V b) { return ite(slt(a, b), a, b); }
    default V smax(V a, V b) { return ite(slt(a, b), b, a); }
    /** Whether the {@code bit}-th bit of {@code a} is set. */
    default B testBit(V a, int bit) { return ne(and(a, shl(num(1), bit)), zero()); }

    /**
     * Every bit at or below the highest set bit of {@code a} set: {@code (1 << fls(a)) - 1},
     * computed without a loop over the bits (an OR-cascade of shifts).
     */
    default V smear(V a) {
        V x = a;
        for (int k = 1; k < width(); k <<= 1) {
            x = or(x, lshr(x, k));
        }
        return x;
    }

    /** The low {@code bits} bits of {@code a} sign-extended back to this width. */
    default V sextLow(V a, int bits) {
        return bits >= width() ? a : sext(low(a, bits), bits);
    }

    /** The low {@code bits} bits of {@code a}, upper bits cleared. */
    default V zextLow(V a, int bits) {
        return bits >= width() ? a : zext(low(a, bits), bits);
    }

    /**
     * Byte swap of the low {@code bytes} bytes of {@code a} (upper bits cleared), as eBPF's
     * {@code BSWAP16/32/64}; needs {@code 8 * bytes <= width()}.
     */
    default V byteSwap(V a, int bytes) {
        V r = zero();
        for (int i = 0; i < bytes; i++) {
            V b = and(lshr(a, 8 * i), num(0xff));
            r = or(r, shl(b, 8 * (bytes - 1 - i)));
        }
        return r;
    }
}
