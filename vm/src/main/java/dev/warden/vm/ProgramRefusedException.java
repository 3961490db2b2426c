package dev.warden.vm;

/**
 * An {@link Engine} cannot prepare this program: it exceeds a limit of that engine (the message
 * names the limit and the program's figure), or, with a cause, the engine failed internally on
 * it (a bug to report; the program itself may be fine). The engine holds nothing of the program
 * afterwards: its memory is freed.
 *
 * <p>The one exception {@link Engine#load} throws for a program it refuses; the JIT throws it
 * for programs whose functions share too much code or that need more methods or constants than
 * one class file holds (see docs/jit.md, "Limits"). The interpreter accepts every
 * {@link dev.warden.isa.Program}.
 */
public final class ProgramRefusedException extends RuntimeException {
    public ProgramRefusedException(String message) {
        super(message);
    }

    public ProgramRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
