package dev.warden.isa.random;

import dev.warden.isa.AluOp;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import java.util.List;

/**
 * Observes the whole {@link ExitState} of a {@link GeneratedProgram} through an engine that
 * reports only r0: each probe is the program with one instruction inserted before its final
 * {@code exit} that copies one register or one stack slot into r0 ({@link Splice}: every jump
 * that went to the exit now goes to the inserted instruction).
 */
public final class StateProbes {
    private StateProbes() {}

    /** The program with {@code r0 = reg} before its exit. */
    public static Program readingRegister(GeneratedProgram g, Reg reg) {
        return beforeExit(g, new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, reg));
    }

    /** The program with {@code r0 = *(u64 *)(r10 - 8 * (slot + 1))} before its exit. */
    public static Program readingStackSlot(GeneratedProgram g, int slot) {
        if (slot < 0 || slot >= g.options().stackSlots()) {
            throw new IllegalArgumentException("no stack slot " + slot);
        }
        return beforeExit(g,
                new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R0, Reg.R10, -8 * (slot + 1)));
    }

    /** Something that runs a program and gives back its r0, as a 64-bit value. */
    @FunctionalInterface
    public interface R0Runner<E extends Exception> {
        long run(Program program) throws E;
    }

    /** Builds the exit state from {@code 10 + stackSlots} runs of the probes. */
    public static <E extends Exception> ExitState observe(GeneratedProgram g, R0Runner<E> runner) throws E {
        long[] regs = new long[ExitState.REGISTERS];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = runner.run(readingRegister(g, Reg.of(i)));
        }
        int slots = g.options().stackSlots();
        byte[] stack = new byte[slots * 8];
        for (int slot = 0; slot < slots; slot++) {
            long v = runner.run(readingStackSlot(g, slot));
            int base = stack.length - 8 * (slot + 1);
            for (int b = 0; b < 8; b++) {
                stack[base + b] = (byte) (v >>> (8 * b));
            }
        }
        return new ExitState(regs, stack);
    }

    private static Program beforeExit(GeneratedProgram g, Instruction inserted) {
        return Splice.replace(g.program(), g.mainExit(), List.of(inserted, new Instruction.Exit()));
    }
}
