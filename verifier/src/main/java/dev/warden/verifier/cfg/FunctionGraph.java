package dev.warden.verifier.cfg;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The basic blocks of one function: the instructions reachable from its entry without following
 * calls (a local call falls through to the next instruction). Blocks are numbered in pc order;
 * block 0 holds the entry only when the entry is the lowest pc, so use {@link #entryBlock()}.
 * Each block's successors are listed as [fall-through, taken]; -1 where there is none, and
 * {@link #OFF_END} where execution would fall off the end of the program.
 */
public final class FunctionGraph {
    /** A successor that lies past the last instruction. */
    public static final int OFF_END = -2;

    private final Program program;
    private final int entryPc;
    private final int[] starts;
    private final int[][] pcs;
    private final int[][] succs;
    private final int[][] preds;
    private final int entryBlock;

    private FunctionGraph(Program program, int entryPc, int[] starts, int[][] pcs, int[][] succs, int[][] preds, int entryBlock) {
        this.program = program;
        this.entryPc = entryPc;
        this.starts = starts;
        this.pcs = pcs;
        this.succs = succs;
        this.preds = preds;
        this.entryBlock = entryBlock;
    }

    /** The pcs an instruction can continue at: [fall-through or -1, target or -1]. */
    static int[] next(Program p, int pc) {
        Instruction insn = p.at(pc);
        int fall = pc + insn.slots();
        return switch (insn) {
            case Instruction.Jump j -> new int[] {fall, Program.targetOf(pc, insn)};
            case Instruction.Goto g -> new int[] {-1, Program.targetOf(pc, insn)};
            case Instruction.Exit x -> new int[] {-1, -1};
            default -> new int[] {fall, -1};
        };
    }

    public static FunctionGraph of(Program p, int entryPc) {
        int n = p.slotCount();
        BitSet reach = new BitSet(n);
        BitSet leader = new BitSet(n);
        leader.set(entryPc);
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.push(entryPc);
        reach.set(entryPc);
        while (!work.isEmpty()) {
            int pc = work.pop();
            int[] nx = next(p, pc);
            Instruction insn = p.at(pc);
            boolean branches = insn instanceof Instruction.Jump || insn instanceof Instruction.Goto || insn instanceof Instruction.Exit;
            for (int k = 0; k < 2; k++) {
                int t = nx[k];
                if (t < 0 || t >= n) {
                    continue;
                }
                if (branches) {
                    leader.set(t);
                }
                if (!reach.get(t)) {
                    reach.set(t);
                    work.push(t);
                }
            }
        }
        List<Integer> startList = new ArrayList<>();
        for (int pc = reach.nextSetBit(0); pc >= 0; pc = reach.nextSetBit(pc + 1)) {
            int prev = pc - 1;
            while (prev >= 0 && p.indexAt(prev) < 0) {
                prev--;
            }
            // A block starts at a leader, or where the previous instruction does not flow here.
            boolean flowsIn = prev >= 0 && reach.get(prev) && next(p, prev)[0] == pc;
            if (leader.get(pc) || !flowsIn) {
                startList.add(pc);
            }
        }
        int[] starts = startList.stream().mapToInt(Integer::intValue).toArray();
        int blocks = starts.length;
        int[][] pcs = new int[blocks][];
        int[][] succs = new int[blocks][];
        List<List<Integer>> predList = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            predList.add(new ArrayList<>());
        }
        for (int b = 0; b < blocks; b++) {
            List<Integer> body = new ArrayList<>();
            int pc = starts[b];
            while (true) {
                body.add(pc);
                int[] nx = next(p, pc);
                Instruction insn = p.at(pc);
                boolean ends = insn instanceof Instruction.Jump || insn instanceof Instruction.Goto || insn instanceof Instruction.Exit
                        || nx[0] >= n || Arrays.binarySearch(starts, nx[0]) >= 0;
                if (ends) {
                    break;
                }
                pc = nx[0];
            }
            pcs[b] = body.stream().mapToInt(Integer::intValue).toArray();
            int[] nx = next(p, pc);
            succs[b] = new int[] {blockOf(starts, nx[0], n), blockOf(starts, nx[1], n)};
        }
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < 2; k++) {
                int s = succs[b][k];
                if (s >= 0 && !predList.get(s).contains(b)) {
                    predList.get(s).add(b);
                }
            }
        }
        int[][] preds = new int[blocks][];
        for (int b = 0; b < blocks; b++) {
            preds[b] = predList.get(b).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return new FunctionGraph(p, entryPc, starts, pcs, succs, preds, Arrays.binarySearch(starts, entryPc));
    }

    private static int blockOf(int[] starts, int pc, int n) {
        if (pc < 0) {
            return -1;
        }
        if (pc >= n) {
            return OFF_END;
        }
        return Arrays.binarySearch(starts, pc);
    }

    public Program program() {
        return program;
    }

    public int entryPc() {
        return entryPc;
    }

    public int entryBlock() {
        return entryBlock;
    }

    public int blockCount() {
        return starts.length;
    }

    /** The pcs of block {@code b}'s instructions, in order. */
    public int[] pcs(int b) {
        return pcs[b];
    }

    /** [fall-through block, taken block]; -1 for none, {@link #OFF_END} past the program's end. */
    public int[] succs(int b) {
        return succs[b];
    }

    public int[] preds(int b) {
        return preds[b];
    }

    public int startPc(int b) {
        return starts[b];
    }

    public int lastPc(int b) {
        return pcs[b][pcs[b].length - 1];
    }
}
