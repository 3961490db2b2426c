package dev.warden.cli;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.eim.BufferEntry;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import dev.warden.verifier.eim.EimPlatform;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code warden exec PROG --policy P --class C}: what must hold before a program runs as an
 * extension of class C. The run is the plain one (r1 = the input buffer, r2 = its length), so only
 * a class whose entry is shaped {@code (T *data, uN len)} (bench/workloads/bench.eim) can be run
 * this way, and only with a buffer and length the entry's prototype and constraints allow: the
 * proof assumed them. Then the program is verified against the class; a rejection is exit 1 with
 * the violations.
 *
 * <p>With the JIT, the run leaves out the checks the proof made redundant ({@link BufferEntry}: the
 * stack, and {@code *data}, which the run passes as the --mem buffer of at least
 * {@code sizeof(*data)} bytes); the interpreter checks every access. The run gets no helper
 * (the plain run's helpers are the conformance suite's, not Linux's, which a class's
 * {@code helper = N} grants mean), so a program that calls one, a host function, or uses a map or
 * host variable is refused before it is verified.
 */
final class EimExecGate {
    private EimExecGate() {}

    /**
     * Checks that class {@code eim}'s entry can be called with {@code input}, that {@code program}
     * needs nothing the plain run lacks, and that it verifies against the class, returning the
     * proof; throws a
     * {@link UserError} (exit 2 for what cannot be run, exit 1 for a rejection) otherwise.
     */
    static VerifiedProgram admit(String what, BpfObject object, BpfProgram program, EimPlatform eim, byte[] input, Termination termination) {
        BufferEntry.shapeProblem(eim).ifPresent(p -> {
            throw new UserError("exec --policy " + p.replace("the buffer", "the --mem buffer") + " (the host API, EimClassPolicy, loads other entries it can call)", 2);
        });
        BufferEntry.bufferProblem(eim, input.length).ifPresent(p -> {
            throw new UserError(what + ": " + p.replace("the buffer", "the --mem"), 2);
        });
        List<String> unsupported = BufferEntry.unsupported(program.program());
        if (!unsupported.isEmpty()) {
            throw new UserError(what + ": program " + program.name() + " needs what exec --policy does not provide:\n  "
                    + String.join("\n  ", unsupported), 2);
        }
        VerificationResult r = Verifier.verify(object, program, VerifierOptions.linux().withTermination(termination), eim);
        return switch (r) {
            case VerificationResult.Verified v -> v.program();
            case VerificationResult.Rejected rej -> {
                List<String> lines = new ArrayList<>();
                for (Violation v : rej.violations()) {
                    lines.add("pc " + v.pc() + v.line().map(l -> " (" + l + ")").orElse("") + ": " + v.message());
                }
                throw new UserError(what + ": program " + program.name() + " is rejected by class " + eim.className() + ":\n  "
                        + String.join("\n  ", lines), 1);
            }
        };
    }
}
