package dev.warden.verifier.check;

import dev.warden.verifier.fixpoint.FunctionBlocks;
import dev.warden.verifier.state.AbstractState;

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

    /** Whether the fixpoint found a state on edge {@code k} (0 fall-through, 1 taken) leaving block {@code b}. */
    boolean feasible(int b, int k);
}
