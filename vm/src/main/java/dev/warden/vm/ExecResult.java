package dev.warden.vm;

/** How a run ended: the program returned r0, or it faulted. */
public sealed interface ExecResult {

    /** The program executed {@code exit} in its outermost frame with {@code r0}. */
    record Returned(long r0) implements ExecResult {}

    /** The run stopped at a fault; the host state is intact. */
    record Faulted(Fault fault) implements ExecResult {}
}
