package dev.warden.runtime.fuzz;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelOracle;
import dev.warden.runtime.kernel.LoadResult;
import dev.warden.runtime.kernel.ProgType;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.SmtBudget;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.ProgramType;

/** What the soundness harness asks of a verifier: accept or reject one program. */
@FunctionalInterface
public interface Judge {
    /** The verdict; an exception means the verifier failed on this program. */
    Verdict judge(BpfObject object, BpfProgram program);

    /** A verifier's answer. */
    enum Verdict { ACCEPTED, REJECTED }

    /**
     * Warden's verifier with {@code VerifierOptions.linux().withType(type)}. Throws
     * {@link IllegalStateException} when the Linux platform does not define {@code type}.
     */
    static Judge wardenVerifier(String type) {
        return wardenVerifier(type, SmtBudget.DEFAULT);
    }

    /** Warden's verifier with a given Z3 budget ({@link SmtBudget#OFF}: the domains decide alone). */
    static Judge wardenVerifier(String type, SmtBudget smt) {
        Platform linux = Platform.linux();
        ProgramType t = linux.type(type).or(() -> linux.typeForSection(type)).orElseThrow(() ->
                new IllegalStateException("the Linux platform defines no program type '" + type + "' (types: "
                        + linux.types().stream().map(ProgramType::name).toList() + ")"));
        VerifierOptions options = VerifierOptions.linux().withType(t).withSmt(smt);
        return (object, program) -> switch (Verifier.verify(object, program, options)) {
            case VerificationResult.Verified v -> Verdict.ACCEPTED;
            case VerificationResult.Rejected r -> Verdict.REJECTED;
        };
    }

    /**
     * The running Linux kernel's verifier (bpf() BPF_PROG_LOAD as XDP, with the object's maps
     * created). Throws {@link IllegalStateException} with the reason when the kernel oracle is
     * unavailable (no root, bpf() blocked, {@code -Dwarden.kernel=off}, a wedged JIT).
     */
    static Judge linuxKernel() {
        if (KernelOracle.available() instanceof Availability.Unavailable u) {
            throw new IllegalStateException("the kernel oracle is unavailable: " + u.reason());
        }
        return (object, program) -> switch (KernelOracle.loadObject(ProgType.XDP, object, program)) {
            case LoadResult.Loaded l -> {
                l.program().close();
                yield Verdict.ACCEPTED;
            }
            case LoadResult.Rejected r -> Verdict.REJECTED;
        };
    }
}
