package dev.warden.eim;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of reading a policy: the policy when it has no errors (it may still have
 * warnings), and every diagnostic found, in file order.
 */
public record ParseResult(Optional<Policy> policy, List<Diagnostic> diagnostics, SourceMap sources) {
    public ParseResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }

    public long count(Severity s) {
        return diagnostics.stream().filter(d -> d.severity() == s).count();
    }
}
