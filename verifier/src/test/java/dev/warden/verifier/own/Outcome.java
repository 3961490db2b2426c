package dev.warden.verifier.own;

import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.LineInfo;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A verdict reduced to what the annotations can state: accepted, or the violations with their
 * obligation and the source line of their pc.
 */
public record Outcome(boolean accepted, List<Located> violations) {
    public Outcome {
        violations = List.copyOf(violations);
    }

    /** One violation at a source position; {@code file} is a bare file name, "?" when the pc has no line. */
    public record Located(ObligationKind obligation, String file, int line, int pc, String message) {
        boolean sameAs(Expectation.ExpectedViolation expected) {
            return obligation == expected.obligation() && file.equals(expected.file()) && line == expected.line();
        }

        /** The part that must not depend on the compiler: obligation and source line. */
        String position() {
            return obligation.key() + " at " + file + ":" + line;
        }

        @Override
        public String toString() {
            return position() + " (pc " + pc + ": " + message + ")";
        }
    }

    public static Outcome of(VerificationResult result, BpfProgram program) {
        return switch (result) {
            case VerificationResult.Verified v -> new Outcome(true, List.of());
            case VerificationResult.Rejected r -> new Outcome(false, r.violations().stream()
                    .map(v -> locate(v, program)).toList());
        };
    }

    /**
     * The source line of a pc: clang records a line at the start of each statement, so a pc belongs
     * to the closest record at or before it. The verifier's own {@code line} is not trusted here:
     * this is the check that it reported the right pc.
     */
    static Located locate(Violation v, BpfProgram program) {
        Optional<LineInfo> best = Optional.empty();
        for (LineInfo l : program.lines()) {
            if (l.pc() <= v.pc() && (best.isEmpty() || l.pc() >= best.get().pc())) {
                best = Optional.of(l);
            }
        }
        return best.map(l -> new Located(v.kind(), baseName(l.file()), l.line(), v.pc(), v.message()))
                .orElse(new Located(v.kind(), "?", 0, v.pc(), v.message()));
    }

    static String baseName(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? file : file.substring(slash + 1);
    }

    /** What differs from the expectation, one line each; empty when the outcome matches. */
    public List<String> mismatches(Expectation e) {
        List<String> out = new ArrayList<>();
        if (e.accepts()) {
            if (!accepted) {
                out.add("expected accept, got reject:");
                violations.forEach(v -> out.add("  " + v));
            }
            return out;
        }
        if (accepted) {
            out.add("expected reject (" + e.obligation().orElseThrow().key() + " at "
                    + e.bugs().stream().map(b -> b.file() + ":" + b.line()).toList() + "), got accept");
            return out;
        }
        for (Expectation.ExpectedViolation bug : e.bugs()) {
            if (violations.stream().noneMatch(v -> v.sameAs(bug))) {
                out.add("missing: " + bug);
            }
        }
        for (Located v : violations) {
            if (e.bugs().stream().noneMatch(v::sameAs)) {
                out.add("unexpected: " + v);
            }
        }
        if (!out.isEmpty()) {
            out.add("reported: " + violations);
        }
        return out;
    }
}
