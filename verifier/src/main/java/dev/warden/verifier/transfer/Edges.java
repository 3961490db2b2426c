package dev.warden.verifier.transfer;

import dev.warden.verifier.state.AbstractState;

/** The states after an instruction: the fall-through (next pc) and, for jumps, the taken edge. Bottom where unreachable. */
public record Edges(AbstractState fall, AbstractState taken) {
    public static Edges next(AbstractState s) {
        return new Edges(s, AbstractState.BOTTOM);
    }
}
