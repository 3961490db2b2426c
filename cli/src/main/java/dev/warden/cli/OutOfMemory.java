package dev.warden.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Running out of Java heap is resource exhaustion, not a bug: the command says so, with the limit
 * and how to raise it, and exits with status 2 instead of printing a stack trace.
 */
final class OutOfMemory {
    /** Built when the class loads, so that reporting an exhausted heap needs no allocation of its own. */
    static final String MESSAGE = String.format(Locale.ROOT,
            "out of memory: the Java heap (at most %d MB) is too small for this input; "
                    + "give the JVM more, e.g. WARDEN_JAVA_OPTS=-Xmx%dm", Runtime.getRuntime().maxMemory() >> 20,
            Math.max(512, 2 * (Runtime.getRuntime().maxMemory() >> 20)));
    /** The exit status, as for other inputs Warden could not process. */
    static final int EXIT_STATUS = 2;

    private OutOfMemory() {}

    /** Runs {@code command}; an {@link OutOfMemoryError} it throws becomes {@link #MESSAGE} on {@code err} and status 2. */
    static int guard(IntSupplier command, PrintWriter err) {
        try {
            return command.getAsInt();
        } catch (OutOfMemoryError e) {
            // What the command held is unreachable once the error has unwound its frames, so there
            // is room again to print.
            err.println("warden: " + MESSAGE);
            err.flush();
            return EXIT_STATUS;
        }
    }
}
