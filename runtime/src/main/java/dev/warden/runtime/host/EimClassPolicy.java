package dev.warden.runtime.host;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.Binding;
import dev.warden.eim.Expr;
import dev.warden.eim.Layout;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Severity;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.ReturnConstraints;
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
 * <p>The runtime then keeps every assumption the proof made:
 * <ul>
 *   <li><b>The entry's arguments</b> are passed in r1..r5 as the verifier assumed them
 *       ({@link Extension#invoke(Extension.Entry, EntryArguments)}): a pointer argument points to
 *       a region of exactly {@code sizeof} its pointee holding the host's object, a scalar holds a
 *       value of its C type, and the entry's constraints on the arguments are checked before the
 *       run (a broken one refuses the invocation).</li>
 *   <li><b>Host functions</b> the class grants, called as kfuncs, are linked by name to the
 *       spec's {@link ExtensionSpec#withFunction(String, HostFunction)}; a result outside the
 *       return constraints the verifier assumed ends the run with a fault at the call.</li>
 *   <li><b>Host variables</b> ({@code extern T name __ksym;}) are linked to the spec's
 *       {@link ExtensionSpec#withState} of the same name, which must hold {@code sizeof(T)} bytes
 *       and be writable when the class grants a write of it.</li>
 * </ul>
 * The entry's {@link EntryPoint#type()} only chooses the context the runtime builds, which a
 * program of an EIM entry never sees. The JIT's check elision ({@code ProvedChecks}) applies as
 * for Linux programs to the stack and maps, and to host memory the runtime gives whole: an access
 * the verifier proved inside an argument's object (each CPU's region of exactly {@code sizeof}
 * the type, writable when the class writes it) or a host variable (host state of at least
 * {@code sizeof} the type, alive at load and kept alive by the host while loaded, writable when
 * the class writes it) compiles without a check.
 */
public final class EimClassPolicy implements VerificationPolicy {
    private final Path policy;
    private final EimPlatform platform;
    private final EntryShape shape;
    private final VerifierOptions options;
    /** The policy's C layouts; its cache of struct layouts is filled on demand, so {@link #layout} locks it. */
    private final Layout layouts;
    /** The structs the policy declares, in declaration order. */
    private final List<String> structNames;
    /** The prototypes of the host functions the policy binds (not helpers), by name. */
    private final java.util.Map<String, dev.warden.eim.Prototype> hostFunctions;

    private EimClassPolicy(Path policy, EimPlatform platform, EntryShape shape, VerifierOptions options, Layout layouts,
                           List<String> structNames, java.util.Map<String, dev.warden.eim.Prototype> hostFunctions) {
        this.policy = policy;
        this.layouts = layouts;
        this.structNames = List.copyOf(structNames);
        this.hostFunctions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hostFunctions));
        this.platform = platform;
        this.shape = shape;
        this.options = options;
    }

    /**
     * Reads {@code policy} with the EIM loader and takes its class {@code className}. A missing
     * file, a policy with errors (each located), an unknown class, or a class whose entry takes a
     * struct by value (no register holds it) is a {@link LoadException}.
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
        EntryShape shape;
        try {
            shape = EntryShape.of(platform);
        } catch (IllegalArgumentException e) {
            throw new LoadException(List.of(policy + ": class " + className + ": " + e.getMessage()));
        }
        dev.warden.eim.Policy p = parsed.policy().orElseThrow();
        java.util.Map<String, dev.warden.eim.Prototype> hostFunctions = new java.util.LinkedHashMap<>();
        for (dev.warden.eim.Declaration.FunctionCapability f : p.functionCapabilities().values()) {
            // Unbound, a capability names the host function of its own name (docs/eim.md); capabilities of one function agree (EIM070).
            switch (f.binding().orElse(new Binding.HostFunction(f.name()))) {
                case Binding.HostFunction h -> hostFunctions.putIfAbsent(h.name(), f.prototype());
                case Binding.Helper helper -> { }
            }
        }
        return new EimClassPolicy(policy, platform, shape, options, p.types().layout(), List.copyOf(p.structs().keySet()), hostFunctions);
    }

    /** The class's name. */
    public String className() {
        return platform.className();
    }

    /** The name of the class's entry: the programs of section {@code eim/<entry>} run it. */
    public String entryName() {
        return platform.grants().entry().name();
    }

    /**
     * The C layout the policy gives struct {@code name}: its size and each field's offset, as the
     * verifier assumed them. A host that lays out an entry's argument or a host variable by these
     * offsets (instead of numbers copied from the policy by hand) stays right when the policy's
     * struct changes; a field that moved or vanished shows at load, not as wrong bytes. Empty for
     * a name that is not a struct of the policy.
     */
    public java.util.Optional<Layout.StructLayout> layout(String name) {
        synchronized (layouts) {
            try {
                return java.util.Optional.of(layouts.struct(name));
            } catch (IllegalArgumentException notAStruct) {
                return java.util.Optional.empty();
            }
        }
    }

    /**
     * What the C of {@code object} declares otherwise than the policy, by the object's BTF: a struct
     * of the policy's name whose fields sit at other offsets (or are missing, or whose size differs),
     * a host function declared with other arguments or another return size. The verifier checks the
     * extension against the policy alone, so such an object is safe and still wrong (it reads other
     * fields than it names). One line per struct or function, starting with {@code origin};
     * {@link Extensions#load} refuses an object with any, {@code warden verify --policy} warns.
     */
    public List<String> cDeclarationMismatches(BpfObject object, String origin) {
        return CDeclarationMismatches.in(origin, object, this);
    }

    /** The structs the policy declares, in declaration order. */
    List<String> structNames() {
        return structNames;
    }

    /** The prototypes of the host functions the policy binds, by name. */
    java.util.Map<String, dev.warden.eim.Prototype> hostFunctionPrototypes() {
        return hostFunctions;
    }

    /** {@code sizeof} a type of the policy. */
    long sizeOf(dev.warden.eim.CType type) {
        synchronized (layouts) {
            return layouts.sizeOf(type);
        }
    }

    /** The policy's file, as given. */
    Path file() {
        return policy;
    }

    EimPlatform platform() {
        return platform;
    }

    EntryShape shape() {
        return shape;
    }

    /** What the class promises of host function {@code name}'s result, with where: {@code rtn > 0 (redis.eim:21)}. */
    String returnPromise(String name) {
        return platform.capabilities(new Binding.HostFunction(name)).stream()
                .map(c -> c.constraints().stream().filter(ReturnConstraints::mentionsRtn).map(Expr::show)
                        .collect(Collectors.joining(" && ", "", "")) + " (" + platform.where(c, c) + ")")
                .collect(Collectors.joining(" or "));
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
