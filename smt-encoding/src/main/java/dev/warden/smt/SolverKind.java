package dev.warden.smt;

import java.time.Duration;

/** The solvers the domain proofs run on; every obligation must be proved by each of them. */
public enum SolverKind {
    /** Z3 through its own Java binding. */
    Z3,
    /** Bitwuzla through JavaSMT: usually far stronger on bit-vector multiplication and division. */
    BITWUZLA;

    /** The name in tables and JSON. */
    public String label() {
        return name().toLowerCase();
    }

    /** Opens a session of this solver whose queries stop after {@code timeout}. */
    Session<?, ?> open(Duration timeout) {
        return switch (this) {
            case Z3 -> new Z3Session(timeout);
            case BITWUZLA -> new BitwuzlaSession(timeout);
        };
    }
}
