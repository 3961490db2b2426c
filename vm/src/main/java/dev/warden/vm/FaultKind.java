package dev.warden.vm;

/** Why a run ended without returning. Every kind names the pc of the instruction at fault. */
public enum FaultKind {
    /** A load, store or atomic operation touched memory outside every region (or straddled two). */
    OUT_OF_BOUNDS,
    /** A store or atomic operation on a read-only region. */
    READ_ONLY,
    /** An atomic operation on an address not aligned to its size (atomicity needs alignment). */
    MISALIGNED,
    /** A local call would make more than {@link Memory#MAX_FRAMES} frames. */
    CALL_DEPTH,
    /** The instruction budget ran out before the program returned. */
    BUDGET_EXHAUSTED,
    /** A call to a helper id that the run's {@link Helpers} do not define. */
    UNKNOWN_HELPER,
    /** A {@code callx} whose register does not hold a valid helper id. */
    BAD_CALLX,
    /** A call to a kernel function (kfunc); no host defines any yet. */
    UNKNOWN_KFUNC,
    /** Execution ran past the last instruction without {@code exit}. */
    FELL_OFF_END,
    /** A legacy packet load (ABS/IND) in a run that has no packet context. */
    NO_PACKET_CONTEXT,
    /** A 64-bit immediate load naming a map, BTF variable or function that no loader resolved. */
    UNRESOLVED_REFERENCE,
    /** A write to r10, the read-only frame pointer. */
    FRAME_POINTER_WRITE,
    /** A helper reported a failure of its own. */
    HELPER_FAILED,
    /** The run's time budget ran out, or the host cancelled it, at a cancellation point ({@link Cancellation}). */
    CANCELLED
}
