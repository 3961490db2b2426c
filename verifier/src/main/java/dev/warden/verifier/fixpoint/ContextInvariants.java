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
 * for, exactly as the check pass computes them. A view for one disjunct of a block
 * ({@link #disjunct}) answers that block's pcs from the disjunct's own run instead.
 */
final class ContextInvariants implements Invariants {
    private final FunctionAnalysis analysis;
    private final Transfer transfer;
    private final Map<Integer, AbstractState> states;
    private final boolean[] done;
    /** The states of one block run from one of its disjuncts (empty for the whole context). */
    private final Map<Integer, AbstractState> disjunctBlock;

    ContextInvariants(FunctionAnalysis analysis, Transfer transfer) {
        this(analysis, transfer, new HashMap<>(), new boolean[analysis.graph().blockCount()], Map.of());
    }

    private ContextInvariants(FunctionAnalysis analysis, Transfer transfer, Map<Integer, AbstractState> states, boolean[] done,
                              Map<Integer, AbstractState> disjunctBlock) {
        this.analysis = analysis;
        this.transfer = transfer;
        this.states = states;
        this.done = done;
        this.disjunctBlock = disjunctBlock;
    }

    @Override
    public FunctionBlocks graph() {
        return analysis.graph();
    }

    @Override
    public AbstractState before(int pc) {
        AbstractState s = disjunctBlock.get(pc);
        if (s == null) {
            s = states.get(pc);
        }
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

    /**
     * The view of the one disjunct of pc's block whose run reaches {@code pc} in state {@code s}:
     * that block's states from the disjunct's run, every other pc's from the context (which cover
     * every execution, so also this disjunct's).
     */
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
                found = Optional.of(new ContextInvariants(analysis, transfer, states, done, mine));
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
}
