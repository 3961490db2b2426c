package dev.warden.verifier;

import java.util.OptionalLong;

/**
 * What one verification cost and found.
 *
 * @param instructions instructions in the analysed program
 * @param z3Queries obligations the domains could not decide and Z3 was asked about
 * @param checksElided memory accesses proved in bounds (the JIT compiles them without a check)
 * @param checksTotal memory accesses in the program
 * @param nanos analysis time
 * @param maxInstructionsExecuted the most instructions one run can execute (loop bounds times their
 *     bodies along the longest path, calls included), when termination was proved
 *     ({@link Termination#PROOF}) and every reachable loop has a bound; empty otherwise
 * @param stackBytes the stack bytes a run can touch: the deepest access of each frame depth, added
 *     over the depths (what an EIM class's {@code stack} limit is checked against)
 */
public record Stats(int instructions, int z3Queries, int checksElided, int checksTotal, long nanos,
                    OptionalLong maxInstructionsExecuted, long stackBytes) {
    public Stats {
        java.util.Objects.requireNonNull(maxInstructionsExecuted);
    }

    /** Without the stack use. */
    public Stats(int instructions, int z3Queries, int checksElided, int checksTotal, long nanos,
                 OptionalLong maxInstructionsExecuted) {
        this(instructions, z3Queries, checksElided, checksTotal, nanos, maxInstructionsExecuted, 0);
    }
}
