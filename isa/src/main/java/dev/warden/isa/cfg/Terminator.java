package dev.warden.isa.cfg;

/** How a {@link BasicBlock} ends, which decides its successors. */
public enum Terminator {
    /** A conditional jump: the target, then the next instruction. */
    BRANCH,
    /** An unconditional jump ({@code goto}, {@code gotol}): the target only. */
    GOTO,
    /**
     * A local call ({@code call pc+1+imm}): the callee is another function of the graph; inside
     * this function control continues at the next instruction once the callee returns.
     */
    LOCAL_CALL,
    /** {@code exit}: no successor (a return from a local call, or the end of the run). */
    EXIT,
    /** The next instruction starts another block (a jump lands there): it is the one successor. */
    FALL_THROUGH,
    /**
     * The block ends with the program's last instruction, which is not a jump or an exit, so
     * execution would run past it (a run faults there); no successor. A conditional jump or a
     * local call that is the last instruction keeps {@link #BRANCH} or {@link #LOCAL_CALL}, with
     * only the edges that stay inside; {@link BasicBlock#fallsOffEnd()} tells all three apart.
     */
    FALL_OFF_END
}
