package dev.warden.smt;

import dev.warden.domains.BitVectors;
import java.util.ArrayList;
import java.util.List;

/**
 * The lemmas of the interval multiplication and division proofs on integers ({@link
 * IntervalLemmaHints}): monotonicity of division and multiplication in each operand, and the sign
 * rules of signed division. The signed division lemmas are proved from the unsigned ones on the
 * magnitudes ({@link #hints}).
 */
public enum IntervalLemma implements Lemma {
    /** {@code x, y >= 0 (signed) ⇒ x sdiv y = x udiv y} (also for {@code y = 0}: both are all ones). */
    SDIV_OF_NON_NEGATIVES("sdiv.non-negative-is-udiv", 2),
    /**
     * {@code y != 0 ⇒ x sdiv y} is {@code |x| udiv |y|}, negated when the signs differ ({@code |v|}
     * the unsigned magnitude, {@code |MIN| = 2^(w-1)}): SMT-LIB's definition of {@code bvsdiv}.
     */
    SDIV_BY_MAGNITUDES("sdiv.by-magnitudes", 2),
    /** {@code x1 <= x2 ⇒ x1 udiv y <= x2 udiv y} (unsigned; for {@code y = 0} both are all ones). */
    UDIV_MONOTONE_IN_DIVIDEND("udiv.monotone-in-dividend", 3),
    /** {@code y1 <= y2 ⇒ x udiv y2 <= x udiv y1} (unsigned; {@code x udiv 0} is all ones, the largest). */
    UDIV_ANTITONE_IN_DIVISOR("udiv.antitone-in-divisor", 3),
    /** {@code y != 0 ⇒ x udiv y <= x} (unsigned). */
    UDIV_AT_MOST_DIVIDEND("udiv.at-most-dividend", 2),
    /**
     * For a divisor {@code y != 0} and dividends {@code x1 <= x <= x2} (signed), {@code x sdiv y}
     * lies between {@code x1 sdiv y} and {@code x2 sdiv y}: truncating division by a fixed divisor
     * is monotone (increasing for a positive divisor, decreasing for a negative one), except that
     * {@code MIN sdiv -1} wraps to {@code MIN}, excluded.
     */
    SDIV_BETWEEN_DIVIDENDS("sdiv.between-dividends", 4),
    /**
     * For divisors {@code y1 <= y <= y2} (signed) all of one sign, {@code x sdiv y} lies between
     * {@code x sdiv y1} and {@code x sdiv y2}: truncating division of a fixed dividend is monotone
     * in the divisor on each side of 0, except that {@code MIN sdiv -1} wraps, excluded.
     */
    SDIV_BETWEEN_DIVISORS("sdiv.between-divisors", 4),
    /**
     * For {@code x1 <= x <= x2} (signed) whose products with {@code y} at {@code x1} and {@code x2}
     * do not overflow (signed), {@code x·y} does not either and lies between them: the product
     * is linear in each factor.
     */
    MUL_BETWEEN_LEFT_FACTORS("mul.between-left-factors", 4),
    /** {@link #MUL_BETWEEN_LEFT_FACTORS} in the right factor: {@code x·y} for {@code y1 <= y <= y2}. */
    MUL_BETWEEN_RIGHT_FACTORS("mul.between-right-factors", 4);

    private final String label;
    private final int arity;

    IntervalLemma(String label, int arity) {
        this.label = label;
        this.arity = arity;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public List<String> parameters() {
        return switch (this) {
            case SDIV_OF_NON_NEGATIVES, SDIV_BY_MAGNITUDES, UDIV_AT_MOST_DIVIDEND -> List.of("x", "y");
            case UDIV_MONOTONE_IN_DIVIDEND -> List.of("x1", "x2", "y");
            case UDIV_ANTITONE_IN_DIVISOR -> List.of("x", "y1", "y2");
            case SDIV_BETWEEN_DIVIDENDS -> List.of("x1", "x", "x2", "y");
            case SDIV_BETWEEN_DIVISORS, MUL_BETWEEN_RIGHT_FACTORS -> List.of("x", "y1", "y", "y2");
            case MUL_BETWEEN_LEFT_FACTORS -> List.of("x1", "x", "x2", "y");
        };
    }

    @Override
    public <V, B> B holds(BitVectors<V, B> bv, List<V> args) {
        if (args.size() != arity) {
            throw new IllegalArgumentException(label + " takes " + arity + " arguments, got " + args.size());
        }
        List<V> a = args;
        return switch (this) {
            case SDIV_OF_NON_NEGATIVES -> bv.implies(bv.both(bv.negate(bv.isNeg(a.get(0))), bv.negate(bv.isNeg(a.get(1)))),
                bv.eq(bv.sdiv(a.get(0), a.get(1)), bv.udiv(a.get(0), a.get(1))));
            case SDIV_BY_MAGNITUDES -> {
                V q = bv.udiv(magnitude(bv, a.get(0)), magnitude(bv, a.get(1)));
                B differ = bv.negate(bv.iff(bv.isNeg(a.get(0)), bv.isNeg(a.get(1))));
                yield bv.implies(bv.ne(a.get(1), bv.zero()), bv.eq(bv.sdiv(a.get(0), a.get(1)), bv.ite(differ, bv.neg(q), q)));
            }
            case UDIV_MONOTONE_IN_DIVIDEND -> bv.implies(bv.ule(a.get(0), a.get(1)), bv.ule(bv.udiv(a.get(0), a.get(2)), bv.udiv(a.get(1), a.get(2))));
            case UDIV_ANTITONE_IN_DIVISOR -> bv.implies(bv.ule(a.get(1), a.get(2)), bv.ule(bv.udiv(a.get(0), a.get(2)), bv.udiv(a.get(0), a.get(1))));
            case UDIV_AT_MOST_DIVIDEND -> bv.implies(bv.ne(a.get(1), bv.zero()), bv.ule(bv.udiv(a.get(0), a.get(1)), a.get(0)));
            case SDIV_BETWEEN_DIVIDENDS -> {
                B pre = bv.both(bv.ne(a.get(3), bv.zero()), bv.negate(bv.both(bv.eq(a.get(0), bv.minSigned()), bv.eq(a.get(3), bv.ones()))),
                    bv.both(bv.sle(a.get(0), a.get(1)), bv.sle(a.get(1), a.get(2))));
                yield bv.implies(pre, between(bv, bv.sdiv(a.get(1), a.get(3)), bv.sdiv(a.get(0), a.get(3)), bv.sdiv(a.get(2), a.get(3))));
            }
            case SDIV_BETWEEN_DIVISORS -> {
                B oneSign = bv.either(bv.slt(bv.zero(), a.get(1)), bv.slt(a.get(3), bv.zero()));
                B pre = bv.both(oneSign, bv.both(bv.sle(a.get(1), a.get(2)), bv.sle(a.get(2), a.get(3))),
                    bv.negate(bv.both(bv.eq(a.get(0), bv.minSigned()), bv.eq(a.get(3), bv.ones()))));
                yield bv.implies(pre, between(bv, bv.sdiv(a.get(0), a.get(2)), bv.sdiv(a.get(0), a.get(1)), bv.sdiv(a.get(0), a.get(3))));
            }
            case MUL_BETWEEN_LEFT_FACTORS -> {
                B pre = bv.both(bv.both(bv.sle(a.get(0), a.get(1)), bv.sle(a.get(1), a.get(2))),
                    bv.negate(bv.smulOverflow(a.get(0), a.get(3))), bv.negate(bv.smulOverflow(a.get(2), a.get(3))));
                yield bv.implies(pre, bv.both(bv.negate(bv.smulOverflow(a.get(1), a.get(3))),
                    between(bv, bv.mul(a.get(1), a.get(3)), bv.mul(a.get(0), a.get(3)), bv.mul(a.get(2), a.get(3)))));
            }
            case MUL_BETWEEN_RIGHT_FACTORS -> {
                B pre = bv.both(bv.both(bv.sle(a.get(1), a.get(2)), bv.sle(a.get(2), a.get(3))),
                    bv.negate(bv.smulOverflow(a.get(0), a.get(1))), bv.negate(bv.smulOverflow(a.get(0), a.get(3))));
                yield bv.implies(pre, bv.both(bv.negate(bv.smulOverflow(a.get(0), a.get(2))),
                    between(bv, bv.mul(a.get(0), a.get(2)), bv.mul(a.get(0), a.get(1)), bv.mul(a.get(0), a.get(3)))));
            }
        };
    }

    /**
     * The signed division lemmas follow from the unsigned ones on the magnitudes, which is how
     * cvc5 proves them (it does not prove them whole at 64 bits within minutes).
     */
    @Override
    public <V, B> List<Obligation.Hint<B>> hints(BitVectors<V, B> bv, List<V> a) {
        return switch (this) {
            case SDIV_BETWEEN_DIVIDENDS -> byMagnitudes(bv, Operand.DIVIDEND, a.get(3), a.subList(0, 3));
            case SDIV_BETWEEN_DIVISORS -> byMagnitudes(bv, Operand.DIVISOR, a.get(0), a.subList(1, 4));
            default -> List.of();
        };
    }

    /** Which operand of a division varies in {@link #byMagnitudes}. */
    private enum Operand { DIVIDEND, DIVISOR }

    /**
     * For the quotients of {@code fixed} with each of the ordered {@code varying} (as dividend or
     * divisor): each one's sign rule and bound by its dividend, on the magnitudes, and the
     * unsigned order of the quotients of each neighbouring pair of magnitudes, either way round
     * (which way holds depends on the signs).
     */
    private static <V, B> List<Obligation.Hint<B>> byMagnitudes(BitVectors<V, B> bv, Operand varying, V fixed, List<V> values) {
        List<Obligation.Hint<B>> out = new ArrayList<>();
        V f = magnitude(bv, fixed);
        for (V v : values) {
            V x = varying == Operand.DIVIDEND ? v : fixed;
            V y = varying == Operand.DIVIDEND ? fixed : v;
            out.add(SDIV_BY_MAGNITUDES.at(bv, x, y));
            out.add(UDIV_AT_MOST_DIVIDEND.at(bv, magnitude(bv, x), magnitude(bv, y)));
        }
        for (int i = 0; i + 1 < values.size(); i++) {
            V p = magnitude(bv, values.get(i));
            V q = magnitude(bv, values.get(i + 1));
            for (List<V> pair : List.of(List.of(p, q), List.of(q, p))) {
                out.add(varying == Operand.DIVIDEND ? UDIV_MONOTONE_IN_DIVIDEND.at(bv, pair.get(0), pair.get(1), f)
                    : UDIV_ANTITONE_IN_DIVISOR.at(bv, f, pair.get(0), pair.get(1)));
            }
        }
        return out;
    }

    /** {@link #instance} with the arguments listed. */
    @SafeVarargs
    public final <V, B> Obligation.Hint<B> at(BitVectors<V, B> bv, V... a) {
        return instance(bv, List.of(a));
    }

    /** The unsigned magnitude of a signed value ({@code MIN} is its own: {@code 2^(w-1)} unsigned). */
    static <V, B> V magnitude(BitVectors<V, B> bv, V v) {
        return bv.ite(bv.isNeg(v), bv.neg(v), v);
    }

    /** {@code min(p, q) <= v <= max(p, q)}, signed. */
    private static <V, B> B between(BitVectors<V, B> bv, V v, V p, V q) {
        return bv.both(bv.either(bv.sle(p, v), bv.sle(q, v)), bv.either(bv.sle(v, p), bv.sle(v, q)));
    }
}
