package dev.warden.verifier.transfer;

import dev.warden.verifier.state.AbstractState;

/** Analyses a local (BPF-to-BPF) call: the fixpoint engine implements it, analysing the callee in its calling context. */
public interface Callees {
    /**
     * The caller's state after the call at {@code pc} to the function at {@code target} returns
     * (bottom if it never does). {@code s} is the caller's state before the call.
     */
    AbstractState call(int pc, int target, AbstractState s, Sink sink);
}
