package dev.warden.verifier.fixpoint;

import dev.warden.isa.Instruction;
import dev.warden.isa.cfg.WtoElement;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.JoinSite;
import dev.warden.verifier.state.Lattice;
import dev.warden.verifier.state.Thresholds;
import dev.warden.verifier.transfer.Edges;
import dev.warden.verifier.transfer.Sink;
import dev.warden.verifier.transfer.Transfer;
import java.util.BitSet;
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
    /** Most iterations of one loop analysed one by one (unrolled) before widening takes over. */
    static final int UNROLL_ITERATIONS = 64;
    /** Most instructions (iterations times the loop's size) one unrolling may run. */
    static final int UNROLL_STEPS = 16_384;
    /** Most instructions all unrollings of one function analysis may run together (nested loops multiply). */
    static final int UNROLL_TOTAL_STEPS = 65_536;

    private final Transfer transfer;
    private final FunctionBlocks graph;
    private final List<WtoElement> order;
    private final AbstractState entry;
    private final Thresholds thresholds;
    private final JoinSite.Ids joinIds;
    private final AbstractState[] in;
    /** Per block, the states on its [fall-through, taken] edges. */
    private final AbstractState[][] out;
    /** Per block, the disjuncts whose join is {@code in} (empty: unreachable); see {@link Disjuncts}. */
    private final List<AbstractState>[] inParts;
    /** Per block and edge, the disjuncts whose join is {@code out}. */
    private final List<AbstractState>[][] outParts;
    private final Liveness liveness;
    private AbstractState exit = AbstractState.BOTTOM;
    private int unrollSteps;
    /** Per loop head analysed by unrolling: the most head visits of any execution (max over its analyses). */
    private final java.util.Map<Integer, Integer> unrolledVisits = new java.util.TreeMap<>();
    /** Loop heads that some analysis could not unroll within the budget. */
    private final BitSet unrollFailed = new BitSet();

    FunctionAnalysis(Transfer transfer, FunctionBlocks graph, List<WtoElement> order, AbstractState entry) {
        this.transfer = transfer;
        this.graph = graph;
        this.order = order;
        this.entry = entry;
        this.thresholds = transfer.env().thresholds();
        this.joinIds = transfer.env().joinIds();
        int n = graph.blockCount();
        this.in = new AbstractState[n];
        this.out = new AbstractState[n][];
        @SuppressWarnings("unchecked")
        List<AbstractState>[] ip = new List[n];
        @SuppressWarnings("unchecked")
        List<AbstractState>[][] op = new List[n][2];
        this.inParts = ip;
        this.outParts = op;
        for (int b = 0; b < n; b++) {
            in[b] = AbstractState.BOTTOM;
            out[b] = new AbstractState[] {AbstractState.BOTTOM, AbstractState.BOTTOM};
            inParts[b] = List.of();
            outParts[b][0] = List.of();
            outParts[b][1] = List.of();
        }
        this.liveness = Liveness.of(graph);
    }

    FunctionAnalysis run() {
        iterate(order);
        exit = AbstractState.BOTTOM;
        for (int b = 0; b < graph.blockCount(); b++) {
            if (!in[b].isBottom() && graph.program().at(graph.lastPc(b)) instanceof Instruction.Exit) {
                exit = exit.join(out[b][0], Lattice.Mode.JOIN, thresholds);
            }
            if (!in[b].isBottom()) {
                exit = exit.join(tailCallExits(b), Lattice.Mode.JOIN, thresholds);
            }
        }
        return this;
    }

    /** Linux's {@code bpf_tail_call}, whose id this function's platform must name so for {@link #tailCallExits}. */
    private static final int TAIL_CALL = 12;

    /**
     * The states in which a {@code bpf_tail_call} of block {@code b} that jumps leaves this function
     * (bottom if none): called from a subprogram, the target takes the subprogram's place and its
     * r0, any number, is what the caller gets (Linux since 5.10). Otherwise the state is the one
     * after the call (arguments clobbered), without packet pointers: the target may have moved the
     * packet (Linux 6.18 assumes so on this path; a tail call that falls through changed nothing).
     */
    private AbstractState tailCallExits(int b) {
        AbstractState exits = AbstractState.BOTTOM;
        for (int pc : graph.pcs(b)) {
            if (!(graph.program().at(pc) instanceof Instruction.Call c && c.kind() == Instruction.CallKind.HELPER && c.imm() == TAIL_CALL
                    && transfer.env().platform().helper(TAIL_CALL).map(h -> h.name().endsWith("tail_call")).orElse(false))) {
                continue;
            }
            for (AbstractState part : inParts[b]) {
                AbstractState[] before = {AbstractState.BOTTOM};
                run(b, part, Sink.NONE, (at, insn, state) -> {
                    if (at == pc) {
                        before[0] = state;
                    }
                });
                if (before[0].isBottom()) {
                    continue;
                }
                AbstractState after = transfer.step(pc, c, before[0], Sink.NONE).fall();
                if (!after.isBottom()) {
                    exits = exits.join(after.withReg(0, dev.warden.verifier.state.Value.TOP).withoutPacketData(), Lattice.Mode.JOIN,
                            thresholds);
                }
            }
        }
        return exits;
    }

    public FunctionBlocks graph() {
        return graph;
    }

    public List<WtoElement> order() {
        return order;
    }

    /** The stable state at the entry of block {@code b}. */
    public AbstractState in(int b) {
        return in[b];
    }

    /**
     * The disjuncts of the stable state at the entry of block {@code b}: their join is
     * {@link #in}, and every execution reaching the block lies in one of them (empty: unreachable).
     */
    public List<AbstractState> inParts(int b) {
        return inParts[b];
    }

    /** The join of the states at the function's exits (bottom if it never returns). */
    public AbstractState exit() {
        return exit;
    }

    /** The state on edge {@code k} (0 fall-through, 1 taken) leaving block {@code b}. */
    public AbstractState edge(int b, int k) {
        return out[b][k];
    }

    /**
     * How many times any execution may enter the head of the loop at block {@code head}, when every
     * analysis of that loop unrolled it until its back edges became unreachable (a termination
     * proof by itself: the k-th visit of the head lies in the k-th unrolled state).
     */
    public java.util.OptionalInt unrolledVisits(int head) {
        Integer v = unrolledVisits.get(head);
        return v == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(v);
    }

    public AbstractState entry() {
        return entry;
    }

    private void iterate(List<WtoElement> elements) {
        for (WtoElement e : elements) {
            switch (e) {
                case WtoElement.Vertex v -> {
                    int b = v.block();
                    setIn(b, Disjuncts.partition(gather(b), liveness.liveIn(b), site(b), thresholds));
                    propagate(b);
                }
                case WtoElement.Component c -> component(c);
            }
        }
    }

    private void component(WtoElement.Component c) {
        if (unrolled(c)) {
            return;
        }
        int h = c.head();
        for (int i = 0; ; i++) {
            if (i > MAX_ITERATIONS) {
                throw new IllegalStateException("no fixpoint at the loop head at pc " + graph.startPc(h));
            }
            AbstractState next = joinPreds(h);
            if (i > 0) {
                AbstractState joined = in[h].join(next, Lattice.Mode.JOIN, thresholds, new JoinSite(graph.startPc(h), joinIds));
                if (joined.equals(in[h])) {
                    break;
                }
                // Before widening starts the join just computed is the next state (joins are pure and
                // a join site's fresh ids are the same on every call): no second join.
                next = i > WIDEN_DELAY ? in[h].join(next, Lattice.Mode.WIDEN, thresholds, new JoinSite(graph.startPc(h), joinIds))
                        : joined;
            }
            setIn(h, next);
            propagate(h);
            iterate(c.body());
        }
        for (int k = 0; k < NARROW_PASSES; k++) {
            AbstractState next = joinPreds(h);
            if (next.equals(in[h])) {
                break;
            }
            setIn(h, next);
            propagate(h);
            iterate(c.body());
        }
        narrowInductions(c);
    }

    /**
     * Narrows the stable head of loop {@code c} for registers advanced by one constant per
     * iteration ({@link InductionNarrowing}) and, when that changes it, runs the body once more
     * from the narrowed head: a descending step from a head that still covers every visit, so the
     * body's states stay sound (the back edges' join is not taken again, which would undo it).
     */
    private void narrowInductions(WtoElement.Component c) {
        int h = c.head();
        AbstractState narrowed = InductionNarrowing.head(this, c, entering(h, c.blocks()));
        if (narrowed.equals(in[h])) {
            return;
        }
        setIn(h, narrowed);
        propagate(h);
        iterate(c.body());
    }

    /**
     * Tries to analyse loop {@code c} by unrolling it: head states s0 (from the edges entering the
     * loop), s1 = the back edges' states computed from s0 alone, and so on, each iteration run on
     * its own (no join with the previous iterations, no widening), until the back edges become
     * unreachable (a counter ran out). Then every execution's k-th visit of the head lies in s_k,
     * so the join over the iterations of each block's states covers every execution: the stored
     * states are those joins (with the merge's fresh packet ids, so that each iteration's bounds
     * check still gives a range). This keeps a packet pointer moved by a variable length on each
     * iteration bounded where widening would lose it. Returns false, leaving the loop to the
     * widening fixpoint, when the loop needs more iterations than the budget allows (the partial
     * states it leaves are sound starting points, since the fixpoint starts from any states).
     */
    private boolean unrolled(WtoElement.Component c) {
        BitSet members = c.blocks();
        int size = 0;
        for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
            size += graph.pcs(b).length;
        }
        int maxIterations = Math.min(UNROLL_ITERATIONS, UNROLL_STEPS / Math.max(1, size));
        if (maxIterations < 2 || unrollSteps + size > UNROLL_TOTAL_STEPS) {
            return false;
        }
        int h = c.head();
        AbstractState s = entering(h, members);
        // Each block's disjuncts are kept across the iterations (grouped by shape as at a merge),
        // not joined into one state: a switch inside the loop body whose arms leave a pointer in one
        // register and NULL in another (and a size of 8 or 0 beside it) is checked arm by arm.
        @SuppressWarnings("unchecked")
        List<AbstractState>[] accIn = new List[graph.blockCount()];
        AbstractState[][] accOut = new AbstractState[graph.blockCount()][];
        for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
            accIn[b] = List.of();
            accOut[b] = new AbstractState[] {AbstractState.BOTTOM, AbstractState.BOTTOM};
        }
        for (int k = 0; k < maxIterations && unrollSteps + size <= UNROLL_TOTAL_STEPS; k++) {
            unrollSteps += size;
            for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
                if (b != h) {
                    // Each iteration starts afresh: no state of the previous one flows in.
                    setIn(b, AbstractState.BOTTOM);
                    setOut(b, AbstractState.BOTTOM, AbstractState.BOTTOM);
                }
            }
            setIn(h, s);
            propagate(h);
            iterate(c.body());
            for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
                accIn[b] = accumulate(accIn[b], inParts[b], b);
                if (b == h && accIn[b].size() > 1) {
                    // A loop head keeps one state, as everywhere (the widening takes over from it).
                    accIn[b] = List.of(Disjuncts.joinAll(accIn[b], site(b), thresholds));
                }
                for (int e = 0; e < 2; e++) {
                    int succ = graph.succs(b)[e];
                    JoinSite site = succ >= 0 ? new JoinSite(graph.startPc(succ), joinIds) : JoinSite.NONE;
                    accOut[b][e] = accOut[b][e].join(out[b][e], Lattice.Mode.JOIN, thresholds, site);
                }
            }
            s = back(h, members);
            if (s.isBottom()) {
                if (!unrollFailed.get(h)) {
                    unrolledVisits.merge(h, k + 1, Math::max);
                }
                for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
                    setIn(b, accIn[b]);
                    setOut(b, accOut[b][0], accOut[b][1]);
                }
                return true;
            }
        }
        // Over budget: the widening fixpoint takes over from the accumulated states.
        unrollFailed.set(h);
        unrolledVisits.remove(h);
        for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
            setIn(b, accIn[b]);
            setOut(b, accOut[b][0], accOut[b][1]);
        }
        return false;
    }

    /** {@code acc} with one more iteration's disjuncts of block {@code b}, grouped by shape (see {@link Disjuncts}). */
    private List<AbstractState> accumulate(List<AbstractState> acc, List<AbstractState> parts, int b) {
        if (parts.isEmpty()) {
            return acc;
        }
        List<AbstractState> all = new java.util.ArrayList<>(acc.size() + parts.size());
        all.addAll(acc);
        all.addAll(parts);
        return Disjuncts.partition(all, liveness.liveIn(b), site(b), thresholds);
    }

    /** The join of the states on the edges into head {@code h} from outside the loop. */
    private AbstractState entering(int h, BitSet members) {
        AbstractState s = h == graph.entryBlock() ? entry : AbstractState.BOTTOM;
        JoinSite site = new JoinSite(graph.startPc(h), joinIds);
        for (int p : graph.preds(h)) {
            if (!members.get(p)) {
                s = joinEdges(s, p, h, site);
            }
        }
        return s;
    }

    /** The join of the states on the back edges into head {@code h} (from inside the loop). */
    private AbstractState back(int h, BitSet members) {
        AbstractState s = AbstractState.BOTTOM;
        JoinSite site = new JoinSite(graph.startPc(h), joinIds);
        for (int p : graph.preds(h)) {
            if (members.get(p)) {
                s = joinEdges(s, p, h, site);
            }
        }
        return s;
    }

    private AbstractState joinEdges(AbstractState s, int p, int b, JoinSite site) {
        int[] succ = graph.succs(p);
        for (int k = 0; k < 2; k++) {
            if (succ[k] == b) {
                s = s.join(out[p][k], Lattice.Mode.JOIN, thresholds, site);
            }
        }
        return s;
    }


    /** The join of every state reaching block {@code b} (a loop head: one state). */
    private AbstractState joinPreds(int b) {
        return Disjuncts.joinAll(gather(b), site(b), thresholds);
    }

    /** Every disjunct on every edge into block {@code b} (and the entry state at the entry block). */
    private List<AbstractState> gather(int b) {
        List<AbstractState> raw = new java.util.ArrayList<>();
        if (b == graph.entryBlock()) {
            raw.add(entry);
        }
        for (int p : graph.preds(b)) {
            int[] succ = graph.succs(p);
            for (int k = 0; k < 2; k++) {
                if (succ[k] == b) {
                    raw.addAll(outParts[p][k]);
                }
            }
        }
        return raw;
    }

    private JoinSite site(int b) {
        return new JoinSite(graph.startPc(b), joinIds);
    }

    private void setIn(int b, AbstractState s) {
        in[b] = s;
        inParts[b] = s.isBottom() ? List.of() : List.of(s);
    }

    private void setIn(int b, List<AbstractState> parts) {
        inParts[b] = parts;
        in[b] = parts.size() == 1 ? parts.get(0) : Disjuncts.joinAll(parts, site(b), thresholds);
    }

    private void setOut(int b, AbstractState fall, AbstractState taken) {
        out[b] = new AbstractState[] {fall, taken};
        outParts[b][0] = fall.isBottom() ? List.of() : List.of(fall);
        outParts[b][1] = taken.isBottom() ? List.of() : List.of(taken);
    }

    /** Runs block {@code b} from each of its disjuncts; each edge gets the results as its disjuncts. */
    private void propagate(int b) {
        List<AbstractState> parts = inParts[b];
        if (parts.size() <= 1) {
            AbstractState[] o = run(b, in[b], Sink.NONE, null);
            setOut(b, o[0], o[1]);
            return;
        }
        List<AbstractState> fall = new java.util.ArrayList<>(parts.size());
        List<AbstractState> taken = new java.util.ArrayList<>(parts.size());
        for (AbstractState s : parts) {
            AbstractState[] o = run(b, s, Sink.NONE, null);
            if (!o[0].isBottom()) {
                fall.add(o[0]);
            }
            if (!o[1].isBottom()) {
                taken.add(o[1]);
            }
        }
        int[] succ = graph.succs(b);
        AbstractState[] joined = new AbstractState[2];
        for (int k = 0; k < 2; k++) {
            List<AbstractState> l = k == 0 ? fall : taken;
            outParts[b][k] = List.copyOf(l);
            joined[k] = l.size() == 1 ? l.get(0)
                    : Disjuncts.joinAll(l, succ[k] >= 0 ? site(succ[k]) : JoinSite.NONE, thresholds);
        }
        out[b] = joined;
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
