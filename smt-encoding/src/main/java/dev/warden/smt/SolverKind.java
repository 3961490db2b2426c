package dev.warden.smt;

import java.time.Duration;

/** The solvers the domain proofs run on; every obligation must be proved by each of them. */
public enum SolverKind {
    /** Z3 through its own Java binding. */
    Z3,
    /** Bitwuzla through JavaSMT: usually far stronger on bit-vector multiplication and division. */
    BITWUZLA,
    /**
     * Z3 on the integer encoding of the same code ({@link Z3IntBitVectors}): how the interval
     * operators of multiplication, division and modulo are proved at 64 bits. Not one of the two
     * solvers every obligation needs; see {@link Catalogue#byIntegers()}.
     */
    Z3_INT,
    /**
     * cvc5 (through JavaSMT) on the same integer encoding ({@link JavaSmtIntBitVectors}): the
     * second solver of the 64-bit interval proofs on integers, since Bitwuzla has no integer theory.
     */
    CVC5_INT;

    /** The solvers that must prove every obligation of {@link Catalogue#all()}. */
    public static final java.util.List<SolverKind> BIT_VECTOR = java.util.List.of(Z3, BITWUZLA);

    /** The solvers that must prove every obligation of {@link Catalogue#byIntegers()}. */
    public static final java.util.List<SolverKind> INTEGER = java.util.List.of(Z3_INT, CVC5_INT);

    /** The name in tables and JSON. */
    public String label() {
        return name().toLowerCase().replace('_', '-');
    }

    /** Opens a session of this solver whose queries stop after {@code timeout}. */
    Session<?, ?> open(Duration timeout) {
        return switch (this) {
            case Z3 -> new Z3Session(timeout);
            case BITWUZLA -> new BitwuzlaSession(timeout);
            case Z3_INT -> new Z3IntSession(timeout);
            case CVC5_INT -> new Cvc5IntSession(timeout);
        };
    }
}
