package dev.warden.verifier.fixpoint;

import dev.warden.isa.Program;
import dev.warden.isa.cfg.BasicBlock;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.cfg.Subprogram;
import dev.warden.isa.cfg.WtoElement;
import java.util.ArrayList;
import java.util.List;

/**
 * One function of the program's {@link ControlFlowGraph} (the graph the JIT uses too) in the
 * shape the fixpoint iterates: its blocks numbered from 0 in pc order (so per-block states live
 * in arrays the size of the function, not of the program; {@link Subprogram#localIndex}), each
 * block's edges as [fall-through, taken] (the order of {@link dev.warden.verifier.transfer.Edges}),
 * and its weak topological order in those numbers. It computes no control flow of its own: every
 * block, edge and order comes from {@code isa.cfg}; this is a renumbering, made once per function.
 */
public final class FunctionBlocks {
    /** A successor that lies past the last instruction (execution would fall off the program). */
    public static final int OFF_END = -2;

    private final ControlFlowGraph graph;
    private final Subprogram function;
    private final int[][] pcs;
    private final int[][] succs;
    private final int[][] preds;
    private final List<WtoElement> order;

    private FunctionBlocks(ControlFlowGraph graph, Subprogram function) {
        this.graph = graph;
        this.function = function;
        int n = function.blockCount();
        this.pcs = new int[n][];
        this.succs = new int[n][];
        this.preds = new int[n][];
        for (int b = 0; b < n; b++) {
            BasicBlock block = function.localBlock(b);
            pcs[b] = block.pcs().stream().mapToInt(Integer::intValue).toArray();
            int fall = block.fallsOffEnd() && block.fallThrough().isEmpty() ? OFF_END
                    : block.fallThrough().isPresent() ? function.localIndex(block.fallThrough().getAsInt()) : -1;
            int taken = block.taken().isPresent() ? function.localIndex(block.taken().getAsInt()) : -1;
            succs[b] = new int[] {fall, taken};
            preds[b] = block.predecessors().stream().mapToInt(function::localIndex).filter(p -> p >= 0).toArray();
        }
        this.order = local(function.weakTopologicalOrder().elements());
    }

    /** The function entered at {@code entry} of {@code graph}. */
    static FunctionBlocks of(ControlFlowGraph graph, Subprogram function) {
        return new FunctionBlocks(graph, function);
    }

    private List<WtoElement> local(List<WtoElement> elements) {
        List<WtoElement> out = new ArrayList<>(elements.size());
        for (WtoElement e : elements) {
            out.add(switch (e) {
                case WtoElement.Vertex v -> new WtoElement.Vertex(function.localIndex(v.block()));
                case WtoElement.Component c -> new WtoElement.Component(function.localIndex(c.head()), local(c.body()));
            });
        }
        return out;
    }

    public Program program() {
        return graph.program();
    }

    /** The whole program's graph this function belongs to. */
    public ControlFlowGraph graph() {
        return graph;
    }

    public Subprogram function() {
        return function;
    }

    public int entryPc() {
        return function.entry();
    }

    /** The entry block, as a local number. */
    public int entryBlock() {
        return function.localIndex(function.entryBlock());
    }

    public int blockCount() {
        return pcs.length;
    }

    /** The weak topological order of the blocks, in local numbers. */
    public List<WtoElement> order() {
        return order;
    }

    /** The pcs of block {@code b}'s instructions, in order. */
    public int[] pcs(int b) {
        return pcs[b];
    }

    /** [fall-through block, taken block]; -1 for none, {@link #OFF_END} past the program's end. */
    public int[] succs(int b) {
        return succs[b];
    }

    /** Predecessors inside this function, ascending. */
    public int[] preds(int b) {
        return preds[b];
    }

    public int startPc(int b) {
        return pcs[b][0];
    }

    public int lastPc(int b) {
        return pcs[b][pcs[b].length - 1];
    }

    /** The local number of the block holding {@code pc}, or -1 when this function does not reach it. */
    public int blockOf(int pc) {
        int id = graph.blockAt(pc);
        return id < 0 ? -1 : function.localIndex(id);
    }
}
