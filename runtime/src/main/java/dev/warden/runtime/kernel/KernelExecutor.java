package dev.warden.runtime.kernel;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.isa.random.ExitState;
import dev.warden.isa.random.GeneratedProgram;
import dev.warden.isa.random.Splice;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link GeneratedProgram} in the kernel and reads back its whole {@link ExitState}, not
 * just the 32 bits of r0 that {@code BPF_PROG_TEST_RUN} reports.
 *
 * <p>The program is loaded as {@link ProgType#SCHED_CLS}, wrapped so: a first instruction spills
 * the context pointer (r1) to a stack slot below the program's stack area; the program follows
 * unchanged but for its main function's {@code exit}, which becomes an epilogue. The epilogue spills r0-r9
 * below that, reloads the context, takes {@code __sk_buff.data} and {@code data_end}, checks
 * that the packet is long enough (the verifier insists), and copies the ten spilled registers
 * and the stack area into the packet, which the test run hands back as its output; then it
 * returns the original r0. {@link Splice} keeps every jump and call on its instruction; jumps to
 * the old exit land on the epilogue.
 */
public final class KernelExecutor {
    private KernelExecutor() {}

    /** Offsets of {@code data} and {@code data_end} in {@code struct __sk_buff}. */
    private static final int SKB_DATA = 76;
    private static final int SKB_DATA_END = 80;

    /** The outcome of running one generated program in the kernel. */
    public sealed interface Outcome {
        /** The verifier refused the wrapped program. */
        record Rejected(LoadResult.Rejected rejection) implements Outcome {}

        /** The program ran; {@code retval} is the low 32 bits of r0 as the kernel reported them. */
        record Ran(ExitState state, int retval, long durationNs) implements Outcome {}

        /** It loaded but the test run failed, or its output was not what the epilogue writes. */
        record Failed(String error) implements Outcome {}
    }

    /** Loads, test-runs and closes the wrapped program. */
    public static Outcome run(GeneratedProgram g) {
        int stackBytes = g.options().stackBytes();
        Program wrapped = wrap(g);
        int outBytes = 8 * ExitState.REGISTERS + stackBytes;
        return switch (KernelOracle.load(ProgType.SCHED_CLS, wrapped)) {
            case LoadResult.Rejected r -> new Outcome.Rejected(r);
            case LoadResult.Loaded l -> {
                try (KernelProgram p = l.program()) {
                    yield switch (p.testRun(new byte[outBytes])) {
                        case TestRunResult.Failed f -> new Outcome.Failed(f.error());
                        case TestRunResult.Ran ran -> decode(ran, stackBytes);
                    };
                }
            }
        };
    }

    private static Outcome decode(TestRunResult.Ran ran, int stackBytes) {
        byte[] out = ran.dataOut();
        if (out.length != 8 * ExitState.REGISTERS + stackBytes) {
            return new Outcome.Failed("the test run gave back " + out.length + " bytes of packet, expected "
                    + (8 * ExitState.REGISTERS + stackBytes));
        }
        long[] regs = new long[ExitState.REGISTERS];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = littleEndian(out, 8 * i);
        }
        byte[] stack = java.util.Arrays.copyOfRange(out, 8 * ExitState.REGISTERS, out.length);
        if ((int) regs[0] != ran.retval()) {
            return new Outcome.Failed("retval 0x" + Integer.toHexString(ran.retval())
                    + " is not the low half of the r0 the epilogue copied out (0x" + Long.toHexString(regs[0]) + ")");
        }
        return new Outcome.Ran(new ExitState(regs, stack), ran.retval(), ran.durationNs());
    }

    private static long littleEndian(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }

    /** The verifier's level-2 log of the wrapped program (see {@link KernelOracle#verifierLog}). */
    public static String verifierLog(GeneratedProgram g) {
        return KernelOracle.verifierLog(ProgType.SCHED_CLS, wrap(g));
    }

    /** The program wrapped as described on the class. */
    static Program wrap(GeneratedProgram g) {
        int stackBytes = g.options().stackBytes();
        int ctxSlot = -stackBytes - 8;
        List<Instruction> epilogue = new ArrayList<>();
        for (int r = 0; r < ExitState.REGISTERS; r++) {
            epilogue.add(new Instruction.StoreReg(Size.DW, Reg.R10, Reg.of(r), regSlot(stackBytes, r)));
        }
        int outBytes = 8 * ExitState.REGISTERS + stackBytes;
        epilogue.add(new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R1, Reg.R10, ctxSlot));
        epilogue.add(new Instruction.Load(Size.W, Instruction.Extension.ZERO, Reg.R2, Reg.R1, SKB_DATA));
        epilogue.add(new Instruction.Load(Size.W, Instruction.Extension.ZERO, Reg.R3, Reg.R1, SKB_DATA_END));
        epilogue.add(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R4, Reg.R2));
        epilogue.add(new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R4, new Imm(outBytes)));
        // The copy below is 2 * (10 + slots) instructions, then r0 reload and exit: skip all of them.
        int copy = 2 * (ExitState.REGISTERS + stackBytes / 8) + 2;
        epilogue.add(new Instruction.Jump(Width.W64, JmpCond.JGT, Reg.R4, Reg.R3, copy));
        for (int r = 0; r < ExitState.REGISTERS; r++) {
            epilogue.add(new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R5, Reg.R10, regSlot(stackBytes, r)));
            epilogue.add(new Instruction.StoreReg(Size.DW, Reg.R2, Reg.R5, 8 * r));
        }
        for (int j = 0; j < stackBytes / 8; j++) {
            epilogue.add(new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R5, Reg.R10, -stackBytes + 8 * j));
            epilogue.add(new Instruction.StoreReg(Size.DW, Reg.R2, Reg.R5, 8 * ExitState.REGISTERS + 8 * j));
        }
        epilogue.add(new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R0, Reg.R10, regSlot(stackBytes, 0)));
        epilogue.add(new Instruction.Exit());
        // Reached only if the packet were too short: r0 = 0 while the copied-out r0 stays unwritten.
        epilogue.add(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)));
        epilogue.add(new Instruction.Exit());
        Program p = Splice.replace(g.program(), g.mainExit(), epilogue);
        // Nothing jumps to instruction 0 (the prologue opens the program), so prepending keeps every target.
        return Splice.replace(p, 0, List.of(new Instruction.StoreReg(Size.DW, Reg.R10, Reg.R1, ctxSlot), p.get(0)));
    }

    private static int regSlot(int stackBytes, int r) {
        return -stackBytes - 16 - 8 * r;
    }
}
