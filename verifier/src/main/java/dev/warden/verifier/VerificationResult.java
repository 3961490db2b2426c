package dev.warden.verifier;

import java.util.List;

/** The verifier's answer: a proof object, or the obligations it could not prove, with its log either way. */
public sealed interface VerificationResult {
    Stats stats();

    /**
     * The most instructions one run of the program can execute, proved from its loop bounds
     * ({@link Stats#maxInstructionsExecuted()}); a policy's {@code instructions < N} limit compares
     * with it. Empty in {@link Termination#RUNTIME} mode and when some loop has no proved bound.
     */
    default java.util.OptionalLong maxInstructionsExecuted() {
        return stats().maxInstructionsExecuted();
    }

    /** The verifier log at the requested level (empty at level 0). */
    String log();

    /** Every obligation holds. */
    record Verified(VerifiedProgram program, Stats stats, String log) implements VerificationResult {}

    /** At least one obligation could not be proved; {@code violations} is sorted by pc and not empty. */
    record Rejected(List<Violation> violations, Stats stats, String log) implements VerificationResult {
        public Rejected {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("a rejection names at least one violation");
            }
        }
    }
}
