package dev.warden.vm;

/**
 * Carries a {@link Fault} out of the hot path: memory checks, helpers and engines throw it, and
 * every engine catches it and returns {@link ExecResult.Faulted}. It never escapes an
 * {@link Engine}; it has no stack trace, so throwing it is cheap.
 */
public final class VmFault extends RuntimeException {
    private final transient Fault fault;

    public VmFault(Fault fault) {
        super(fault.toString(), null, false, false);
        this.fault = fault;
    }

    public VmFault(int pc, FaultKind kind, String message) {
        this(new Fault(pc, kind, message));
    }

    public Fault fault() {
        return fault;
    }
}
