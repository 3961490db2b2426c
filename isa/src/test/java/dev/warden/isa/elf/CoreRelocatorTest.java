package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.Instruction;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** CO-RE relocations of bcc's ksnoop applied against BTF: the running kernel's, the object's own, one lacking the types. */
class CoreRelocatorTest {
    private static final Path KSNOOP = Path.of("../../shared/testdata/real-objects/bcc/clang-21_-O2_ksnoop.bpf.o");
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private static BpfObject ksnoop() throws Exception {
        assumeTrue(Files.isRegularFile(KSNOOP), "real objects not present at " + KSNOOP.toAbsolutePath());
        return ElfReader.read(KSNOOP);
    }

    @Test
    void againstItsOwnBtfEveryRelocationKeepsItsValue() throws Exception {
        BpfObject o = ksnoop();
        Btf btf = o.btf().orElseThrow();
        CoreRelocator relocator = new CoreRelocator(btf);
        for (BpfProgram p : o.programs()) {
            CoreRelocator.Applied applied = relocator.apply(p, btf);
            assertEquals(p.coreRelocations().size(), applied.outcomes().size());
            for (CoreOutcome outcome : applied.outcomes()) {
                CoreOutcome.Resolved r = assertInstanceOf(CoreOutcome.Resolved.class, outcome, outcome.toString());
                assertEquals(r.localValue(), r.targetValue(), r.toString());
            }
            assertEquals(p.program().instructions(), applied.program().program().instructions());
        }
    }

    @Test
    void againstTheRunningKernelPtRegsOffsetsResolveAndGetFuncIpExists() throws Exception {
        BpfObject o = ksnoop();
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        CoreRelocator relocator = new CoreRelocator(CoreRelocator.readBtf(VMLINUX));
        int fields = 0;
        for (BpfProgram p : o.programs()) {
            for (CoreOutcome outcome : relocator.apply(p, o.btf().orElseThrow()).outcomes()) {
                CoreOutcome.Resolved r = assertInstanceOf(CoreOutcome.Resolved.class, outcome, outcome.toString());
                switch (r.relocation().kind()) {
                    // x86-64 struct pt_regs has one layout; the kernel's must equal clang's.
                    case FIELD_BYTE_OFFSET -> {
                        assertEquals(r.localValue(), r.targetValue(), r.toString());
                        fields++;
                    }
                    // BPF_FUNC_get_func_ip (173) exists since 5.15.
                    case ENUMVAL_EXISTS -> assertEquals(1, r.targetValue(), r.toString());
                    default -> throw new AssertionError("unexpected relocation kind in ksnoop: " + r);
                }
            }
        }
        assertTrue(fields > 0);
    }

    @Test
    void aTargetWithoutTheTypesPoisonsFieldAccessesAndZeroesExistenceChecks() throws Exception {
        BpfObject o = ksnoop();
        Btf other = TestObjects.read("subprog").btf().orElseThrow(); // no pt_regs, no bpf_func_id
        CoreRelocator relocator = new CoreRelocator(other);
        BpfProgram p = o.programs().getFirst();
        CoreRelocator.Applied applied = relocator.apply(p, o.btf().orElseThrow());
        boolean sawFailure = false;
        for (CoreOutcome outcome : applied.outcomes()) {
            int pc = outcome.relocation().pc();
            Instruction now = applied.program().program().at(pc);
            switch (outcome) {
                case CoreOutcome.Failed f -> {
                    assertEquals(new Instruction.Call(Instruction.CallKind.HELPER, CoreRelocator.POISON_HELPER), now);
                    assertTrue(f.reason().contains("pt_regs"), f.reason());
                    sawFailure = true;
                }
                case CoreOutcome.Resolved r -> {
                    assertEquals(CoreRelocation.Kind.ENUMVAL_EXISTS, r.relocation().kind());
                    assertEquals(0, r.targetValue());
                    assertEquals(0, ((Instruction.LoadImm64) now).value());
                }
            }
        }
        assertTrue(sawFailure);
        assertFalse(applied.outcomes().isEmpty());
    }

    @Test
    void flavourSuffixesAreDropped() {
        assertEquals("task_struct", CoreRelocator.essential("task_struct___old"));
        assertEquals("task_struct", CoreRelocator.essential("task_struct"));
        assertEquals("___x", CoreRelocator.essential("___x"));
    }
}
