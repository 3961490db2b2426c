package dev.warden.runtime.host;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.Field;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Severity;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.eim.EimPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link VerificationPolicy} that verifies every program against one class of an EIM policy
 * ({@link Verifier#verify(BpfObject, BpfProgram, VerifierOptions, EimPlatform)}): the class is
 * the verifier's platform, and a program that does anything the class does not grant is rejected
 * with the verifier's located violations, worded in the policy's terms, which
 * {@link Extensions#load} turns into a {@link LoadException}.
 *
 * <p><b>What the runtime cannot supply yet, and therefore refuses</b> (in {@link #forClass}, with
 * a {@link LoadException} that says why), rather than run a program under assumptions that do
 * not hold:
 * <ul>
 *   <li>An entry with parameters. The verifier assumes r1..r5 hold the entry's arguments: a
 *       pointer argument points to host memory laid out as its C type, a scalar satisfies the
 *       entry's constraints. The host API's {@link Extension#invoke} passes a Linux context in r1
 *       and nothing the class describes; there is no host-memory layout for an entry's pointer
 *       argument in the runtime yet. Only an entry of no parameter, whose program never reads
 *       r1..r5, is loaded.</li>
 *   <li>Host variables and host functions (kfuncs) the class grants are verified, but the runtime
 *       maps no host variable and binds host functions by helper id only: a program that uses
 *       them is refused after verification, before it is compiled, with one located error per such
 *       instruction (for every policy, not only this one).</li>
 * </ul>
 * The entry's {@link EntryPoint#type()} then only chooses the context the runtime builds, which a
 * program of a parameterless entry never sees. The JIT's check elision ({@code ProvedChecks})
 * applies as for Linux programs: the programs this policy lets through reach only the stack and
 * maps, whose layout the proof and the runtime share.
 */
public final class EimClassPolicy implements VerificationPolicy {
    private final Path policy;
    private final EimPlatform platform;
    private final VerifierOptions options;

    private EimClassPolicy(Path policy, EimPlatform platform, VerifierOptions options) {
        this.policy = policy;
        this.platform = platform;
        this.options = options;
    }

    /**
     * Reads {@code policy} with the EIM loader and takes its class {@code className}. A missing
     * file, a policy with errors (each located), an unknown class, or a class whose entry the
     * runtime cannot call yet is a {@link LoadException}.
     */
    public static EimClassPolicy forClass(Path policy, String className) throws LoadException {
        return forClass(policy, className, VerifierOptions.linux());
    }

    /** As {@link #forClass(Path, String)}, with the verifier's other options (termination mode, log). */
    public static EimClassPolicy forClass(Path policy, String className, VerifierOptions options) throws LoadException {
        if (!Files.isRegularFile(policy)) {
            throw new LoadException(List.of(policy + ": " + (Files.exists(policy) ? "not a regular file" : "no such file")));
        }
        ParseResult parsed = Eim.parse(policy);
        if (parsed.hasErrors()) {
            throw new LoadException(parsed.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR)
                    .map(Diagnostic::format).map(String::strip).collect(Collectors.toList()));
        }
        EimPlatform platform = switch (EimPlatform.forClass(parsed, className)) {
            case EimPlatform.Built.Ok ok -> ok.platform();
            case EimPlatform.Built.Failed f -> throw new LoadException(List.of(policy + ": " + f.message()));
        };
        List<Field> parameters = platform.grants().entry().prototype().parameters();
        if (!parameters.isEmpty()) {
            throw new LoadException(List.of(policy + ": class " + className + ": entry " + platform.grants().entry().name()
                    + " takes " + parameters.stream().map(p -> p.name()).collect(Collectors.joining(", ", "(", ")"))
                    + ": the host API cannot pass an entry's arguments yet (the runtime lays out no host memory for a pointer"
                    + " argument and passes a Linux context in r1); only an entry of no parameter can be loaded"));
        }
        return new EimClassPolicy(policy, platform, options);
    }

    /** The class's name. */
    public String className() {
        return platform.className();
    }

    /** The name of the class's entry: the programs of section {@code eim/<entry>} run it. */
    public String entryName() {
        return platform.grants().entry().name();
    }

    @Override
    public VerificationResult verify(BpfObject object, BpfProgram program, EntryPoint entry) {
        return Verifier.verify(object, program, options, platform);
    }

    @Override
    public String toString() {
        return "class " + platform.className() + " of " + policy;
    }
}
