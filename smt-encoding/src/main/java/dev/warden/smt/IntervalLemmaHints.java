package dev.warden.smt;

import dev.warden.domains.BitVectors;
import dev.warden.domains.RangeOf;
import dev.warden.isa.AluOp;
import java.util.List;

/**
 * The lemma instances that some interval obligations assume on integers ({@link
 * Catalogue#byIntegers()}): the steps of their monotonicity argument, at the interval corners.
 * With them a solver only has to chain inequalities. Without them cvc5 does not find the argument
 * for the signed divisions at 64 bits (unknown after 300 s), and the signed multiplication takes
 * each solver minutes. What is proved stays the same obligation; the instances are true because
 * their lemmas are, which {@link Prover} proves first.
 */
final class IntervalLemmaHints {
    private IntervalLemmaHints() {}

    /** Whether {@link #of} has instances for {@code op} on the component {@code c}. */
    static boolean has(Catalogue.Component c, AluOp op) {
        return op == AluOp.SDIV && c != Catalogue.Component.TNUM || op == AluOp.MUL && c == Catalogue.Component.SRANGE;
    }

    /** The instances for {@code x} in {@code a}, {@code y} in {@code b}, as {@link #has} says. */
    static <V, B> List<Obligation.Hint<B>> of(Catalogue.Component c, AluOp op, BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b, V x, V y) {
        if (!has(c, op)) {
            throw new IllegalArgumentException("no lemma instances for " + c + " " + op);
        }
        return op == AluOp.MUL ? smul(bv, a, b, x, y) : sdiv(c, bv, a, b, x, y);
    }

    /**
     * SRanges.mul: where no corner product overflows, x·y lies between a.lo·y and a.hi·y
     * (without overflow), and each of those between the corners.
     */
    private static <V, B> List<Obligation.Hint<B>> smul(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b, V x, V y) {
        return List.of(
            IntervalLemma.MUL_BETWEEN_LEFT_FACTORS.at(bv, a.lo(), x, a.hi(), y),
            IntervalLemma.MUL_BETWEEN_RIGHT_FACTORS.at(bv, a.lo(), b.lo(), y, b.hi()),
            IntervalLemma.MUL_BETWEEN_RIGHT_FACTORS.at(bv, a.hi(), b.lo(), y, b.hi()));
    }

    /**
     * For {@code x} in {@code a}, {@code y} in {@code b}: where the operator divides at all, the
     * quotient lies between the quotients at the corners it takes.
     */
    private static <V, B> List<Obligation.Hint<B>> sdiv(Catalogue.Component c, BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b, V x, V y) {
        return switch (c) {
            // URanges.sdiv divides only when both ranges are non-negative, as unsigned division:
            // x/y is at least a.lo/b.hi and at most a.hi/b.lo (at most x when b.lo is 0).
            case URANGE -> List.of(
                IntervalLemma.SDIV_OF_NON_NEGATIVES.at(bv, x, y),
                IntervalLemma.UDIV_MONOTONE_IN_DIVIDEND.at(bv, a.lo(), x, b.hi()),
                IntervalLemma.UDIV_ANTITONE_IN_DIVISOR.at(bv, x, y, b.hi()),
                IntervalLemma.UDIV_MONOTONE_IN_DIVIDEND.at(bv, x, a.hi(), y),
                IntervalLemma.UDIV_ANTITONE_IN_DIVISOR.at(bv, a.hi(), b.lo(), y),
                IntervalLemma.UDIV_AT_MOST_DIVIDEND.at(bv, x, y));
            // SRanges.sdiv takes the corners of a and of b's positive or negative part (its bounds
            // clamped to 1 or -1, written as there): x/y lies between a.lo/y and a.hi/y, and each
            // of those between the corners.
            case SRANGE -> {
                RangeOf<V> positive = new RangeOf<>(bv.smax(b.lo(), bv.num(1)), b.hi());
                RangeOf<V> negative = new RangeOf<>(b.lo(), bv.smin(b.hi(), bv.ones()));
                yield List.of(
                    IntervalLemma.SDIV_BETWEEN_DIVIDENDS.at(bv, a.lo(), x, a.hi(), y),
                    IntervalLemma.SDIV_BETWEEN_DIVISORS.at(bv, a.lo(), positive.lo(), y, positive.hi()),
                    IntervalLemma.SDIV_BETWEEN_DIVISORS.at(bv, a.hi(), positive.lo(), y, positive.hi()),
                    IntervalLemma.SDIV_BETWEEN_DIVISORS.at(bv, a.lo(), negative.lo(), y, negative.hi()),
                    IntervalLemma.SDIV_BETWEEN_DIVISORS.at(bv, a.hi(), negative.lo(), y, negative.hi()));
            }
            case TNUM -> throw new IllegalArgumentException("no lemma instances for tnums");
        };
    }
}
