package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import java.util.List;

/** Test helpers: build a program from instructions, run it through the JIT engine. */
final class Jit {
    private Jit() {}

    static Program program(Instruction... insns) {
        try {
            return Program.of(List.of(insns));
        } catch (InvalidProgramException e) {
            throw new AssertionError(e);
        }
    }

    static ExecResult run(Program p, byte[] input, ExecOptions options) {
        return new JitEngine().execute(p, input, options);
    }

    static long r0(Program p, byte[] input) {
        ExecResult r = run(p, input, ExecOptions.defaults());
        return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
    }

    static long r0(Instruction... insns) {
        return r0(program(insns), new byte[0]);
    }

    static Fault fault(Program p, byte[] input, ExecOptions options) {
        ExecResult r = run(p, input, options);
        return assertInstanceOf(ExecResult.Faulted.class, r, () -> "expected a fault, got " + r).fault();
    }

    static void assertR0(long expected, Instruction... insns) {
        long r0 = r0(insns);
        assertEquals(expected, r0, () -> "r0 0x" + Long.toHexString(r0) + ", expected 0x" + Long.toHexString(expected));
    }

    static Instruction mov64(Reg r, int imm) {
        return new Instruction.Alu(Width.W64, dev.warden.isa.AluOp.MOV, r, new Imm(imm));
    }

    static Instruction exit() {
        return new Instruction.Exit();
    }
}
