package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Instruction;
import dev.warden.isa.Pseudo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Extern functions and variables ({@code __ksym}) are read as libbpf links them: a call becomes a
 * kfunc call, a load of the variable's address a BTF_ID load, and the names stay in the
 * relocations for whoever resolves them (the EIM platform resolves them against a policy class).
 */
class ElfReaderKeepsExternsAsKsymsTest {

    @Test
    void externCallAndVariableBecomeKfuncAndBtfIdWithTheirNames() {
        BpfObject o = TestObjects.read("externs");
        BpfProgram p = o.program("probe").orElseThrow();
        int btfId = o.btfFunction("host_clock").orElseThrow().id();
        assertEquals(List.of(new Relocation.KfuncCall(0, "host_clock", btfId), new Relocation.ExternVariable(1, "stats", 0)),
                p.relocations());
        assertEquals(new Instruction.Call(Instruction.CallKind.KFUNC, btfId), p.program().at(0));
        assertTrue(p.program().at(1) instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.BTF_ID && l.imm() == 0,
                () -> "a BTF_ID load, not " + p.program().at(1));
    }

    @Test
    void anUndefinedGlobalOfAnotherObjectIsAnExternVariableWithItsAddend() {
        byte[] b = TestObjects.object("global_data").clone();
        long symtab = TestObjects.read("global_data").sections().stream().filter(s -> s.name().equals(".symtab"))
                .findFirst().orElseThrow().offset();
        b[(int) (symtab + 24 * 13 + 6)] = 0; // symbol 13 (packets): st_shndx = SHN_UNDEF, as an extern
        b[(int) (symtab + 24 * 13 + 7)] = 0;
        BpfObject o;
        try {
            o = ElfReader.read(b);
        } catch (ElfFormatException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        List<Relocation> externs = o.programs().stream().flatMap(p -> p.relocations().stream())
                .filter(r -> r instanceof Relocation.ExternVariable).toList();
        assertTrue(!externs.isEmpty() && externs.stream().allMatch(r -> r.symbol().equals("packets")), externs::toString);
    }
}
