package dev.warden.vm;

/**
 * Thrown by a {@link BudgetedHelper} to end the function that called it as if it had run
 * {@code exit} with r0 = {@link #r0()}: a tail call from a subprogram, whose target ran in the
 * subprogram's place, returns the target's r0 to the subprogram's caller. Engines catch it at the
 * helper call; it never leaves a run. No stack trace: it is control flow.
 */
public final class FunctionReturn extends RuntimeException {
    private final long r0;

    public FunctionReturn(long r0) {
        super("return " + r0 + " from the calling function", null, false, false);
        this.r0 = r0;
    }

    public long r0() {
        return r0;
    }
}
