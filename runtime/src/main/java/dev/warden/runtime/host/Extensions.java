package dev.warden.runtime.host;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.ArgumentRegion;
import dev.warden.runtime.linux.HostLinks;
import dev.warden.runtime.linux.LoadedObject;
import dev.warden.vm.Helpers;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Violation;
import dev.warden.vm.ProgramRefusedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The load path of the host API: parse the object, find the declared programs, verify each
 * ({@link VerificationPolicy}), compile the verified programs with the JIT on every CPU, attach
 * them with the object's maps and the host's functions and state.
 *
 * <pre>{@code
 * try (Extension ext = Extensions.load(Path.of("xdp_counter.o"),
 *         ExtensionSpec.of().withEntry(EntryPoint.of("xdp_count", LinuxProgramType.XDP)),
 *         VerificationPolicy.linux())) {
 *     ExecResult r = ext.invoke("xdp_count", packet);
 * }
 * }</pre>
 */
public final class Extensions {
    private Extensions() {}

    /**
     * Loads the object at {@code path}.
     *
     * @throws LoadException with one located message per problem: unreadable object, missing
     *     program or map, verifier rejection (pc and source line of each violation), JIT refusal
     */
    public static Extension load(Path path, ExtensionSpec spec, VerificationPolicy policy) throws LoadException {
        return load(read(path), path.toString(), spec, policy);
    }

    /** Loads an object already read; {@code origin} names it in messages. */
    public static Extension load(BpfObject object, String origin, ExtensionSpec spec, VerificationPolicy policy)
            throws LoadException {
        if (spec.entries().isEmpty()) {
            throw new LoadException(List.of(origin + ": the spec declares no entry"));
        }
        LoadedObject first = attach(object, origin, spec, policy, Optional.empty());
        try {
            for (ExtensionSpec.State s : spec.states().values()) {
                first.exposeHostRegion(s.segment(), s.access(), s.name());
            }
        } catch (IllegalArgumentException e) {
            first.close();
            throw new LoadException(List.of(origin + ": " + e.getMessage()));
        }
        return new Extension(spec, policy, first);
    }

    static BpfObject read(Path path) throws LoadException {
        try {
            return ElfReader.read(path);
        } catch (IOException e) {
            throw new LoadException(List.of(path + ": cannot read: " + e.getMessage()));
        } catch (ElfFormatException e) {
            throw new LoadException(List.of(path + ": " + e.getMessage()));
        }
    }

    /** Verifies, compiles and attaches one version; fills its program arrays. */
    static LoadedObject attach(BpfObject object, String origin, ExtensionSpec spec, VerificationPolicy policy,
                               Optional<LoadedObject> previous) throws LoadException {
        List<String> errors = new ArrayList<>();
        Map<BpfProgram, EntryPoint> wanted = new LinkedHashMap<>();
        List<EntryPoint> declared = new ArrayList<>(spec.entries());
        spec.tailCalls().forEach(t -> declared.add(t.program()));
        for (EntryPoint e : declared) {
            Optional<BpfProgram> p = find(object, e.program());
            if (p.isEmpty()) {
                errors.add(origin + ": entry " + e.name() + ": the object has no program or section called " + e.program()
                        + " (programs: " + object.programs().stream().map(BpfProgram::name).toList() + ")");
                continue;
            }
            EntryPoint before = wanted.putIfAbsent(p.get(), e);
            if (before != null && !before.type().equals(e.type())) {
                errors.add(origin + ": program " + e.program() + " is declared as " + before.type().name() + " and as "
                        + e.type().name());
            }
        }
        for (ExtensionSpec.TailCall t : spec.tailCalls()) {
            Optional<dev.warden.isa.elf.BpfMap> m = object.maps().stream().filter(x -> x.name().equals(t.map())).findFirst();
            if (m.isEmpty() || m.get().type() != 3) {
                errors.add(origin + ": tail call slot " + t.slot() + ": the object has no program array called " + t.map());
            }
        }
        if (!errors.isEmpty()) {
            throw new LoadException(errors);
        }
        List<LoadedObject.Attach> verified = new ArrayList<>();
        Optional<EimClassPolicy> eim = policy instanceof EimClassPolicy e ? Optional.of(e) : Optional.empty();
        eim.ifPresent(e -> errors.addAll(e.cDeclarationMismatches(object, origin)));
        Map<String, Integer> namedIds = HostFunctions.namedIds(spec);
        for (Map.Entry<BpfProgram, EntryPoint> w : wanted.entrySet()) {
            switch (policy.verify(object, w.getKey(), w.getValue())) {
                case VerificationResult.Verified v -> {
                    if (eim.isPresent()) {
                        // What the class granted by name is linked to what the spec binds, or refused here.
                        // The argument objects and host variables are given whole: their proved accesses lose their checks.
                        HostLinks links = new HostLinker(eim.get().platform(), spec, namedIds)
                                .link(origin, w.getKey(), v.program().program(), errors)
                                .covering(eim.get().shape().coveredObjects());
                        verified.add(new LoadedObject.Attach(v.program(), w.getValue().type(), links));
                        continue;
                    }
                    // Verified is not enough: kernel functions and typed ksyms have no meaning in this runtime.
                    List<String> unsupported = UnsupportedByRuntime.in(origin, w.getKey(), v.program().program(), spec.functions().keySet());
                    unsupported.addAll(UnsupportedByRuntime.kernelObjectLoads(origin, w.getKey(), v.program()));
                    errors.addAll(unsupported);
                    if (unsupported.isEmpty()) {
                        verified.add(new LoadedObject.Attach(v.program(), w.getValue().type()));
                    }
                }
                case VerificationResult.Rejected r -> {
                    for (Violation v : r.violations()) {
                        errors.add(origin + ": program " + w.getKey().name() + " pc " + v.pc()
                                + v.line().map(l -> " (" + l + ")").orElse("") + ": " + v.message());
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new LoadException(errors);
        }
        LoadedObject loaded;
        try {
            Helpers helpers = eim.isPresent()
                    ? HostFunctions.table(spec, namedIds, eim.get().platform()::assumedReturn, eim.get()::returnPromise)
                    : HostFunctions.table(spec.functions());
            List<ArgumentRegion> arguments = eim.map(e -> e.shape().regions()).orElse(List.of());
            loaded = LoadedObject.load(object, verified, spec.cpus(), spec.budget(), helpers, spec.trace(), previous, arguments,
                    spec.timeBudgetNanos(), spec.engine(), spec.isolation(), spec.timerClock());
        } catch (ProgramRefusedException e) {
            throw new LoadException(List.of(origin + ": the JIT refused a program: " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new LoadException(List.of(origin + ": " + e.getMessage()));
        }
        try {
            for (ExtensionSpec.TailCall t : spec.tailCalls()) {
                HostMap m = loaded.map(t.map()).orElseThrow();
                m.setProgram(t.slot(), find(object, t.program().program()).orElseThrow().name());
            }
        } catch (IllegalArgumentException e) {
            loaded.close();
            throw new LoadException(List.of(origin + ": " + e.getMessage()));
        }
        return loaded;
    }

    private static Optional<BpfProgram> find(BpfObject object, String name) {
        return object.programs().stream().filter(p -> p.name().equals(name)).findFirst()
                .or(() -> object.programs().stream().filter(p -> p.section().equals(name)).findFirst());
    }
}
