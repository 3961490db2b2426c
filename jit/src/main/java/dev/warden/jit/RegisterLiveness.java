package dev.warden.jit;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.RegisterOperands;
import dev.warden.isa.cfg.BasicBlock;
import dev.warden.isa.cfg.ControlFlowGraph;

/**
 * Which of r0-r9 the rest of a run may still read, at each instruction of one function (backward
 * dataflow over the function's instructions). Where a polled run leaves its method to poll, the
 * stub hands every register to the dispatcher; a register the continuation never reads is set to
 * 0 first, so that keeping it for the stub does not stretch its live range across the loop (the
 * state machine's two scratch registers, kept alive so, cost it 20%).
 *
 * <p>Unlike the verifier's liveness this one decides what the JIT may discard, so where in doubt
 * an instruction counts as reading more and writing less: a local call or {@code callx} reads
 * r0-r9 (the callee sees the caller's registers), no call writes anything (a helper's r1-r5 stay
 * as the interpreter leaves them), an exit reads r0-r5 (a caller reads r1-r5 back), a legacy
 * packet load reads everything. r10 is never discarded.
 */
final class RegisterLiveness {
    private static final int ALL = 0b11_1111_1111; // r0..r9
    private static final int R0_TO_R5 = 0b11_1111;
    private static final int ARGS = 0b11_1110; // r1..r5

    private RegisterLiveness() {}

    /** By index in {@code f}: the registers (bit r) some path from before that instruction may read before writing. */
    static int[] liveIn(ControlFlowGraph graph, FunctionLayout f) {
        Program program = graph.program();
        int n = f.pcs.length;
        int[] in = new int[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                int pc = f.pcs[i];
                Instruction insn = program.at(pc);
                int live = 0;
                int next = f.indexOf(pc + insn.slots());
                if (next >= 0 && fallsThrough(insn)) {
                    live |= in[next];
                }
                BasicBlock block = graph.block(f.blockOf[i]);
                if (pc == block.last()) {
                    for (int s : block.successors()) {
                        int t = f.indexOf(graph.block(s).first());
                        if (t >= 0) {
                            live |= in[t];
                        }
                    }
                }
                live = (live & ~defs(insn)) | uses(insn);
                if (live != in[i]) {
                    in[i] = live;
                    changed = true;
                }
            }
        }
        return in;
    }

    private static boolean fallsThrough(Instruction insn) {
        return !(insn instanceof Instruction.Exit || insn instanceof Instruction.Goto);
    }

    private static int uses(Instruction insn) {
        return switch (insn) {
            case Instruction.Call c -> c.kind() == Instruction.CallKind.LOCAL ? ALL : ARGS;
            case Instruction.CallX c -> ALL;
            case Instruction.Exit e -> R0_TO_R5;
            case Instruction.PacketLoad p -> ALL;
            default -> RegisterOperands.read(insn);
        };
    }

    /** Calls write nothing here: a helper leaves r1-r5 as they were, and r0 is not counted (reading more). */
    private static int defs(Instruction insn) {
        return RegisterOperands.written(insn);
    }
}
