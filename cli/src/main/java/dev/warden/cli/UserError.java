package dev.warden.cli;

/**
 * A failure caused by the user's input (a bad file, a malformed program, a broken policy).
 * The command line prints its message, already located, without a stack trace.
 */
public final class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, 1);
    }

    public UserError(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
