package dev.warden.vm;

/**
 * A helper function a program calls by id ({@code call N}, or {@code callx} with the id in a
 * register). Arguments arrive in r1-r5 and the result goes to r0, all unboxed, so compiled code
 * calls {@link #call} directly. A helper that touches program memory goes through
 * {@code memory} (checked against the region table, faults located at {@code pc}); a helper
 * that fails throws {@link VmFault}, which ends the run with that fault.
 */
@FunctionalInterface
public interface Helper {
    long call(Memory memory, int pc, long r1, long r2, long r3, long r4, long r5);
}
