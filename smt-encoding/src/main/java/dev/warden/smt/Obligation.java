package dev.warden.smt;

import com.microsoft.z3.BoolExpr;
import java.util.List;

/**
 * One property of one abstract operator at one bit width, as a Z3 query whose violation must be
 * unsatisfiable.
 *
 * @param name     stable identifier, e.g. {@code tnum.add} or {@code scalar.alu32.sub}
 * @param property what is proved
 * @param width    bit width of the proof
 * @param query    builds the violation in a session
 */
public record Obligation(String name, Property property, int width, Builder query) {

    /** Builds the violation in a session at a width. */
    @FunctionalInterface
    public interface Builder {
        Query build(Z3Session z, int width);
    }

    /** The query of this obligation in {@code z}. */
    public Query build(Z3Session z) {
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
     * What must be unsatisfiable: one or more parts (all must be), and what a counterexample
     * shows. A proof is split into parts where Z3 handles the pieces and not the whole: one part
     * per component of a product, or one per concrete shift amount (plus a part checking that the
     * cases cover every input).
     */
    public record Query(List<Part> parts, List<Z3Session.Witness> witnesses, Z3Session.Logic logic) {
        public static Query single(BoolExpr violation, List<Z3Session.Witness> witnesses, Z3Session.Logic logic) {
            return new Query(List.of(new Part("", violation)), witnesses, logic);
        }
    }

    /** One formula that must be unsatisfiable, labelled for reports. */
    public record Part(String label, BoolExpr violation) {}

    /** The same obligation at another width. */
    public Obligation atWidth(int w) {
        return new Obligation(name, property, w, query);
    }
}
