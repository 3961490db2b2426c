package dev.warden.smt;

import dev.warden.domains.BitVectors;
import java.util.List;

/**
 * A small fact about the bit-vector primitives, stated once over any solver's terms and proved on
 * its own for every value of its arguments (they are fresh variables in its proof). An obligation
 * may then take <em>ground instances</em> of proved lemmas as hypotheses ({@link
 * Obligation.Hint}): each instance is true because the lemma is, and the obligation's query stays
 * free of quantifiers. The point is a solver that does not find a monotonicity argument inside a
 * large query (cvc5 on the 64-bit signed division of intervals) but proves each step of it alone.
 *
 * <p>{@link Prover} proves every lemma an obligation's hints name, with the same solver, at the
 * width of the instance and in the same run, before it counts the obligation as proved; a lemma it
 * does not prove leaves the obligation unproved. On integers an instance is sound because every
 * term of the encoding denotes a value in {@code [0, 2^width)}, the range the lemma's variables
 * range over.
 */
public interface Lemma {

    /** The name in tables and JSON (unique among lemmas). */
    String label();

    /** The names of the arguments, as a counterexample reports them. */
    List<String> parameters();

    /** The statement for the arguments {@code a} (variables to prove it, terms to instantiate it). */
    <V, B> B holds(BitVectors<V, B> bv, List<V> a);

    /**
     * Instances of other lemmas that this one's proof may assume, for the arguments {@code a}
     * (none by default). {@link Prover} proves those lemmas first; a lemma that rests on itself is
     * not proved.
     */
    default <V, B> List<Obligation.Hint<B>> hints(BitVectors<V, B> bv, List<V> a) {
        return List.of();
    }

    /** This lemma at the arguments {@code a}, {@code bv}'s width, as a hypothesis for another query. */
    default <V, B> Obligation.Hint<B> instance(BitVectors<V, B> bv, List<V> a) {
        return new Obligation.Hint<>(this, bv.width(), holds(bv, a));
    }
}
