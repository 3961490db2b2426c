package dev.warden.isa.asm;

import java.util.List;

/**
 * Assembly text that is not a valid program. Carries every error found, in source order;
 * {@link #getMessage()} lists them one per line as {@code line:column: message}.
 */
public final class AssemblyException extends Exception {
    private final List<Diagnostic> diagnostics;

    public AssemblyException(List<Diagnostic> diagnostics) {
        super(render(diagnostics), null, false, false);
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("an assembly error needs at least one diagnostic");
        }
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    private static String render(List<Diagnostic> diagnostics) {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : diagnostics) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(d);
        }
        return sb.toString();
    }
}
