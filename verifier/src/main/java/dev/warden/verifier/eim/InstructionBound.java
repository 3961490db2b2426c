package dev.warden.verifier.eim;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import java.util.OptionalLong;

/**
 * The most instructions any execution of a loop-free program can run: the longest path from the
 * entry to its exit, where a local call costs its callee's longest path. Jumps in a program
 * without loops only go forward, so each instruction runs at most once per call of its function.
 * A program with a backward jump (a loop) or a callback (a helper that calls a function of the
 * program many times) has no such bound here: its loops are bounded one by one by the verifier's
 * termination proof instead.
 */
public final class InstructionBound {
    private InstructionBound() {}

    /** Most calls deep the verifier accepts (eight frames), plus one pass to see the costs settle. */
    private static final int PASSES = 10;

    public static OptionalLong longestPath(Program p) {
        int n = p.size();
        for (int i = 0; i < n; i++) {
            Instruction insn = p.get(i);
            int pc = p.pcOf(i);
            if ((insn instanceof Instruction.Jump || insn instanceof Instruction.Goto) && Program.targetOf(pc, insn) <= pc) {
                return OptionalLong.empty();
            }
            if (insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.FUNC) {
                return OptionalLong.empty();
            }
        }
        long[] cost = new long[n];
        for (int pass = 0; pass < PASSES; pass++) {
            boolean changed = false;
            for (int i = n - 1; i >= 0; i--) {
                long c = step(p, i, cost);
                if (c != cost[i]) {
                    cost[i] = c;
                    changed = true;
                }
            }
            if (!changed) {
                return OptionalLong.of(cost[0]);
            }
        }
        return OptionalLong.empty(); // calls nested deeper than the verifier accepts (or recursive)
    }

    private static long step(Program p, int i, long[] cost) {
        Instruction insn = p.get(i);
        int pc = p.pcOf(i);
        long next = i + 1 < p.size() ? cost[i + 1] : 0;
        long c = switch (insn) {
            case Instruction.Exit x -> 0;
            case Instruction.Goto g -> at(p, Program.targetOf(pc, g), cost);
            case Instruction.Jump j -> Math.max(next, at(p, Program.targetOf(pc, j), cost));
            case Instruction.Call call when call.kind() == Instruction.CallKind.LOCAL ->
                    saturated(at(p, Program.targetOf(pc, call), cost), next);
            default -> next;
        };
        return saturated(1, c);
    }

    private static long at(Program p, int pc, long[] cost) {
        int i = p.indexAt(pc);
        return i < 0 ? 0 : cost[i];
    }

    private static long saturated(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }
}
