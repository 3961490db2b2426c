package dev.warden.verifier.check;

import dev.warden.verifier.fixpoint.FunctionBlocks;
import dev.warden.verifier.state.AbstractState;
import java.util.Optional;

/**
 * The stable states of one function in one calling context, per instruction: what the fixpoint
 * proved about every execution that reaches each pc. {@link SmtDischarge} reads them as
 * preconditions and path invariants.
 */
public interface Invariants {
    /** The function's blocks. */
    FunctionBlocks graph();

    /**
     * The state before the instruction at {@code pc} (a pc of {@link #graph()}): it covers every
     * concrete state in which an execution of this context reaches {@code pc}; bottom if none does.
     */
    AbstractState before(int pc);

    /**
     * The invariants of the executions that reach {@code pc} in state {@code s}, when {@code s} is
     * not {@link #before}{@code (pc)} but the state at {@code pc} of one of the disjuncts the check
     * pass runs through pc's block on its own: these invariants, with the states of pc's block
     * computed from that disjunct's entry state instead of the join of all. Every execution that
     * reaches {@code pc} in that disjunct satisfies them (the other blocks' states cover every
     * execution). Empty when no disjunct of the block has {@code s} at {@code pc}.
     */
    Optional<Invariants> disjunct(int pc, AbstractState s);

    /** Whether the fixpoint found a state on edge {@code k} (0 fall-through, 1 taken) leaving block {@code b}. */
    boolean feasible(int b, int k);
}
