package dev.warden.verifier.fixpoint;

import dev.warden.isa.Instruction;
import dev.warden.verifier.cfg.FunctionGraph;
import dev.warden.verifier.cfg.Wto;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.JoinSite;
import dev.warden.verifier.state.Lattice;
import dev.warden.verifier.state.Thresholds;
import dev.warden.verifier.transfer.Edges;
import dev.warden.verifier.transfer.Sink;
import dev.warden.verifier.transfer.Transfer;
import java.util.List;

/**
 * The fixpoint of one function in one calling context: block entry states, found by iterating
 * the weak topological order with joins at merges, widening at loop heads (after a few plain
 * iterations) and then a few descending (narrowing) passes. Each descending pass recomputes
 * states from states that already over-approximate every execution, so it stays sound whether or
 * not the transfer functions are monotone.
 */
public final class FunctionAnalysis {
    /** Plain joins at a loop head before widening starts. */
    static final int WIDEN_DELAY = 2;
    /** Descending passes after a loop stabilises. */
    static final int NARROW_PASSES = 2;
    /** Iterations at one head after which the analysis gives up (a bug: widening must converge first). */
    static final int MAX_ITERATIONS = 1000;

    private final Transfer transfer;
    private final FunctionGraph graph;
    private final List<Wto.Element> order;
    private final AbstractState entry;
    private final Thresholds thresholds;
    private final JoinSite.Ids joinIds;
    private final AbstractState[] in;
    /** Per block, the states on its [fall-through, taken] edges. */
    private final AbstractState[][] out;
    private AbstractState exit = AbstractState.BOTTOM;

    FunctionAnalysis(Transfer transfer, FunctionGraph graph, List<Wto.Element> order, AbstractState entry) {
        this.transfer = transfer;
        this.graph = graph;
        this.order = order;
        this.entry = entry;
        this.thresholds = transfer.env().thresholds();
        this.joinIds = transfer.env().joinIds();
        int n = graph.blockCount();
        this.in = new AbstractState[n];
        this.out = new AbstractState[n][];
        for (int b = 0; b < n; b++) {
            in[b] = AbstractState.BOTTOM;
            out[b] = new AbstractState[] {AbstractState.BOTTOM, AbstractState.BOTTOM};
        }
    }

    FunctionAnalysis run() {
        iterate(order);
        exit = AbstractState.BOTTOM;
        for (int b = 0; b < graph.blockCount(); b++) {
            if (!in[b].isBottom() && graph.program().at(graph.lastPc(b)) instanceof Instruction.Exit) {
                exit = exit.join(out[b][0], Lattice.Mode.JOIN, thresholds);
            }
        }
        return this;
    }

    public FunctionGraph graph() {
        return graph;
    }

    public List<Wto.Element> order() {
        return order;
    }

    /** The stable state at the entry of block {@code b}. */
    public AbstractState in(int b) {
        return in[b];
    }

    /** The join of the states at the function's exits (bottom if it never returns). */
    public AbstractState exit() {
        return exit;
    }

    /** The state on edge {@code k} (0 fall-through, 1 taken) leaving block {@code b}. */
    public AbstractState edge(int b, int k) {
        return out[b][k];
    }

    public AbstractState entry() {
        return entry;
    }

    private void iterate(List<Wto.Element> elements) {
        for (Wto.Element e : elements) {
            switch (e) {
                case Wto.Vertex v -> {
                    in[v.block()] = joinPreds(v.block());
                    propagate(v.block());
                }
                case Wto.Component c -> component(c);
            }
        }
    }

    private void component(Wto.Component c) {
        int h = c.head();
        for (int i = 0; ; i++) {
            if (i > MAX_ITERATIONS) {
                throw new IllegalStateException("no fixpoint at the loop head at pc " + graph.startPc(h));
            }
            AbstractState next = joinPreds(h);
            if (i > 0) {
                if (in[h].join(next, Lattice.Mode.JOIN, thresholds, new JoinSite(graph.startPc(h), joinIds)).equals(in[h])) {
                    break;
                }
                next = in[h].join(next, i > WIDEN_DELAY ? Lattice.Mode.WIDEN : Lattice.Mode.JOIN, thresholds,
                        new JoinSite(graph.startPc(h), joinIds));
            }
            in[h] = next;
            propagate(h);
            iterate(c.body());
        }
        for (int k = 0; k < NARROW_PASSES; k++) {
            AbstractState next = joinPreds(h);
            if (next.equals(in[h])) {
                break;
            }
            in[h] = next;
            propagate(h);
            iterate(c.body());
        }
    }

    private AbstractState joinPreds(int b) {
        AbstractState s = b == graph.entryBlock() ? entry : AbstractState.BOTTOM;
        JoinSite site = new JoinSite(graph.startPc(b), joinIds);
        for (int p : graph.preds(b)) {
            int[] succ = graph.succs(p);
            for (int k = 0; k < 2; k++) {
                if (succ[k] == b) {
                    s = s.join(out[p][k], Lattice.Mode.JOIN, thresholds, site);
                }
            }
        }
        return s;
    }

    private void propagate(int b) {
        out[b] = run(b, in[b], Sink.NONE, null);
    }

    /**
     * Runs block {@code b} from {@code s}; {@code visitor} (when given) sees the state before each
     * instruction. Returns the [fall-through, taken] edge states.
     */
    AbstractState[] run(int b, AbstractState s, Sink sink, StepVisitor visitor) {
        return runWith(transfer, b, s, sink, visitor);
    }

    AbstractState[] runWith(Transfer transfer, int b, AbstractState s, Sink sink, StepVisitor visitor) {
        int[] pcs = graph.pcs(b);
        AbstractState cur = s;
        for (int i = 0; i < pcs.length; i++) {
            int pc = pcs[i];
            Instruction insn = graph.program().at(pc);
            if (visitor != null) {
                visitor.before(pc, insn, cur);
            }
            if (cur.isBottom()) {
                return new AbstractState[] {AbstractState.BOTTOM, AbstractState.BOTTOM};
            }
            Edges e = transfer.step(pc, insn, cur, sink);
            if (i == pcs.length - 1) {
                return new AbstractState[] {e.fall(), e.taken()};
            }
            cur = e.fall();
        }
        throw new AssertionError("empty block");
    }

    /** Sees each instruction with the state before it (the check pass and the log). */
    interface StepVisitor {
        void before(int pc, Instruction insn, AbstractState s);
    }
}
