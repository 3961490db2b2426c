package dev.warden.isa.cfg;

import java.util.Arrays;
import java.util.List;

/**
 * One eBPF function: its entry pc (0, or the target of a local call) and the blocks it reaches
 * without following calls (a local call continues at the next instruction). Functions are found
 * by reachability, not by ELF symbols: what a run can execute. When functions share code (a
 * jump from one into another's body), a block belongs to each function that reaches it.
 *
 * <p>Named after the kernel's "subprog" (and to keep clear of {@code java.util.function}).
 */
public final class Subprogram {
    private final List<BasicBlock> graphBlocks;
    private final int entry;
    private final int entryBlock;
    private final int[] blocks;
    private final int instructions;
    private final List<CallSite> callSites;
    private final List<Edge> backEdges;
    private final IntList loopHeads;

    Subprogram(List<BasicBlock> graphBlocks, int entry, int entryBlock, int[] blocks, int instructions, List<CallSite> callSites,
            List<Edge> backEdges, int[] loopHeads) {
        this.graphBlocks = graphBlocks;
        this.entry = entry;
        this.entryBlock = entryBlock;
        this.blocks = blocks;
        this.instructions = instructions;
        this.callSites = List.copyOf(callSites);
        this.backEdges = List.copyOf(backEdges);
        this.loopHeads = IntList.wrap(loopHeads);
    }

    /** The pc of the first instruction executed. */
    public int entry() {
        return entry;
    }

    /** The block starting at {@link #entry()}. */
    public int entryBlock() {
        return entryBlock;
    }

    /** The ids of the blocks this function reaches, ascending (so in pc order). */
    public List<Integer> blocks() {
        return IntList.wrap(blocks);
    }

    /** Number of blocks this function reaches. */
    public int blockCount() {
        return blocks.length;
    }

    /**
     * The function's own number for block {@code id}: its index in {@link #blocks()}, so that a
     * consumer can keep per-block data in arrays sized to this function rather than to the whole
     * program; -1 when the function does not reach the block.
     */
    public int localIndex(int id) {
        int i = Arrays.binarySearch(blocks, id);
        return i < 0 ? -1 : i;
    }

    /** The block with local index {@code index} (see {@link #localIndex(int)}). */
    public BasicBlock localBlock(int index) {
        return graphBlocks.get(blocks[index]);
    }

    /** Whether this function reaches block {@code id}. */
    public boolean contains(int id) {
        return Arrays.binarySearch(blocks, id) >= 0;
    }

    /** Number of instructions in its blocks. */
    public int instructionCount() {
        return instructions;
    }

    /** The local calls this function makes, by pc. */
    public List<CallSite> callSites() {
        return callSites;
    }

    /**
     * Edges to a block on the current path of a depth-first search from the entry (successors
     * visited in order): every cycle of the function contains one. In a reducible function these
     * are exactly the edges to a loop head from inside its loop.
     */
    public List<Edge> backEdges() {
        return backEdges;
    }

    /** The targets of {@link #backEdges()}, ascending. */
    public List<Integer> loopHeads() {
        return loopHeads;
    }

    /**
     * This function's weak topological order (computed on each call; see
     * {@link WeakTopologicalOrder} for its cost).
     */
    public WeakTopologicalOrder weakTopologicalOrder() {
        return WeakTopologicalOrder.of(graphBlocks, blocks, Arrays.binarySearch(blocks, entryBlock));
    }

    @Override
    public String toString() {
        return "function at " + entry + ": blocks " + blocks();
    }
}
