package dev.warden.domains;

import java.util.random.RandomGenerator;

/**
 * Random abstract values around given concrete values, at any width: the generator behind the
 * soundness sampling and the property tests. Values are biased toward the places where
 * arithmetic goes wrong (0, 1, the signed and unsigned extremes, the 32-bit boundary), masks and
 * interval widths toward all sizes.
 */
public final class RandomAbstractValues {

    private final RandomGenerator rng;
    private final int width;
    private final LongBitVectors bv;

    public RandomAbstractValues(RandomGenerator rng, int width) {
        this.rng = rng;
        this.width = width;
        this.bv = LongBitVectors.of(width);
    }

    public int width() {
        return width;
    }

    /** A concrete value, often an interesting one. */
    public long value() {
        long special = switch (rng.nextInt(12)) {
            case 0 -> rng.nextInt(17);
            case 1 -> -1L - rng.nextInt(17);
            case 2 -> (1L << (width - 1)) + rng.nextInt(5) - 2; // around the signed extremes
            case 3 -> 0xffffffffL + rng.nextInt(5) - 2;          // around the 32-bit boundary
            case 4 -> 0x80000000L + rng.nextInt(5) - 2;
            case 5 -> 1L << rng.nextInt(64);
            case 6 -> rng.nextLong() >>> rng.nextInt(64);
            default -> rng.nextLong();
        };
        return LongBitVectors.truncate(special, width);
    }

    private long bits() {
        return switch (rng.nextInt(6)) {
            case 0 -> 0;
            case 1 -> rng.nextLong() & rng.nextLong() & rng.nextLong();
            case 2 -> (1L << rng.nextInt(64)) - 1;
            case 3 -> -1L;
            default -> rng.nextLong();
        } & LongBitVectors.mask(width);
    }

    private long distance() {
        return switch (rng.nextInt(5)) {
            case 0 -> 0;
            case 1 -> rng.nextInt(8);
            case 2 -> rng.nextLong() >>> rng.nextInt(64);
            case 3 -> rng.nextLong() >>> (64 - width + rng.nextInt(width));
            default -> LongBitVectors.truncate(rng.nextLong(), width);
        } & LongBitVectors.mask(width);
    }

    public TnumOf<Long> tnumContaining(long x) {
        long m = bits();
        return new TnumOf<>(x & ~m, m);
    }

    /** An unsigned range around {@code x}, clamped at the extremes. */
    public RangeOf<Long> urangeContaining(long x) {
        long below = distance();
        long above = distance();
        long lo = Long.compareUnsigned(below, x) > 0 ? 0 : x - below;
        long max = LongBitVectors.mask(width);
        long hi = Long.compareUnsigned(above, max - x) > 0 ? max : x + above;
        return new RangeOf<>(lo, hi);
    }

    /** A signed range around {@code x} (in the zero-extended representation). */
    public RangeOf<Long> srangeContaining(long x) {
        long sx = LongBitVectors.signExtend(x, width);
        long min = LongBitVectors.signExtend(1L << (width - 1), width);
        long max = -(min + 1);
        long below = distance() >>> 1;
        long above = distance() >>> 1;
        // In the signed numbers of the width: compare distances to the extremes without overflow.
        long lo = Long.compareUnsigned(below, sx - min) > 0 ? min : sx - below;
        long hi = Long.compareUnsigned(above, max - sx) > 0 ? max : sx + above;
        return new RangeOf<>(LongBitVectors.truncate(lo, width), LongBitVectors.truncate(hi, width));
    }

    /** A reduced-product value containing {@code x}; each component is sometimes left at top. */
    public ScalarOf<Long> scalarContaining(long x) {
        BitVectors<Long, Boolean> h = bv.withWidth(width / 2);
        RandomAbstractValues half = new RandomAbstractValues(rng, width / 2);
        long l = LongBitVectors.truncate(x, width / 2);
        return new ScalarOf<>(
            rng.nextInt(4) == 0 ? Tnums.top(bv) : tnumContaining(x),
            rng.nextInt(4) == 0 ? URanges.top(bv) : urangeContaining(x),
            rng.nextInt(4) == 0 ? SRanges.top(bv) : srangeContaining(x),
            rng.nextInt(3) == 0 ? URanges.top(h) : half.urangeContaining(l),
            rng.nextInt(3) == 0 ? SRanges.top(h) : half.srangeContaining(l));
    }

    /** A random member of {@code t} (its known bits, random unknown ones). */
    public long memberOf(TnumOf<Long> t) {
        return t.value() | (rng.nextLong() & t.mask());
    }
}
