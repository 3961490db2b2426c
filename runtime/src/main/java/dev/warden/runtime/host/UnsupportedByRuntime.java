package dev.warden.runtime.host;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.elf.BpfProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * What a verified program may do that this runtime cannot provide yet, found before it is
 * compiled so that it is refused rather than run with a meaning it was not verified under. An
 * EIM class can grant host functions (called as kfuncs) and host variables (addressed by a
 * BTF_ID load); the runtime binds host functions by helper id only and maps no host variable.
 */
final class UnsupportedByRuntime {
    private UnsupportedByRuntime() {}

    /** One located message per instruction the runtime cannot run, in program order. */
    static List<String> in(String origin, BpfProgram bpf, Program program) {
        String programName = bpf.name();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < program.size(); i++) {
            Instruction insn = program.get(i);
            int pc = program.pcOf(i);
            String at = origin + ": program " + programName + " pc " + pc + ": ";
            // The ELF symbol names it when the object has one; an assembled program has only the number.
            String symbol = bpf.relocations().stream().filter(r -> r.pc() == pc).map(r -> r.symbol() + " ").findFirst().orElse("");
            if (insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.KFUNC) {
                problems.add(at + "calls host function " + symbol + "(kfunc " + c.imm() + "): the runtime binds host functions by helper id"
                        + " only (ExtensionSpec.withFunction), not as kfuncs yet");
            } else if (insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.BTF_ID) {
                problems.add(at + "takes the address of host variable " + symbol + "(btf_var[" + l.imm() + "]): the runtime maps no host"
                        + " variable into an extension's address space yet");
            }
        }
        return problems;
    }
}
