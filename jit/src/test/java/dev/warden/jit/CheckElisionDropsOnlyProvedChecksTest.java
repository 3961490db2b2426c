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

    @Test
    void onlyTheNamedPcLosesItsCheck() {
        Program p = program(
                new Instruction.Load(Size.W, Instruction.Extension.ZERO, Reg.R0, Reg.R1, 0),  // pc 0
                new Instruction.Load(Size.W, Instruction.Extension.ZERO, Reg.R2, Reg.R1, 4),  // pc 1
                new Instruction.StoreReg(Size.DW, Reg.R10, Reg.R2, -8),                       // pc 2: in frame
                new Instruction.StoreReg(Size.DW, Reg.R10, Reg.R2, -516),                     // pc 3: below it
                exit());
        assertEquals(List.of("ld32", "ld32", "rawSt64", "st64"), accessors(p, CheckElision.NONE));
        assertEquals(List.of("raw32", "ld32", "rawSt64", "st64"), accessors(p, pc -> pc == 0));
    }

    @Test
    void anElidedAccessReadsTheSameMemory() {
        Program p = program(new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R0, Reg.R1, 8), exit());
        byte[] input = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
        long checked = Jit.r0(p, input);
        try (var lp = new JitLoadedProgram(p, ExecOptions.defaults(), pc -> true)) {
            var r = lp.run(input);
            assertEquals(new dev.warden.vm.ExecResult.Returned(checked), r);
        }
        assertEquals(0x0807_0605_0403_0201L, checked);
    }
}
