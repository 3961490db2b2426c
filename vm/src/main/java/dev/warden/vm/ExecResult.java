package dev.warden.vm;

/** How a run ended: the program returned r0, or it faulted. */
public sealed interface ExecResult {

    /** The program executed {@code exit} in its outermost frame with {@code r0}. */
    record Returned(long r0) implements ExecResult {}

    /** The run stopped at a fault; the host state is intact. */
    record Faulted(Fault fault) implements ExecResult {}

    /**
     * {@code new Returned(r0)}, shared for the values most programs return (-1..4: verdicts, XDP
     * and TC actions), so that a run returning one allocates no result. A {@code Returned} is an
     * immutable value: compare it with {@code equals} or by its {@code r0}.
     */
    static Returned returned(long r0) {
        return ReturnedCache.of(r0);
    }
}
