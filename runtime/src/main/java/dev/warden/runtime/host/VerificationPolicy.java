package dev.warden.runtime.host;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.platform.ProgramType;
import dev.warden.verifier.VerifiedProgram;
import java.util.Optional;

/**
 * How the load path proves each program safe before it is compiled and attached: the seam
 * between the host API and the verifier. Only a {@link VerifiedProgram}, which only the verifier
 * makes, can be attached.
 *
 * <p>Two implementations: {@link #linux}, {@link Verifier#verify} against the entry's Linux
 * program type, and {@link EimClassPolicy}, verification against a class of an EIM policy (whose
 * entries get their arguments, and whose host functions and host variables are linked by name).
 */
@FunctionalInterface
public interface VerificationPolicy {
    /** Verifies {@code program} of {@code object} for {@code entry}. */
    VerificationResult verify(BpfObject object, BpfProgram program, EntryPoint entry);

    /** Linux's rules, default options (privileged, termination proved). */
    static VerificationPolicy linux() {
        return linux(VerifierOptions.linux());
    }

    /**
     * Linux's rules with {@code options}: the program type is the entry's
     * ({@link dev.warden.runtime.linux.LinuxProgramType#name()}) looked up in the options'
     * platform. A platform that declares host-function prototypes lets programs call them.
     */
    static VerificationPolicy linux(VerifierOptions options) {
        return (object, program, entry) -> {
            Optional<ProgramType> type = options.platform().type(entry.type().name());
            VerifierOptions o = type.map(options::withType).orElse(options);
            return Verifier.verify(object, program, o);
        };
    }
}
