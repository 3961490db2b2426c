package dev.warden.vm;

/**
 * Carries a {@link Fault} out of the hot path: memory checks, helpers and engines throw it, and
 * every engine catches it and returns {@link ExecResult.Faulted}. It never escapes an
 * {@link Engine}; it has no stack trace, so throwing it is cheap.
 */
public final class VmFault extends RuntimeException {
    private final transient Fault fault;
    private final transient java.util.OptionalInt tailCallTarget;

    public VmFault(Fault fault) {
        this(fault, java.util.OptionalInt.empty());
    }

    private VmFault(Fault fault, java.util.OptionalInt tailCallTarget) {
        super(fault.toString(), null, false, false);
        this.fault = fault;
        this.tailCallTarget = tailCallTarget;
    }

    /**
     * A fault that happened in program {@code target}, which a tail call ran in a subprogram's
     * place, as the caller reports it (its message names the target): callers further up a chain
     * of such tail calls pass it on as it is rather than name another target.
     */
    public static VmFault inTailCallTarget(Fault fault, int target) {
        return new VmFault(fault, java.util.OptionalInt.of(target));
    }

    /** The tail call's target this fault was reported as happening in ({@link #inTailCallTarget}), if any. */
    public java.util.OptionalInt tailCallTarget() {
        return tailCallTarget;
    }

    public VmFault(int pc, FaultKind kind, String message) {
        this(new Fault(pc, kind, message));
    }

    public Fault fault() {
        return fault;
    }
}
