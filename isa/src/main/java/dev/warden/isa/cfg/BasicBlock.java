package dev.warden.isa.cfg;

import java.util.List;
import java.util.OptionalInt;

/**
 * A maximal run of instructions that control enters only at the first and leaves only after the
 * last: {@code first..last} by pc (a 64-bit immediate load takes two pcs), {@code length}
 * instructions. Blocks end at jumps, {@code exit}s and local calls, and before every jump target
 * and function entry of the whole program, so a block is the same in every function that
 * reaches it. Blocks are numbered in pc order.
 *
 * <p>Successors are the block's edges inside a function: jump targets, fall-through, and for a
 * local call the block after it (the call's target is a {@link CallSite}, not a successor).
 * Predecessors are their inverse, over the whole program.
 */
public final class BasicBlock {
    private final int id;
    private final int first;
    private final int last;
    private final int length;
    private final Terminator terminator;
    private final boolean fallsOffEnd;
    private final IntList successors;
    private final IntList predecessors;
    private final IntList pcs;
    private final int fallThrough;
    private final int taken;

    BasicBlock(int id, int first, int last, int[] pcs, Terminator terminator, boolean fallsOffEnd,
            int[] successors, int[] predecessors, int fallThrough, int taken) {
        this.id = id;
        this.first = first;
        this.last = last;
        this.length = pcs.length;
        this.pcs = IntList.wrap(pcs);
        this.fallThrough = fallThrough;
        this.taken = taken;
        this.terminator = terminator;
        this.fallsOffEnd = fallsOffEnd;
        this.successors = IntList.wrap(successors);
        this.predecessors = IntList.wrap(predecessors);
    }

    /** Index in {@link ControlFlowGraph#blocks()}. */
    public int id() {
        return id;
    }

    /** The pc of the first instruction. */
    public int first() {
        return first;
    }

    /** The pc of the last instruction. */
    public int last() {
        return last;
    }

    /** The pc just past the block ({@code last} plus the last instruction's slots). */
    public int end(ControlFlowGraph graph) {
        return last + graph.program().at(last).slots();
    }

    /** Number of instructions. */
    public int length() {
        return length;
    }

    /** The pcs of its instructions, ascending (a 64-bit load's second slot is not one). */
    public List<Integer> pcs() {
        return pcs;
    }

    /**
     * The block control continues at when the last instruction does not jump: the next block
     * after a conditional jump not taken, a local call's return, or a plain fall-through; empty
     * after {@code goto} and {@code exit}, and where the program ends. Unlike
     * {@link #successors()} this tells a branch's two edges apart even when both reach one block.
     */
    public OptionalInt fallThrough() {
        return fallThrough < 0 ? OptionalInt.empty() : OptionalInt.of(fallThrough);
    }

    /** The target block of a conditional jump or {@code goto}; empty for every other terminator. */
    public OptionalInt taken() {
        return taken < 0 ? OptionalInt.empty() : OptionalInt.of(taken);
    }

    public Terminator terminator() {
        return terminator;
    }

    /**
     * Whether control can run past the program's last instruction from here: a
     * {@link Terminator#FALL_OFF_END} block, or a branch or local call that is the program's last
     * instruction (its not-taken edge, or the return, has nowhere to go).
     */
    public boolean fallsOffEnd() {
        return fallsOffEnd;
    }

    /** Successor block ids: for a branch the target first, then the fall-through. */
    public List<Integer> successors() {
        return successors;
    }

    /** Predecessor block ids, ascending (a block reached from itself lists itself). */
    public List<Integer> predecessors() {
        return predecessors;
    }

    @Override
    public String toString() {
        return "block " + id + " [" + first + ".." + last + "] " + terminator + " -> " + successors;
    }
}
