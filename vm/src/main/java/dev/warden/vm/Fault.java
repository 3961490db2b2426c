package dev.warden.vm;

/**
 * A defined end of a run that did not return: the pc (slot index) of the instruction at fault,
 * the kind, and a human-readable message.
 */
public record Fault(int pc, FaultKind kind, String message) {
    @Override
    public String toString() {
        return "fault at pc " + pc + ": " + kind + ": " + message;
    }
}
