package dev.warden.verifier.fixpoint;

import dev.warden.verifier.check.Invariants;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.transfer.Sink;
import dev.warden.verifier.transfer.Transfer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Invariants} of an analysed function context: a block's per-pc states are recomputed
 * (silently, with {@link Sink#NONE}) from its stable entry state the first time they are asked
 * for, exactly as the check pass computes them.
 */
final class ContextInvariants implements Invariants {
    private final FunctionAnalysis analysis;
    private final Transfer transfer;
    private final Map<Integer, AbstractState> states = new HashMap<>();
    private final boolean[] done;

    ContextInvariants(FunctionAnalysis analysis, Transfer transfer) {
        this.analysis = analysis;
        this.transfer = transfer;
        this.done = new boolean[analysis.graph().blockCount()];
    }

    @Override
    public FunctionBlocks graph() {
        return analysis.graph();
    }

    @Override
    public AbstractState before(int pc) {
        AbstractState s = states.get(pc);
        if (s != null) {
            return s;
        }
        int b = analysis.graph().blockOf(pc);
        if (b >= 0 && !done[b]) {
            done[b] = true;
            states.putAll(run(b, analysis.in(b)));
        }
        return states.getOrDefault(pc, AbstractState.BOTTOM);
    }

    @Override
    public Optional<Invariants> disjunct(int pc, AbstractState s) {
        int b = analysis.graph().blockOf(pc);
        List<AbstractState> parts = b >= 0 ? analysis.inParts(b) : List.of();
        if (parts.size() < 2) {
            return Optional.empty();
        }
        // The disjunct must be the one the check pass was running: two that reach pc in the same
        // state may differ before it, and one's states there need not cover the other's executions.
        Optional<Invariants> found = Optional.empty();
        for (AbstractState part : parts) {
            Map<Integer, AbstractState> mine = run(b, part);
            if (s.equals(mine.get(pc))) {
                if (found.isPresent()) {
                    return Optional.empty();
                }
                found = Optional.of(new DisjunctInvariants(this, mine));
            }
        }
        return found;
    }

    @Override
    public boolean feasible(int b, int k) {
        return !analysis.in(b).isBottom() && !analysis.edge(b, k).isBottom();
    }

    /** The per-pc states of block {@code b} run from {@code entry}, as the check pass computes them. */
    private Map<Integer, AbstractState> run(int b, AbstractState entry) {
        Map<Integer, AbstractState> out = new HashMap<>();
        analysis.runWith(transfer, b, entry, Sink.NONE, (p, insn, st) -> out.put(p, st));
        return out;
    }

    /**
     * The invariants of one disjunct of a block: that block's states from the disjunct's own run,
     * every other pc's from the context (which cover every execution, so also this disjunct's).
     */
    private record DisjunctInvariants(ContextInvariants context, Map<Integer, AbstractState> block) implements Invariants {
        @Override
        public FunctionBlocks graph() {
            return context.graph();
        }

        @Override
        public AbstractState before(int pc) {
            AbstractState s = block.get(pc);
            return s != null ? s : context.before(pc);
        }

        @Override
        public Optional<Invariants> disjunct(int pc, AbstractState s) {
            return s.equals(before(pc)) ? Optional.of(this) : Optional.empty();
        }

        @Override
        public boolean feasible(int b, int k) {
            return context.feasible(b, k);
        }
    }
}
