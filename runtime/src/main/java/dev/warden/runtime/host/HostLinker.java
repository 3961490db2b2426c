package dev.warden.runtime.host;

import dev.warden.eim.AccessOp;
import dev.warden.eim.Similar;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.Relocation;
import dev.warden.runtime.linux.HostLinks;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.HostObject;
import dev.warden.vm.Access;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Links a program verified against an EIM class to what the host binds by name, the way the
 * verifier resolved the names ({@code verifier.transfer.HostCall}, {@code HostAccess}): a kfunc
 * call names its host function by its relocation's symbol (in assembly, by number among the
 * policy's host functions), a {@code BTF_ID} load names its host variable by its relocation's
 * symbol plus offset (in assembly, by number among the policy's {@code host} declarations).
 * A name the spec does not bind, host state smaller than the policy's type, or host state the
 * class may write but the host exposed read-only is a located error.
 */
final class HostLinker {
    private final EimPlatform platform;
    private final ExtensionSpec spec;
    private final Map<String, Integer> helperIds;

    HostLinker(EimPlatform platform, ExtensionSpec spec, Map<String, Integer> helperIds) {
        this.platform = platform;
        this.spec = spec;
        this.helperIds = helperIds;
    }

    /** The links of {@code program} (the verified code of {@code bpf}), or adds one located message per problem to {@code errors}. */
    HostLinks link(String origin, BpfProgram bpf, Program program, List<String> errors) {
        Map<Integer, Integer> helpers = new TreeMap<>();
        Map<Integer, Long> addresses = new TreeMap<>();
        Map<Integer, Access> covered = new TreeMap<>();
        for (int i = 0; i < program.size(); i++) {
            Instruction insn = program.get(i);
            int pc = program.pcOf(i);
            String at = origin + ": program " + bpf.name() + " pc " + pc + ": ";
            if (insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.KFUNC) {
                Optional<String> name = bpf.relocations().stream()
                        .filter(r -> r.pc() == pc && (r instanceof Relocation.ExternCall || r instanceof Relocation.KfuncCall))
                        .map(Relocation::symbol).findFirst().or(() -> platform.hostFunctionNumber(c.imm()));
                if (name.isPresent() && helperIds.containsKey(name.get())) {
                    helpers.put(pc, helperIds.get(name.get()));
                } else {
                    errors.add(at + "calls host function " + name.orElse("kfunc " + c.imm()) + ", which the spec does not bind"
                            + " (ExtensionSpec.withFunction(\"" + name.orElse("?") + "\", ...))"
                            + misspelt(name, spec.namedFunctions().keySet()));
                }
            } else if (insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.BTF_ID) {
                Optional<Relocation.ExternVariable> ext = bpf.relocations().stream()
                        .filter(r -> r.pc() == pc && r instanceof Relocation.ExternVariable).map(r -> (Relocation.ExternVariable) r)
                        .findFirst();
                Optional<String> name = ext.map(Relocation::symbol).or(() -> platform.hostVariableNumber(l.imm()));
                long offset = ext.map(Relocation.ExternVariable::offset).orElse(0);
                variable(at, name, errors).ifPresent(state -> {
                    addresses.put(pc, state.segment().address() + offset);
                    // Checked above: at least sizeof(T) bytes, writable where the class writes; a region for the whole load.
                    covered.put(platform.hostVariable(name.get()).orElseThrow(), state.access());
                });
            }
        }
        return new HostLinks(helpers, addresses, covered);
    }

    /**
     * A hint when the spec binds a name close to the policy's {@code name} (a typo on the host's
     * side, which otherwise shows only as this error and a binding nothing uses), or nothing.
     */
    private static String misspelt(Optional<String> name, java.util.Collection<String> bound) {
        return name.flatMap(n -> Similar.closest(n, bound)).map(b -> "; the spec binds \"" + b + "\": a misspelling?").orElse("");
    }

    /** The host state that backs host variable {@code name}, checked against the policy. */
    private Optional<ExtensionSpec.State> variable(String at, Optional<String> name, List<String> errors) {
        Optional<HostObject> object = name.flatMap(platform::hostVariable).map(platform::object);
        if (object.isEmpty()) {
            // The verifier refuses this; kept for an object verified against another policy.
            errors.add(at + "refers to " + name.orElse("a host variable") + ", which the policy does not declare");
            return Optional.empty();
        }
        ExtensionSpec.State state = spec.states().get(name.get());
        if (state == null) {
            errors.add(at + "refers to host variable " + name.get() + ", which the spec does not expose (ExtensionSpec.withState(\""
                    + name.get() + "\", segment, access))" + misspelt(name, spec.states().keySet()));
            return Optional.empty();
        }
        HostObject o = object.get();
        if (!state.segment().scope().isAlive()) {
            errors.add(at + "the host state exposed for host variable " + name.get() + " is already freed (its arena was closed)");
            return Optional.empty();
        }
        if (state.segment().byteSize() < o.size()) {
            errors.add(at + "host variable " + name.get() + " is a " + o.type().spelling() + " of " + o.size()
                    + " bytes in the policy, but the host state exposed for it has " + state.segment().byteSize());
            return Optional.empty();
        }
        if (!o.grants(AccessOp.WRITE).isEmpty() && !state.access().canWrite()) {
            errors.add(at + "the class '" + platform.className() + "' may write host variable " + name.get() + " ("
                    + o.grants(AccessOp.WRITE).getFirst().what() + "), but the host exposes it read-only; expose it READ_WRITE or use a"
                    + " class that only reads it");
            return Optional.empty();
        }
        return Optional.of(state);
    }
}
