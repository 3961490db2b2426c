package dev.warden.cli;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Severity;
import dev.warden.verifier.eim.EimPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code --policy P.eim --class C}: the class of a policy a program is verified against. Reads
 * and checks the policy; a policy with errors, a missing file or an unknown class is a user error
 * (exit 2) that says which.
 */
final class EimClassOption {
    private EimClassOption() {}

    static Optional<EimPlatform> load(Optional<Path> policy, Optional<String> className) {
        if (policy.isEmpty()) {
            if (className.isPresent()) {
                throw new UserError("--class needs --policy (the policy file that declares the class)", 2);
            }
            return Optional.empty();
        }
        Path p = policy.get();
        if (!Files.isRegularFile(p)) {
            throw new UserError(p + ": " + (Files.exists(p) ? "not a regular file" : "no such file"), 2);
        }
        if (className.isEmpty()) {
            throw new UserError("--policy needs --class (which class of " + p + " the program belongs to)", 2);
        }
        ParseResult parsed = Eim.parse(p);
        if (parsed.hasErrors()) {
            String errors = parsed.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).map(Diagnostic::format)
                    .collect(Collectors.joining("\n"));
            throw new UserError(p + " has errors (see 'warden check'):\n" + errors, 2);
        }
        return switch (EimPlatform.forClass(parsed, className.get())) {
            case EimPlatform.Built.Ok ok -> Optional.of(ok.platform());
            case EimPlatform.Built.Failed f -> throw new UserError(p + ": " + f.message(), 2);
        };
    }

    /**
     * The programs of an object a class's entry runs: those in section {@code eim/<entry>} when the
     * object has any, otherwise every program of the object.
     */
    static <T> List<T> entryPrograms(List<T> programs, java.util.function.Function<T, String> section, EimPlatform eim) {
        String wanted = "eim/" + eim.grants().entry().name();
        List<T> matching = programs.stream().filter(p -> section.apply(p).equals(wanted)).toList();
        return matching.isEmpty() ? programs : matching;
    }

    /**
     * How the program fares against its class's limits, for the text output: the stack bytes it
     * can touch, the instructions a run can execute (proved, or left to the runtime's budget), and
     * the heap {@code memory < M} gives (KFlex).
     */
    static String limits(EimPlatform eim, dev.warden.verifier.Stats s, dev.warden.verifier.VerificationResult r) {
        dev.warden.eim.Limits l = eim.limits();
        String instructions = s.maxInstructionsExecuted().isPresent()
                ? "at most " + s.maxInstructionsExecuted().getAsLong() + " executed"
                : r instanceof dev.warden.verifier.VerificationResult.Verified ? "enforced by the runtime's budget (no proved bound)"
                : "no proved bound";
        return "stack " + l.stack().show() + ": " + s.stackBytes() + " bytes used; instructions " + l.instructions().show() + ": "
                + instructions + "; memory " + l.memory().show() + ": " + heap(l.memory());
    }

    /** What {@code memory < M} gives (KFlex): a heap of the largest power of two below M, or none. */
    private static String heap(dev.warden.eim.Bound memory) {
        if (memory instanceof dev.warden.eim.Bound.Finite f && f.exclusive() > 16) {
            return "a heap of " + Long.highestOneBit(f.exclusive() - 1) + " bytes (kflex_alloc; the largest power of two below it)";
        }
        return "no heap (a finite memory < M gives one)";
    }
}
