package dev.warden.eim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs the parser and checker on a thread with a large stack: the parse tree of a long operator
 * chain ({@code a + a + ... + a}) is as deep as the chain, and the visitor recurses over it. A
 * policy deeper than even that stack becomes a diagnostic, never a crash.
 */
final class Guard {
    private static final long STACK_BYTES = 256L << 20;

    private Guard() {}

    static Loader.Loaded run(String displayName, Supplier<Loader.Loaded> work) {
        AtomicReference<Loader.Loaded> out = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                out.set(work.get());
            } catch (StackOverflowError e) {
                Location at = new Location(displayName, 1, 1, 1, "");
                Diagnostic d = new Diagnostic(at, Code.EIM001, "policy nested too deeply to check");
                out.set(new Loader.Loaded(new ParseResult(Optional.empty(), List.of(d), new SourceMap()),
                        new Loader.ParsedFile(SourceFile.of(displayName, ""), List.of(), new IdentityHashMap<>(), List.of())));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "eim-check", STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + displayName, e);
        }
        if (failure.get() instanceof RuntimeException re) throw re;
        if (failure.get() instanceof Error err) throw err;
        if (failure.get() != null) throw new IllegalStateException(failure.get());
        return out.get();
    }
}
