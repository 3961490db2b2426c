package dev.warden.smt;

import java.util.Map;

/** The outcome of one Z3 query about an operator. */
public sealed interface ProofResult {

    /** No input violates the property (the negated property is unsatisfiable). */
    record Proved() implements ProofResult {}

    /**
     * A violation exists; {@code counterexample} gives its concrete inputs (and what the operator
     * produced), each named and in hexadecimal, in a stable order.
     */
    record Refuted(Map<String, String> counterexample) implements ProofResult {}

    /** Z3 gave no answer (timeout, resource limit, incomplete theory): nothing is proved. */
    record Unknown(String reason) implements ProofResult {}

    default String verdict() {
        return switch (this) {
            case Proved p -> "proved";
            case Refuted r -> "refuted";
            case Unknown u -> "unknown";
        };
    }
}
