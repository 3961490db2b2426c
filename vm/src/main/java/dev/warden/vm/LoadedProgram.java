package dev.warden.vm;

import dev.warden.isa.Program;
import java.lang.foreign.MemorySegment;

/**
 * A program prepared by an {@link Engine}, with its own {@link Memory}. Not thread-safe: one
 * run at a time. Closing it frees its native memory.
 *
 * <p>Each run starts in frame 0 with r1 = the input's address, r2 = its length, r10 = the top of
 * a 512-byte stack, and every other register 0.
 */
public interface LoadedProgram extends AutoCloseable {

    Program program();

    ExecOptions options();

    /** The program's memory: add regions (map values) before running; read it back after. */
    Memory memory();

    /**
     * Runs on a copy of {@code input} (a read-write region named "input"; may be empty). A fault
     * is a result ({@link ExecResult.Faulted}), never an exception.
     *
     * @throws IllegalStateException if this program was closed
     * @throws RuntimeException whatever a host {@link Helper} throws, unchanged (host code is
     *     the host's; Warden's own helpers report failures as {@link FaultKind#HELPER_FAILED})
     */
    ExecResult run(byte[] input);

    /**
     * Runs on native memory in place (no copy): the input region is {@code input} with
     * {@code access}. The caller keeps it alive during the run.
     *
     * @throws IllegalStateException if this program was closed
     * @throws IllegalArgumentException if {@code input} is not native memory
     * @throws RuntimeException whatever a host {@link Helper} throws, unchanged
     */
    ExecResult run(MemorySegment input, Access access);

    /**
     * Runs with r1 = {@code context} and r2 = 0, the way a kernel hook calls a program: the
     * context is a structure the caller placed in a region it added ({@link Memory#addRegion}),
     * and {@code packet} becomes the input region in place (no copy; {@link InputKind#PACKET}
     * runs also read it with legacy packet loads). The caller keeps both alive during the run.
     */
    ExecResult runWithContext(long context, MemorySegment packet, Access access);

    /**
     * Runs with r1-r5 = {@code arguments} (at most five; the missing ones 0), the way a host calls
     * an extension entry that takes arguments (pointers into regions the caller added with
     * {@link Memory#addRegion}, scalars); {@code input} becomes the input region in place (may be
     * empty). The caller keeps the memory alive during the run.
     *
     * @throws IllegalArgumentException for more than five arguments or {@code input} not native
     */
    ExecResult runWithArguments(long[] arguments, MemorySegment input, Access access);

    /**
     * As {@link #runWithContext}, as the next program of an invocation (a tail call from an entry
     * function): on {@code budget} instructions (what the invocation has left), with the deadline
     * and any pending cancellation of {@code previous}, the memory of the program that tail-called.
     *
     * @throws IllegalStateException if this program was closed
     */
    ExecResult continueWithContext(long context, MemorySegment packet, Access access, long budget, Memory previous);

    /**
     * Runs this program in the place of the function running in {@code caller} (a tail call from a
     * subprogram, made by a {@link BudgetedHelper}): from pc 0 with r1 = {@code r1} (every other
     * register 0), in the caller's current frame slot ({@link Memory#enterInPlaceOf}), on
     * {@code budget} instructions; returns r0 and leaves the budget left in this program's
     * {@link Memory#budgetLeft}. Faults, and whatever its helpers throw, propagate as exceptions
     * (the caller's run reports them); this program's memory is restored either way.
     *
     * @throws IllegalStateException if this program was closed
     */
    long runInPlaceOf(Memory caller, long r1, long budget);

    /**
     * Runs one function of this program as a run of its own (how a timer's callback runs, long
     * after the run that registered it): the function whose address ({@link Memory#FUNCTION_BASE}
     * + pc) is {@code function}, in frame 0 on a fresh stack, with r1-r5 = {@code arguments} (at
     * most five; the missing ones 0), an empty input region, on this program's budget and time
     * budget. Its {@code exit} ends the run with its r0. A fault is a result; an address that is no
     * function whose address the program loads is a {@link FaultKind#BAD_CALLX} fault.
     *
     * @throws IllegalStateException if this program was closed
     * @throws IllegalArgumentException for more than five arguments
     */
    ExecResult runFunction(long function, long[] arguments);

    /** Frees the native memory; running afterwards throws {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
