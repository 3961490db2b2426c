package dev.warden.smt;

import java.util.List;

/**
 * One property of one abstract operator at one bit width, as solver queries whose violations must
 * be unsatisfiable. The query is built by generic code, once per solver ({@link Session}).
 *
 * @param name     stable identifier, e.g. {@code tnum.add} or {@code scalar.alu32.sub}
 * @param property what is proved
 * @param width    bit width of the proof
 * @param query    builds the violation in a session
 */
public record Obligation(String name, Property property, int width, Builder query) {

    /**
     * Builds the violation in a session at a width, for any solver's terms. (A generic method, so
     * builders are classes or method references, not lambdas.)
     */
    public interface Builder {
        <V, B> Query<V, B> build(Session<V, B> z, int width);
    }

    /** The query of this obligation in {@code z}. */
    public <V, B> Query<V, B> build(Session<V, B> z) {
        return query.build(z, width);
    }

    /** What an obligation states. */
    public enum Property {
        /** Every concrete result lies in the abstract result, which is well-formed. */
        SOUND,
        /** No strictly smaller well-formed value holds every concrete result. */
        OPTIMAL,
        /** The operator never enlarges its argument ({@code op(a) ⊑ a}). */
        REDUCTIVE
    }

    /**
     * An obligation as {@code assumptions ∧ membership ⇒ goal} for every part: what must be
     * unsatisfiable is {@code assumptions ∧ membership ∧ condition ∧ ¬goal} for each part.
     *
     * <p>The premise is kept in two pieces so that it can be checked by machine: the whole premise
     * must be satisfiable (else the obligation holds vacuously), and the obligation must <em>not</em>
     * be provable once {@code membership} is dropped (else its goal holds whatever the inputs, and
     * it says nothing about the operator's abstract values).
     *
     * @param assumptions well-formedness and the like, kept when checking meaningfulness
     * @param membership  "the concrete inputs are in the abstract values" (for a reductive
     *                    obligation: "the value compared with is the input")
     * @param parts       the pieces of the proof (one per component of a product, per concrete
     *                    shift amount, per sign case, ...); all must hold
     * @param witnesses   the terms a counterexample reports
     * @param logic       the solver to use
     * @param hints       ground instances of lemmas, assumed in every part's proof once the
     *                    lemmas are proved (not in the premise and meaning checks, which are about
     *                    the obligation itself); empty for most obligations
     */
    public record Query<V, B>(B assumptions, B membership, List<Part<B>> parts, List<Witness<V>> witnesses,
                              Session.Logic logic, List<Hint<B>> hints) {

        public Query {
            parts = List.copyOf(parts);
            witnesses = List.copyOf(witnesses);
            hints = List.copyOf(hints);
        }

        /** A query without hints. */
        public Query(B assumptions, B membership, List<Part<B>> parts, List<Witness<V>> witnesses, Session.Logic logic) {
            this(assumptions, membership, parts, witnesses, logic, List.of());
        }

        /** The same query with {@code more} hints. */
        public Query<V, B> withHints(List<Hint<B>> more) {
            List<Hint<B>> all = new java.util.ArrayList<>(hints);
            all.addAll(more);
            return new Query<>(assumptions, membership, parts, witnesses, logic, all);
        }
    }

    /**
     * One piece of a proof: under {@code condition} (a case of a split; {@code true} when there is
     * none) the premise implies {@code goal}. A part labelled {@link #COVER} states that the cases
     * cover every input; it has no goal of the operator's.
     */
    public record Part<B>(String label, B condition, B goal) {

        /** The label of the part that checks that the cases of a split cover every input. */
        public static final String COVER = "cases cover every input";

        public boolean isCover() {
            return label.equals(COVER);
        }
    }

    /**
     * A hypothesis of a query: a ground instance of a {@link Lemma} at {@code width} bits, true
     * because the lemma is at that width. {@link Prover} adds it to the query only after proving
     * the lemma itself with the same solver at that width.
     */
    public record Hint<B>(Lemma lemma, int width, B instance) {}

    /** The same obligation at another width. */
    public Obligation atWidth(int w) {
        return new Obligation(name, property, w, query);
    }
}
