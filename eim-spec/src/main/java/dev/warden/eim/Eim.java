package dev.warden.eim;

import java.nio.file.Path;

/**
 * Entry point of the EIM language: read and check a policy file (and what it includes).
 *
 * <pre>{@code
 * ParseResult r = Eim.parse(Path.of("nginx.eim"));
 * r.diagnostics().forEach(d -> System.err.println(d.format()));
 * r.policy().ifPresent(p -> p.classesAt("processBegin"));
 * }</pre>
 */
public final class Eim {
    private Eim() {}

    /** Parses and checks a policy file; every syntax and semantic problem is a diagnostic, never an exception. */
    public static ParseResult parse(Path file) {
        return Guard.run(file.toString(), () -> Loader.load(file)).result();
    }

    /**
     * Parses and checks policy text; {@code displayName} names it in diagnostics and includes
     * are resolved against {@code directory}.
     */
    public static ParseResult parse(String displayName, String text, Path directory) {
        return Guard.run(displayName, () -> Loader.load(displayName, text, directory)).result();
    }

    /**
     * The canonical text of a policy file (its own declarations and includes, comments kept
     * before the declaration they precede or at the end of the line it ends on), or the diagnostics that prevent formatting.
     */
    public static Formatted format(Path file) {
        Loader.Loaded l = Guard.run(file.toString(), () -> Loader.load(file));
        if (l.result().hasErrors()) return new Formatted.Failed(l.result().diagnostics());
        return new Formatted.Text(Formatter.format(l.top()));
    }

    /** Formats text (see {@link #format(Path)}). */
    public static Formatted format(String displayName, String text, Path directory) {
        Loader.Loaded l = Guard.run(displayName, () -> Loader.load(displayName, text, directory));
        if (l.result().hasErrors()) return new Formatted.Failed(l.result().diagnostics());
        return new Formatted.Text(Formatter.format(l.top()));
    }

    /** The outcome of formatting. */
    public sealed interface Formatted {
        record Text(String text) implements Formatted {}

        record Failed(java.util.List<Diagnostic> diagnostics) implements Formatted {}
    }
}
