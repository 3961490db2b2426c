package dev.warden.vm;

/**
 * Whether a loaded program polls for cancellation (KFlex's cancellation points). With
 * {@link #POLLED} every engine polls before each back edge (a jump or goto whose target is at or
 * before its own pc) and each call (helper, local, {@code callx}): the interpreter calls {@link
 * Memory#cancellationPoint}, the JIT reads the clock ({@link Memory#pollClock}) when a slice of
 * its instruction budget runs out there; a
 * run whose time budget ({@link Memory#setTimeBudget}) has run out, or that the host cancelled
 * ({@link Memory#cancel}), then ends there with {@link FaultKind#CANCELLED}, through the same path
 * as any fault (what the run held is given back by its host). Every loop passes a back edge on each
 * iteration and every recursion a call, so a runaway stops after at most one loop body or one
 * call's worth of straight-line code.
 */
public enum Cancellation {
    /** No polls (the instruction budget still bounds a run). */
    OFF,
    /** Polls at back edges and calls. */
    POLLED
}
