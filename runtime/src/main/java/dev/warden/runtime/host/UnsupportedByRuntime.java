package dev.warden.runtime.host;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.ProvidedHelpers;
import dev.warden.verifier.PcInvariant;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a program verified as a Linux program may do that this runtime cannot provide, found
 * before it is compiled so that it is refused rather than run with a meaning it was not verified
 * under: a call of a helper the Linux helper table does not define ({@link ProvidedHelpers}: the
 * verifier's platform knows every helper of uapi bpf.h, this runtime fewer), a kernel function
 * (kfunc) call and a typed ksym's address ({@code BTF_ID} load). Under an
 * {@link EimClassPolicy} the same instructions are host functions and host variables, which
 * {@link HostLinker} links to the spec instead. (A tail call from a bpf-to-bpf subprogram or
 * callback was refused here until the engines implemented Linux's semantics for it.)
 */
public final class UnsupportedByRuntime {
    private UnsupportedByRuntime() {}

    /**
     * One located message per instruction the runtime cannot run, in program order; {@code origin}
     * (the object's path or name) begins each.
     */
    public static List<String> in(String origin, BpfProgram bpf, Program program) {
        return in(origin, bpf, program, Set.of());
    }

    /**
     * The same where the run also provides the helper ids {@code hostFunctions}: functions the host
     * binds ({@link ExtensionSpec#withFunction}), a KFlex heap's helpers.
     */
    public static List<String> in(String origin, BpfProgram bpf, Program program, Set<Integer> hostFunctions) {
        String programName = bpf.name();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < program.size(); i++) {
            Instruction insn = program.get(i);
            int pc = program.pcOf(i);
            String at = origin + ": program " + programName + " pc " + pc + ": ";
            // The ELF symbol names it when the object has one; an assembled program has only the number.
            String symbol = bpf.relocations().stream().filter(r -> r.pc() == pc).map(r -> r.symbol() + " ").findFirst().orElse("");
            if (insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.HELPER && !ProvidedHelpers.provides(c.imm())
                    && !hostFunctions.contains(c.imm())) {
                String name = Platform.linux().helper(c.imm()).map(h -> "bpf_" + h.name()).orElse("helper");
                problems.add(at + "calls " + name + " (id " + c.imm() + "), which this runtime does not provide"
                        + " (it provides " + ProvidedHelpers.byId().size() + " of Linux's helpers: docs/runtime.md)");
            } else if (insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.KFUNC) {
                problems.add(at + "calls kernel function " + symbol + "(kfunc " + c.imm() + "): a Linux program's kfuncs do not exist"
                        + " in this runtime; host functions are called as kfuncs under an EimClassPolicy (ExtensionSpec.withFunction(name, ...))");
            } else if (insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.BTF_ID) {
                problems.add(at + "takes the address of kernel variable " + symbol + "(btf_var[" + l.imm() + "]): a Linux program's typed"
                        + " ksyms do not exist in this runtime; host variables are linked under an EimClassPolicy (ExtensionSpec.withState)");
            }
        }
        return problems;
    }

    /**
     * One located message per load the proof shows goes through a pointer to a kernel object typed by
     * BTF (a typed fentry/tp_btf argument, a task from get_current_task_btf, a member loaded from
     * one): the verifier accepts those because Linux runs them as exception-handled probe reads
     * (BPF_PROBE_MEM: a fault gives 0), which this runtime's engines do not have, so the program
     * would fault on an input the proof covers. Decided on the invariant before each load (joined
     * over calling contexts, and each context's own state where the proof kept them).
     */
    static List<String> kernelObjectLoads(String origin, BpfProgram bpf, VerifiedProgram proof) {
        List<String> problems = new ArrayList<>();
        Program program = proof.program();
        for (int i = 0; i < program.size(); i++) {
            if (!(program.get(i) instanceof Instruction.Load load)) {
                continue;
            }
            int pc = program.pcOf(i);
            Optional<PcInvariant> inv = proof.invariantAt(pc);
            if (inv.isEmpty()) {
                continue; // no execution reaches it
            }
            int base = load.src().number();
            boolean kernel = isKernelObject(inv.get().register(base))
                    || inv.get().states().stream().anyMatch(s -> isKernelObject(s.reg(base)));
            if (kernel) {
                problems.add(origin + ": program " + bpf.name() + " pc " + pc + ": loads through a BTF-typed kernel object"
                        + " pointer (r" + base + "), which Linux runs as an exception-handled probe read; this runtime has none,"
                        + " and the load would fault");
            }
        }
        return problems;
    }

    private static boolean isKernelObject(Value v) {
        return v instanceof Value.Ptr p && (p.kind() == PtrKind.BTF_ID || p.kind() == PtrKind.BTF_UNTRUSTED);
    }
}
