package dev.warden.jit;

import static dev.warden.jit.Jit.exit;
import static dev.warden.jit.Jit.program;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.vm.ExecOptions;
import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seam for the verifier: an access at a pc the {@link CheckElision} names is compiled
 * without a region check (a raw access), every other access keeps its check, and r10 plus a
 * constant offset inside the frame needs no proof.
 */
class CheckElisionDropsOnlyProvedChecksTest {

    private static List<String> accessors(Program p, CheckElision elision) {
        byte[] bytes = JitCompiler.generate(p, ExecOptions.defaults().helpers(), elision).classFile();
        MethodModel f0 = ClassFile.of().parse(bytes).methods().stream()
                .filter(m -> m.methodName().equalsString("f0")).findFirst().orElseThrow();
        return f0.code().orElseThrow().elementStream()
                .filter(e -> e instanceof InvokeInstruction i && i.owner().asInternalName().equals("dev/warden/jit/JitCode"))
                .map(e -> ((InvokeInstruction) e).name().stringValue())
                .filter(n -> n.startsWith("ld") || n.startsWith("st") || n.startsWith("raw"))
                .toList();
    }

    private static java.util.BitSet pcs(int... pcs) {
        java.util.BitSet b = new java.util.BitSet();
        for (int pc : pcs) {
            b.set(pc);
        }
        return b;
    }

    @Test
    void anElisionIsMadeFromAProofAndServesOnlyTheProvedProgram() throws Exception {
        // xdp: pc 1 reads a context field (proved); pc 3 is dead (nothing proved, checked).
        Program p = dev.warden.isa.asm.Assembler.assemble("""
                r0 = 0
                r2 = *(u32 *)(r1 + 12)
                if r0 == 0 goto +1
                r3 = *(u64 *)(r1 + 999)
                exit
                """);
        var options = dev.warden.verifier.VerifierOptions.linux();
        var result = dev.warden.verifier.Verifier.verify(p, options.withType(options.platform().type("xdp").orElseThrow()));
        var proof = org.junit.jupiter.api.Assertions.assertInstanceOf(dev.warden.verifier.VerificationResult.Verified.class, result)
                .program();
        CheckElision all = CheckElision.proved(proof, (base, direction) -> true);
        assertEquals(pcs(1), all.elidedPcs());
        assertEquals(2, all.total()); // pc 3 is compiled (the graph reaches it) but nothing is proved there
        assertEquals(0, CheckElision.proved(proof, (base, direction) -> false).elided());
        assertEquals(List.of("raw32", "ld64"), accessors(p, all));
        // Another program (pc 1 reads offset 16 instead): the proof says nothing about it.
        Program other = dev.warden.isa.asm.Assembler.assemble(
                "r0 = 0\nr2 = *(u32 *)(r1 + 16)\nif r0 == 0 goto +1\nr3 = *(u64 *)(r1 + 999)\nexit\n");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> JitCompiler.generate(other, ExecOptions.defaults().helpers(), all));
    }

    @Test
    void onlyTheNamedPcLosesItsCheck() {
        Program p = program(
                new Instruction.Load(Size.W, Instruction.Extension.ZERO, Reg.R0, Reg.R1, 0),  // pc 0
                new Instruction.Load(Size.W, Instruction.Extension.ZERO, Reg.R2, Reg.R1, 4),  // pc 1
                new Instruction.StoreReg(Size.DW, Reg.R10, Reg.R2, -8),                       // pc 2: in frame
                new Instruction.StoreReg(Size.DW, Reg.R10, Reg.R2, -516),                     // pc 3: below it
                exit());
        assertEquals(List.of("ld32", "ld32", "rawSt64", "st64"), accessors(p, CheckElision.NONE));
        assertEquals(List.of("raw32", "ld32", "rawSt64", "st64"), accessors(p, CheckElision.unprovedForTest(p, pcs(0))));
    }

    @Test
    void anElidedAccessReadsTheSameMemory() {
        Program p = program(new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R0, Reg.R1, 8), exit());
        byte[] input = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
        long checked = Jit.r0(p, input);
        try (var lp = new JitLoadedProgram(p, ExecOptions.defaults(), CheckElision.unprovedForTest(p, pcs(0, 1)))) {
            var r = lp.run(input);
            assertEquals(new dev.warden.vm.ExecResult.Returned(checked), r);
        }
        assertEquals(0x0807_0605_0403_0201L, checked);
    }
}
