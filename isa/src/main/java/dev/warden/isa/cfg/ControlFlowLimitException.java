package dev.warden.isa.cfg;

/**
 * A program whose functions share so much code that listing, for each function, the code it
 * reaches would no longer be linear in the program's size (see {@link ControlFlowGraph#of}).
 * Compilers never share code between functions (the Linux verifier rejects it), so only a
 * hand-written or adversarial program meets this; Warden refuses it rather than spend quadratic
 * time and memory on it. The message names the function entry at which the limit was reached.
 */
public final class ControlFlowLimitException extends RuntimeException {
    private final int entry;

    ControlFlowLimitException(int entry, String message) {
        super(message, null, false, false);
        this.entry = entry;
    }

    /** The entry pc of the function whose code pushed the total over the limit. */
    public int entry() {
        return entry;
    }
}
