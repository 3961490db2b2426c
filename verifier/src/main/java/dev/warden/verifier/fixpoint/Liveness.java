package dev.warden.verifier.fixpoint;

import dev.warden.isa.Instruction;
import dev.warden.isa.Reg;
import dev.warden.isa.RegisterOperands;


/**
 * Which registers of a function may still be read, at the entry of each block (backward
 * dataflow). It only steers how {@link Disjuncts} partitions states (a register nobody reads
 * again is no reason to keep two states apart), so an imprecise answer costs time or precision,
 * never soundness; where in doubt an instruction counts as reading more.
 */
final class Liveness {
    private static final int ARGS = 0b111110; // r1..r5
    private static final int CLOBBERED = 0b111111; // r0..r5

    private final int[] liveIn;

    private Liveness(int[] liveIn) {
        this.liveIn = liveIn;
    }

    /** Registers (bit r) that some path from the entry of block {@code b} may read before writing. */
    int liveIn(int b) {
        return liveIn[b];
    }

    static Liveness of(FunctionBlocks g) {
        int n = g.blockCount();
        int[] in = new int[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int b = n - 1; b >= 0; b--) {
                int live = 0;
                for (int s : g.succs(b)) {
                    if (s >= 0) {
                        live |= in[s];
                    }
                }
                int[] pcs = g.pcs(b);
                for (int i = pcs.length - 1; i >= 0; i--) {
                    Instruction insn = g.program().at(pcs[i]);
                    live = (live & ~defs(insn)) | uses(insn);
                }
                if (live != in[b]) {
                    in[b] = live;
                    changed = true;
                }
            }
        }
        return new Liveness(in);
    }

    private static int bit(Reg r) {
        return 1 << r.number();
    }

    private static int uses(Instruction insn) {
        return switch (insn) {
            case Instruction.Call c -> ARGS;
            case Instruction.CallX c -> ARGS | bit(c.target());
            case Instruction.Exit e -> 1;
            default -> RegisterOperands.read(insn);
        };
    }

    private static int defs(Instruction insn) {
        return switch (insn) {
            case Instruction.Call c -> CLOBBERED;
            case Instruction.CallX c -> CLOBBERED;
            case Instruction.PacketLoad p -> 1;
            default -> RegisterOperands.written(insn);
        };
    }
}
