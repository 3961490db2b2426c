package dev.warden.runtime.fuzz.eim;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.fuzz.Judge;
import dev.warden.verifier.SmtBudget;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.eim.EimPlatform;

/** What the EIM soundness harness asks of a verifier: accept or reject one program against one class. */
@FunctionalInterface
public interface EimJudge {
    /** The verdict; an exception means the verifier failed on this program. */
    Judge.Verdict judge(BpfObject object, BpfProgram program, EimPlatform eim);

    /** Warden's verifier against the class, as {@code warden verify --policy} runs it, with a Z3 budget. */
    static EimJudge warden(SmtBudget smt) {
        VerifierOptions options = VerifierOptions.linux().withSmt(smt);
        return (object, program, eim) -> switch (Verifier.verify(object, program, options, eim)) {
            case VerificationResult.Verified v -> Judge.Verdict.ACCEPTED;
            case VerificationResult.Rejected r -> Judge.Verdict.REJECTED;
        };
    }
}
