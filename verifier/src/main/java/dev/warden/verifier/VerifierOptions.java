package dev.warden.verifier;

import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.ProgramType;
import java.util.Objects;
import java.util.Optional;

/**
 * How to verify a program.
 *
 * @param type the program type; empty means "from the section name", and an assembly program
 *     without a type is verified with an unknown-scalar context
 * @param maxInstructions the most instructions any execution may run (the kernel's 1,000,000)
 * @param logLevel 0 none, 1 state at each branch and violation, 2 state at every pc
 * @param smt what Z3 may spend on obligations the domains cannot decide
 * @param invariants how much of the per-pc invariants the {@link VerifiedProgram} keeps
 */
public record VerifierOptions(Platform platform, Optional<ProgramType> type, Privilege privilege,
                              Termination termination, long maxInstructions, int logLevel, SmtBudget smt,
                              InvariantDetail invariants) {
    public static final long DEFAULT_MAX_INSTRUCTIONS = 1_000_000;

    public VerifierOptions {
        Objects.requireNonNull(platform);
        Objects.requireNonNull(type);
        Objects.requireNonNull(privilege);
        Objects.requireNonNull(termination);
        if (maxInstructions <= 0) {
            throw new IllegalArgumentException("maxInstructions must be positive");
        }
        if (logLevel < 0 || logLevel > 2) {
            throw new IllegalArgumentException("log level is 0, 1 or 2");
        }
        Objects.requireNonNull(smt);
        Objects.requireNonNull(invariants);
    }

    /** With the default invariant detail ({@link InvariantDetail#REGISTERS_AND_SPILLS}). */
    public VerifierOptions(Platform platform, Optional<ProgramType> type, Privilege privilege, Termination termination,
                           long maxInstructions, int logLevel, SmtBudget smt) {
        this(platform, type, privilege, termination, maxInstructions, logLevel, smt, InvariantDetail.REGISTERS_AND_SPILLS);
    }

    /** With the default Z3 budget ({@link SmtBudget#DEFAULT}). */
    public VerifierOptions(Platform platform, Optional<ProgramType> type, Privilege privilege, Termination termination,
                           long maxInstructions, int logLevel) {
        this(platform, type, privilege, termination, maxInstructions, logLevel, SmtBudget.DEFAULT);
    }

    /** Linux, type from the section, privileged, proved termination, 1,000,000 instructions, no log. */
    public static VerifierOptions linux() {
        return new VerifierOptions(Platform.linux(), Optional.empty(), Privilege.PRIVILEGED, Termination.PROOF,
                DEFAULT_MAX_INSTRUCTIONS, 0);
    }

    /** With another platform (the Linux one with a target BTF from {@code --btf}, for example). */
    public VerifierOptions withPlatform(Platform p) {
        return new VerifierOptions(p, type, privilege, termination, maxInstructions, logLevel, smt);
    }

    public VerifierOptions withType(ProgramType t) {
        return new VerifierOptions(platform, Optional.of(t), privilege, termination, maxInstructions, logLevel, smt, invariants);
    }

    public VerifierOptions withPrivilege(Privilege p) {
        return new VerifierOptions(platform, type, p, termination, maxInstructions, logLevel, smt, invariants);
    }

    public VerifierOptions withTermination(Termination t) {
        return new VerifierOptions(platform, type, privilege, t, maxInstructions, logLevel, smt, invariants);
    }

    public VerifierOptions withMaxInstructions(long n) {
        return new VerifierOptions(platform, type, privilege, termination, n, logLevel, smt, invariants);
    }

    public VerifierOptions withLogLevel(int level) {
        return new VerifierOptions(platform, type, privilege, termination, maxInstructions, level, smt, invariants);
    }

    public VerifierOptions withSmt(SmtBudget budget) {
        return new VerifierOptions(platform, type, privilege, termination, maxInstructions, logLevel, budget, invariants);
    }

    public VerifierOptions withInvariants(InvariantDetail detail) {
        return new VerifierOptions(platform, type, privilege, termination, maxInstructions, logLevel, smt, detail);
    }
}
