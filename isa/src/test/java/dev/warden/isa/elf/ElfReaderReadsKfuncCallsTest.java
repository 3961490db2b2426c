package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.Instruction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Calls of extern kernel functions ({@code extern ... __ksym}): clang emits {@code call -1} with a
 * relocation against the undefined symbol; the reader turns each into a kfunc call ({@code src} 2)
 * whose immediate is the extern's FUNC id in the object's BTF, as libbpf does before it resolves
 * the id against the kernel's BTF.
 */
class ElfReaderReadsKfuncCallsTest {

    @Test
    void externKernelFunctionsBecomeKfuncCallsNamedByTheirBtfId() {
        BpfObject obj = TestObjects.read("kfunc");
        BpfProgram p = obj.program("kfuncs").orElseThrow();
        Btf btf = obj.btf().orElseThrow();
        List<Relocation.KfuncCall> calls = p.relocations().stream()
                .filter(r -> r instanceof Relocation.KfuncCall).map(r -> (Relocation.KfuncCall) r).toList();
        assertEquals(List.of("bpf_rcu_read_lock", "bpf_task_from_pid", "bpf_task_release", "bpf_rcu_read_unlock"),
                calls.stream().map(Relocation.KfuncCall::symbol).toList());
        for (Relocation.KfuncCall k : calls) {
            Instruction.Call c = assertInstanceOf(Instruction.Call.class, p.program().at(k.pc()));
            assertEquals(Instruction.CallKind.KFUNC, c.kind());
            assertEquals(k.btfId(), c.imm());
            BtfType.Func f = assertInstanceOf(BtfType.Func.class, btf.byId(c.imm()).orElseThrow());
            assertEquals(k.symbol(), f.name());
            assertEquals(BtfType.Linkage.EXTERN, f.linkage());
        }
    }
}
