package dev.warden.verifier.prevail;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.asm.AssemblyException;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Puts one PREVAIL case to Warden and classifies the answer.
 *
 * <p>What is compared today: the verdict (PREVAIL's expected messages empty or not, against
 * Warden's accept or reject) for cases whose initial state is the one Warden's public entry gives a
 * bare program (nothing known but the frame pointer). Cases that set registers need an entry point
 * that takes an initial abstract state ({@link PreState} is that state as data); until the
 * verifier offers one they are "not expressible" with that reason.
 */
public final class PrevailRunner {
    private PrevailRunner() {}

    /** The outcome for one case: its class, and a reason or detail for the report. */
    public record Result(PrevailCase testCase, Classification classification, String detail) {}

    public static Result run(PrevailCase c) {
        if (c.expectedException().isPresent()) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "tests PREVAIL's YAML reader");
        }
        if (c.hasObserve()) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "observe: intermediate states");
        }
        if (c.options().contains("big_endian")) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "big-endian target");
        }
        PreState pre = PreState.parse(c.pre());
        PrevailAssembly.Translation t = PrevailAssembly.translate(c.code());
        if (t instanceof PrevailAssembly.Translation.NotExpressible(String reason)) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, reason);
        }
        String text = ((PrevailAssembly.Translation.Assembly) t).text();
        Program program;
        try {
            program = Assembler.assemble(text);
        } catch (AssemblyException e) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "assembly: " + firstLine(e.getMessage()));
        }
        if (!pre.isDefaultEntry()) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "initial state needs the verifier's initial-state entry");
        }
        // PREVAIL checks termination only when asked to; Warden's runtime mode is the same contract.
        Termination termination = c.options().contains("termination") ? Termination.PROOF : Termination.RUNTIME;
        VerificationResult result;
        try {
            result = Verifier.verify(program, VerifierOptions.linux().withTermination(termination));
        } catch (UnsupportedOperationException e) {
            return new Result(c, Classification.NOT_RUN, "analysis not available: " + e.getMessage());
        }
        return compare(c, result);
    }

    static Result compare(PrevailCase c, VerificationResult result) {
        boolean wardenAccepts = result instanceof VerificationResult.Verified;
        String warden = switch (result) {
            case VerificationResult.Verified v -> "accept";
            case VerificationResult.Rejected r -> "reject: " + r.violations().stream().map(Violation::toString)
                    .collect(Collectors.joining("; "));
        };
        String detail = "PREVAIL " + (c.prevailAccepts() ? "accept" : "reject: " + String.join("; ", c.messages()))
                + " | Warden " + warden;
        if (wardenAccepts == c.prevailAccepts()) {
            return new Result(c, Classification.AGREE, detail);
        }
        if (semanticsDiffer(c) || kernelFrameRule(c, result)) {
            return new Result(c, Classification.DIFFERENT_SEMANTICS, detail);
        }
        return new Result(c, wardenAccepts ? Classification.WARDEN_MORE_PRECISE : Classification.WARDEN_LESS_PRECISE, detail);
    }

    /**
     * Where the disagreement comes from a definition, not from precision: eBPF defines division by
     * zero (PREVAIL can be told to forbid it), and PREVAIL's bare entry leaves r1 uninitialised where
     * Warden's bare program gets an unknown-scalar context in r1.
     */
    static boolean semanticsDiffer(PrevailCase c) {
        if (c.options().contains("!allow_division_by_zero")) {
            return true;
        }
        List<String> m = c.messages();
        return m.stream().anyMatch(s -> s.contains("division by zero") || s.contains("Uninitialized") && s.contains("r1"));
    }

    /**
     * BPF-to-BPF calls: like the kernel, Warden gives a callee fresh r6-r9 and wants r0 written
     * before a subprogram's exit; PREVAIL lets a callee read its caller's r6 and return nothing.
     */
    static boolean kernelFrameRule(PrevailCase c, VerificationResult result) {
        boolean localCall = c.code().values().stream().anyMatch(b -> b.matches("(?s).*\\bcall\\s+<.*"));
        return localCall && result instanceof VerificationResult.Rejected r
                && r.violations().stream().allMatch(v -> v.obligation() == dev.warden.verifier.ObligationKind.INITIALISED);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
