package dev.warden.smt;

import dev.warden.domains.BitVectors;
import dev.warden.domains.RangeOf;
import java.util.List;

/**
 * The lemma instances that the interval signed-division obligations assume on integers ({@link
 * Catalogue#byIntegers()}): the steps of their monotonicity argument, at the interval corners.
 * With them a solver only has to chain inequalities; without them cvc5 does not find the argument
 * at 64 bits (unknown after 300 s), while Z3 does. What is proved stays the same obligation; the
 * instances are true because their lemmas are, which {@link Prover} proves first.
 */
final class IntervalDivisionHints {
    private IntervalDivisionHints() {}

    /**
     * For {@code x} in {@code a}, {@code y} in {@code b}: where the operator divides at all, the
     * quotient lies between the quotients at the corners it takes.
     */
    static <V, B> List<Obligation.Hint<B>> sdiv(Catalogue.Component c, BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b, V x, V y) {
        return switch (c) {
            // URanges.sdiv divides only when both ranges are non-negative, as unsigned division:
            // x/y is at least a.lo/b.hi and at most a.hi/b.lo (at most x when b.lo is 0).
            case URANGE -> List.of(
                Lemma.SDIV_OF_NON_NEGATIVES.instance(bv, x, y),
                Lemma.UDIV_MONOTONE_IN_DIVIDEND.instance(bv, a.lo(), x, b.hi()),
                Lemma.UDIV_ANTITONE_IN_DIVISOR.instance(bv, x, y, b.hi()),
                Lemma.UDIV_MONOTONE_IN_DIVIDEND.instance(bv, x, a.hi(), y),
                Lemma.UDIV_ANTITONE_IN_DIVISOR.instance(bv, a.hi(), b.lo(), y),
                Lemma.UDIV_AT_MOST_DIVIDEND.instance(bv, x, y));
            // SRanges.sdiv takes the corners of a and of b's positive or negative part (its bounds
            // clamped to 1 or -1, written as there): x/y lies between a.lo/y and a.hi/y, and each
            // of those between the corners.
            case SRANGE -> {
                RangeOf<V> positive = new RangeOf<>(bv.smax(b.lo(), bv.num(1)), b.hi());
                RangeOf<V> negative = new RangeOf<>(b.lo(), bv.smin(b.hi(), bv.ones()));
                yield List.of(
                    Lemma.SDIV_BETWEEN_DIVIDENDS.instance(bv, a.lo(), x, a.hi(), y),
                    Lemma.SDIV_BETWEEN_DIVISORS.instance(bv, a.lo(), positive.lo(), y, positive.hi()),
                    Lemma.SDIV_BETWEEN_DIVISORS.instance(bv, a.hi(), positive.lo(), y, positive.hi()),
                    Lemma.SDIV_BETWEEN_DIVISORS.instance(bv, a.lo(), negative.lo(), y, negative.hi()),
                    Lemma.SDIV_BETWEEN_DIVISORS.instance(bv, a.hi(), negative.lo(), y, negative.hi()));
            }
            case TNUM -> throw new IllegalArgumentException("no division hints for tnums");
        };
    }
}
