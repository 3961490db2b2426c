package dev.warden.smt;

import dev.warden.domains.BitVectors;
import java.util.ArrayList;
import java.util.List;

/**
 * A small fact about the bit-vector primitives, stated once over any solver's terms and proved on
 * its own, for every value of its arguments (its arguments are fresh variables, so a proof is a
 * proof for all of them). An obligation may then take <em>ground instances</em> of proved lemmas as
 * hypotheses ({@link Obligation.Hint}): each instance is true because the lemma is, and the
 * obligation's query stays free of quantifiers. The point is a solver that cannot find the
 * monotonicity argument inside a large query (cvc5 on the 64-bit signed division of intervals)
 * but proves each step of it alone.
 *
 * <p>{@link Prover} proves every lemma an obligation uses, with the same solver and in the same
 * run, before it counts the obligation as proved; a lemma it does not prove leaves the obligation
 * unproved.
 */
public enum Lemma {
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
    SDIV_BETWEEN_DIVISORS("sdiv.between-divisors", 4);

    private final String label;
    private final int arity;

    Lemma(String label, int arity) {
        this.label = label;
        this.arity = arity;
    }

    /** The name in tables and JSON. */
    public String label() {
        return label;
    }

    /** How many arguments the statement takes. */
    public int arity() {
        return arity;
    }

    /** The names of the arguments, for a counterexample. */
    List<String> parameters() {
        return switch (this) {
            case SDIV_OF_NON_NEGATIVES, SDIV_BY_MAGNITUDES, UDIV_AT_MOST_DIVIDEND -> List.of("x", "y");
            case UDIV_MONOTONE_IN_DIVIDEND -> List.of("x1", "x2", "y");
            case UDIV_ANTITONE_IN_DIVISOR -> List.of("x", "y1", "y2");
            case SDIV_BETWEEN_DIVIDENDS -> List.of("x1", "x", "x2", "y");
            case SDIV_BETWEEN_DIVISORS -> List.of("x", "y1", "y", "y2");
        };
    }

    /** The lemma for the arguments {@code a} (variables to prove it, terms to instantiate it). */
    @SafeVarargs
    public final <V, B> B holds(BitVectors<V, B> bv, V... a) {
        if (a.length != arity) {
            throw new IllegalArgumentException(label + " takes " + arity + " arguments, got " + a.length);
        }
        return switch (this) {
            case SDIV_OF_NON_NEGATIVES -> bv.implies(bv.both(bv.negate(bv.isNeg(a[0])), bv.negate(bv.isNeg(a[1]))),
                bv.eq(bv.sdiv(a[0], a[1]), bv.udiv(a[0], a[1])));
            case SDIV_BY_MAGNITUDES -> {
                V q = bv.udiv(magnitude(bv, a[0]), magnitude(bv, a[1]));
                B differ = bv.negate(bv.iff(bv.isNeg(a[0]), bv.isNeg(a[1])));
                yield bv.implies(bv.ne(a[1], bv.zero()), bv.eq(bv.sdiv(a[0], a[1]), bv.ite(differ, bv.neg(q), q)));
            }
            case UDIV_MONOTONE_IN_DIVIDEND -> bv.implies(bv.ule(a[0], a[1]), bv.ule(bv.udiv(a[0], a[2]), bv.udiv(a[1], a[2])));
            case UDIV_ANTITONE_IN_DIVISOR -> bv.implies(bv.ule(a[1], a[2]), bv.ule(bv.udiv(a[0], a[2]), bv.udiv(a[0], a[1])));
            case UDIV_AT_MOST_DIVIDEND -> bv.implies(bv.ne(a[1], bv.zero()), bv.ule(bv.udiv(a[0], a[1]), a[0]));
            case SDIV_BETWEEN_DIVIDENDS -> {
                B pre = bv.both(bv.ne(a[3], bv.zero()), bv.negate(bv.both(bv.eq(a[0], bv.minSigned()), bv.eq(a[3], bv.ones()))),
                    bv.both(bv.sle(a[0], a[1]), bv.sle(a[1], a[2])));
                yield bv.implies(pre, between(bv, bv.sdiv(a[1], a[3]), bv.sdiv(a[0], a[3]), bv.sdiv(a[2], a[3])));
            }
            case SDIV_BETWEEN_DIVISORS -> {
                B oneSign = bv.either(bv.slt(bv.zero(), a[1]), bv.slt(a[3], bv.zero()));
                B pre = bv.both(oneSign, bv.both(bv.sle(a[1], a[2]), bv.sle(a[2], a[3])),
                    bv.negate(bv.both(bv.eq(a[0], bv.minSigned()), bv.eq(a[3], bv.ones()))));
                yield bv.implies(pre, between(bv, bv.sdiv(a[0], a[2]), bv.sdiv(a[0], a[1]), bv.sdiv(a[0], a[3])));
            }
        };
    }

    /**
     * Instances of earlier lemmas that this one's proof may assume, for the arguments {@code a}:
     * the signed lemmas follow from the unsigned ones on the magnitudes, which is how cvc5 proves
     * them (it does not prove them whole at 64 bits within minutes).
     */
    @SafeVarargs
    public final <V, B> List<Obligation.Hint<B>> hints(BitVectors<V, B> bv, V... a) {
        List<Obligation.Hint<B>> out = new ArrayList<>();
        switch (this) {
            case SDIV_BETWEEN_DIVIDENDS -> {
                V y = a[3];
                for (V x : List.of(a[0], a[1], a[2])) {
                    out.add(SDIV_BY_MAGNITUDES.instance(bv, x, y));
                    out.add(UDIV_AT_MOST_DIVIDEND.instance(bv, magnitude(bv, x), magnitude(bv, y)));
                }
                for (int i = 0; i < 2; i++) {
                    V p = magnitude(bv, a[i]);
                    V q = magnitude(bv, a[i + 1]);
                    out.add(UDIV_MONOTONE_IN_DIVIDEND.instance(bv, p, q, magnitude(bv, y)));
                    out.add(UDIV_MONOTONE_IN_DIVIDEND.instance(bv, q, p, magnitude(bv, y)));
                }
            }
            case SDIV_BETWEEN_DIVISORS -> {
                V x = a[0];
                for (V y : List.of(a[1], a[2], a[3])) {
                    out.add(SDIV_BY_MAGNITUDES.instance(bv, x, y));
                    out.add(UDIV_AT_MOST_DIVIDEND.instance(bv, magnitude(bv, x), magnitude(bv, y)));
                }
                for (int i = 1; i < 3; i++) {
                    V p = magnitude(bv, a[i]);
                    V q = magnitude(bv, a[i + 1]);
                    out.add(UDIV_ANTITONE_IN_DIVISOR.instance(bv, magnitude(bv, x), p, q));
                    out.add(UDIV_ANTITONE_IN_DIVISOR.instance(bv, magnitude(bv, x), q, p));
                }
            }
            default -> { }
        }
        for (Obligation.Hint<B> h : out) {
            if (h.lemma().compareTo(this) >= 0) {
                throw new IllegalStateException(label + " may use only earlier lemmas, not " + h.lemma().label());
            }
        }
        return out;
    }

    /** This lemma at the arguments {@code a}, as a hypothesis for another query. */
    @SafeVarargs
    public final <V, B> Obligation.Hint<B> instance(BitVectors<V, B> bv, V... a) {
        return new Obligation.Hint<>(this, holds(bv, a));
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
