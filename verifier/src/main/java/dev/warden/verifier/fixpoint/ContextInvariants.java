package dev.warden.verifier.fixpoint;

import dev.warden.verifier.check.Invariants;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.transfer.Sink;
import dev.warden.verifier.transfer.Transfer;
import java.util.HashMap;
import java.util.Map;

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
        FunctionBlocks g = analysis.graph();
        for (int b = 0; b < g.blockCount(); b++) {
            if (!done[b] && pc >= g.startPc(b) && pc <= g.lastPc(b)) {
                done[b] = true;
                analysis.runWith(transfer, b, analysis.in(b), Sink.NONE, (p, insn, st) -> states.put(p, st));
            }
        }
        return states.getOrDefault(pc, AbstractState.BOTTOM);
    }

    @Override
    public boolean feasible(int b, int k) {
        return !analysis.in(b).isBottom() && !analysis.edge(b, k).isBottom();
    }
}
