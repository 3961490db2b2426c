package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import dev.warden.isa.random.Feature;
import dev.warden.isa.random.GeneratorOptions;
import dev.warden.isa.random.RandomProgramGenerator;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Programs far beyond one JVM method's 64 KiB: they are split into chunk methods, each small
 * enough for HotSpot to compile (under its 8,000-byte HugeMethodLimit), and they still verify
 * and run. The results of random large programs are compared with the interpreter by the
 * differential test in {@code runtime}.
 */
class LargeProgramsCompileAndRunTest {
    private static final int HUGE_METHOD_LIMIT = 8000;

    private static void assertEveryMethodIsCompilable(byte[] classFile) {
        for (MethodModel m : ClassFile.of().parse(classFile).methods()) {
            int length = m.findAttribute(Attributes.code()).map(c -> c.codeLength()).orElse(0);
            assertTrue(length <= HUGE_METHOD_LIMIT,
                    () -> m.methodName().stringValue() + " has " + length + " bytes of bytecode");
        }
    }

    @Test
    void aHundredThousandInstructionRandomProgramCompilesVerifiesAndRuns() {
        // Without the generator's local calls: nested in loops they make a program this size run
        // for billions of instructions.
        GeneratorOptions options = GeneratorOptions.defaults().without(Feature.LOCAL_CALLS).withBodyInstructions(100_000);
        Program p = new RandomProgramGenerator(options).generate(2026).program();
        assertTrue(p.size() >= 100_000, "the program has " + p.size() + " instructions");
        JitCompiler.Generated g = JitCompiler.generate(p, ExecOptions.defaults().helpers(), CheckElision.NONE);
        assertTrue(g.methods() > 10, "split into " + g.methods() + " methods");
        assertEquals(List.of(), JitCompiler.verify(g.classFile()));
        assertEveryMethodIsCompilable(g.classFile());
        ExecResult r = new JitEngine().execute(p, new byte[0], ExecOptions.defaults());
        assertInstanceOf(ExecResult.Returned.class, r, () -> "got " + r);
    }

    @Test
    void distinctConstantsOutgrowTheConstantPoolAndStillLoad() {
        // r0 += c_i for 34,000 distinct 64-bit constants (102,000 instructions): each takes two
        // constant-pool entries, more than the pool's 65,535 can hold.
        List<Instruction> insns = new ArrayList<>();
        insns.add(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)));
        long expected = 0;
        for (int i = 1; i <= 34_000; i++) {
            long c = 0x1234_5678_0000_0000L + i * 0x1_0001L + ((long) i << 40);
            insns.add(Instruction.LoadImm64.of(Reg.R1, c));
            insns.add(new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R0, Reg.R1));
            insns.add(new Instruction.Alu(Width.W32, AluOp.XOR, Reg.R2, new Imm(i * 7919)));
            expected += c;
        }
        insns.add(new Instruction.Alu(Width.W64, AluOp.XOR, Reg.R0, Reg.R2));
        insns.add(new Instruction.Exit());
        int r2 = 0;
        for (int i = 1; i <= 34_000; i++) {
            r2 ^= i * 7919;
        }
        expected ^= r2 & 0xffff_ffffL;
        Program p = Jit.program(insns.toArray(Instruction[]::new));
        JitCompiler.Generated g = JitCompiler.generate(p, ExecOptions.defaults().helpers(), CheckElision.NONE);
        assertEquals(List.of(), JitCompiler.verify(g.classFile()));
        assertEveryMethodIsCompilable(g.classFile());
        assertEquals(expected, Jit.r0(p, new byte[0]));
    }

    @Test
    void loopsAndJumpsAcrossChunksKeepTheirMeaning() {
        // A loop whose body is far larger than one chunk: 30 trips of 5,000 additions.
        List<Instruction> insns = new ArrayList<>();
        insns.add(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)));
        insns.add(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(0)));
        for (int i = 0; i < 5_000; i++) {
            insns.add(new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(i)));
        }
        insns.add(new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R1, new Imm(1)));
        insns.add(new Instruction.Jump(Width.W64, JmpCond.JLT, Reg.R1, new Imm(30), -(5_000 + 2)));
        insns.add(new Instruction.Exit());
        Program p = Jit.program(insns.toArray(Instruction[]::new));
        JitCompiler.Generated g = JitCompiler.generate(p, ExecOptions.defaults().helpers(), CheckElision.NONE);
        assertTrue(g.methods() > 2);
        assertEveryMethodIsCompilable(g.classFile());
        assertEquals(30L * (4_999L * 5_000L / 2), Jit.r0(p, new byte[0]));
    }
}
