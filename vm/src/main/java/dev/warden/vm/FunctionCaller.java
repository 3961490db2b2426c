package dev.warden.vm;

/**
 * Calls a function of the running program from a helper: how {@code bpf_loop} (and any helper
 * that takes a callback) runs the callback. The engine that runs the program provides it
 * ({@link Memory#callFunction}); the call gets a fresh stack frame, as a local call does, and
 * runs under a budget of its own of the run's size (the same rule in every engine).
 */
@FunctionalInterface
public interface FunctionCaller {
    /**
     * Runs the function entered at {@code target} with r1-r5 and returns its r0; faults as the
     * program would, located at the function's pcs, or with {@link FaultKind#CALL_DEPTH} at
     * {@code pc} when no frame is left.
     */
    long call(int target, long r1, long r2, long r3, long r4, long r5, int pc);
}
