package dev.warden.verifier.eim;

import dev.warden.eim.AccessOp;
import dev.warden.verifier.state.Value;

/**
 * Answers {@code readable(p, n)} and {@code writable(p, n)} from the abstract state: whether every
 * access of up to {@code maxBytes} bytes at {@code p} is proved valid there.
 */
@FunctionalInterface
public interface MemoryOracle {
    Truth accessible(Value pointer, long maxBytes, AccessOp op);

    /** Knows nothing about memory. */
    MemoryOracle NONE = (p, n, op) -> Truth.UNKNOWN;
}
