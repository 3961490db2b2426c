package dev.warden.jit;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.vm.Helpers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/**
 * The code of one eBPF function as the JIT lays it out: every pc reachable from the entry
 * without following calls (a local call returns to the next instruction), split into basic
 * blocks, and the blocks grouped into chunks of bounded bytecode size, each one JVM method.
 *
 * <p>Functions are found by reachability rather than by section boundaries: the interpreter runs
 * whatever the control flow reaches, so two functions may share code and each gets its own copy.
 *
 * <p>Why chunks: HotSpot compiles no method over 8,000 bytes of bytecode ({@code
 * -XX:HugeMethodLimit}), and the class file format allows no more than 65,535. A chunk is a
 * contiguous run of the function's pcs, cut only at block starts (a block longer than the limit
 * is cut by making an artificial block start).
 */
final class FunctionLayout {
    /**
     * Limits of one chunk at scale 1: estimated bytecode (HotSpot compiles no method over
     * 8,000 bytes) and memory accesses (each inlines a few hundred C2 nodes; past about 18,000
     * nodes C2 stops inlining, and an access that is not inlined costs a call). Where a chunk
     * reaches a soft limit it ends before the last instruction outside every loop, so that no loop
     * iteration crosses chunks; only the hard limit cuts inside a loop.
     */
    static final int SOFT_BYTES = 6_000;
    static final int HARD_BYTES = 7_000;
    static final int SOFT_ACCESSES = 40;

    final int entry;
    /** Reachable pcs in ascending order. */
    final int[] pcs;
    final BitSet reachable;
    /** Block starts; each block's length (in instructions) by its first pc. */
    final BitSet leaders;
    final int[] blockLength;
    /** Chunk index by pc (for reachable pcs), and the first pc of each chunk. */
    final int[] chunkOf;
    final List<int[]> chunkPcs;
    /** Per chunk, the pcs control can enter it at from outside (the entry, cross-chunk targets). */
    final List<int[]> chunkEntries;

    private FunctionLayout(int entry, int[] pcs, BitSet reachable, BitSet leaders, int[] blockLength,
            int[] chunkOf, List<int[]> chunkPcs, List<int[]> chunkEntries) {
        this.entry = entry;
        this.pcs = pcs;
        this.reachable = reachable;
        this.leaders = leaders;
        this.blockLength = blockLength;
        this.chunkOf = chunkOf;
        this.chunkPcs = chunkPcs;
        this.chunkEntries = chunkEntries;
    }

    boolean chunked() {
        return chunkPcs.size() > 1;
    }

    /**
     * Successors of the instruction at {@code pc} inside its function: fall-through and jump
     * targets, not call targets. A fall-through to {@code slotCount} (off the end) is omitted;
     * the translator turns it into a fault.
     */
    static int[] successors(Program program, int pc, Instruction insn, Helpers helpers) {
        if (StaticFaults.of(pc, insn, helpers).isPresent()) {
            return new int[0];
        }
        int next = pc + insn.slots();
        boolean hasNext = next < program.slotCount();
        return switch (insn) {
            case Instruction.Exit e -> new int[0];
            case Instruction.Goto g -> new int[] {Program.targetOf(pc, g)};
            case Instruction.Jump j -> hasNext
                    ? new int[] {Program.targetOf(pc, j), next}
                    : new int[] {Program.targetOf(pc, j)};
            default -> hasNext ? new int[] {next} : new int[0];
        };
    }

    static FunctionLayout of(Program program, int entry, Helpers helpers, double scale) {
        int slots = program.slotCount();
        BitSet reachable = new BitSet(slots);
        BitSet leaders = new BitSet(slots);
        Deque<Integer> work = new ArrayDeque<>();
        reachable.set(entry);
        leaders.set(entry);
        work.push(entry);
        while (!work.isEmpty()) {
            int pc = work.pop();
            Instruction insn = program.at(pc);
            int[] succ = successors(program, pc, insn, helpers);
            // A block also ends at a local call: the callee checks the budget at its back edges
            // and exit, and must not see the rest of the caller's block already charged.
            boolean branches = insn instanceof Instruction.Jump || insn instanceof Instruction.Goto
                    || insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.LOCAL;
            for (int s : succ) {
                if (branches) {
                    leaders.set(s);
                }
                if (!reachable.get(s)) {
                    reachable.set(s);
                    work.push(s);
                }
            }
        }
        int[] pcs = reachable.stream().toArray();

        // Loop bodies: a back edge from j to t <= j covers (t, j]; a chunk must not start there.
        int[] loopDepth = new int[slots + 1];
        for (int pc : pcs) {
            for (int t : successors(program, pc, program.at(pc), helpers)) {
                if (t <= pc) {
                    loopDepth[t + 1]++;
                    loopDepth[pc + 1]--;
                }
            }
        }
        for (int pc = 1; pc <= slots; pc++) {
            loopDepth[pc] += loopDepth[pc - 1];
        }
        // Prefix sums of estimated bytes and accesses over pcs.
        long[] bytes = new long[pcs.length + 1];
        int[] accesses = new int[pcs.length + 1];
        for (int i = 0; i < pcs.length; i++) {
            Instruction insn = program.at(pcs[i]);
            bytes[i + 1] = bytes[i] + Translator.estimate(insn) + (leaders.get(pcs[i]) ? Translator.BLOCK_COST : 0);
            accesses[i + 1] = accesses[i] + (Translator.isMemoryAccess(insn) ? 1 : 0);
        }
        int softBytes = (int) (SOFT_BYTES * scale);
        int hardBytes = (int) (HARD_BYTES * scale);
        int softAccesses = Math.max(1, (int) (SOFT_ACCESSES * scale));
        List<Integer> cuts = new ArrayList<>(); // indexes into pcs where a new chunk starts
        int start = 0;
        int lastGood = -1;
        for (int i = 0; i < pcs.length; i++) {
            int pc = pcs[i];
            // Any pc outside every loop may start a chunk (straight-line code is cut mid-block).
            if (i > start && loopDepth[pc] == 0) {
                lastGood = i;
            }
            long size = bytes[i + 1] - bytes[start];
            int acc = accesses[i + 1] - accesses[start];
            int cut = -1;
            if (size > hardBytes) {
                cut = lastGood > start ? lastGood : i; // forced: inside a loop if need be
            } else if ((size > softBytes || acc > softAccesses) && lastGood > start) {
                cut = lastGood;
            }
            if (cut > start) {
                cuts.add(cut);
                leaders.set(pcs[cut]);
                start = cut;
                lastGood = -1;
                // Re-scan from the cut: a later good cut point may lie before i.
                i = cut;
            }
        }
        int[] chunkOf = new int[slots];
        List<int[]> chunkPcs = new ArrayList<>();
        cuts.add(pcs.length);
        int from = 0;
        for (int cut : cuts) {
            for (int i = from; i < cut; i++) {
                chunkOf[pcs[i]] = chunkPcs.size();
            }
            chunkPcs.add(java.util.Arrays.copyOfRange(pcs, from, cut));
            from = cut;
        }

        // Block lengths: instructions from each leader to the next, in pc order.
        int[] blockLength = new int[slots];
        int lastLeader = -1;
        for (int pc : pcs) {
            if (leaders.get(pc)) {
                lastLeader = pc;
            }
            blockLength[lastLeader]++;
        }

        // Entries of each chunk: the function entry, and every edge that crosses chunks.
        BitSet isEntry = new BitSet(slots);
        isEntry.set(entry);
        if (chunkPcs.size() > 1) {
            for (int pc : pcs) {
                for (int s : successors(program, pc, program.at(pc), helpers)) {
                    if (chunkOf[s] != chunkOf[pc]) {
                        isEntry.set(s);
                    }
                }
            }
        }
        List<int[]> chunkEntries = new ArrayList<>();
        for (int[] chunk : chunkPcs) {
            chunkEntries.add(java.util.Arrays.stream(chunk).filter(isEntry::get).toArray());
        }
        return new FunctionLayout(entry, pcs, reachable, leaders, blockLength, chunkOf, chunkPcs, chunkEntries);
    }

    /** Every function: pc 0's first, then each local call target reachable from it. */
    static List<FunctionLayout> functions(Program program, Helpers helpers, double scale) {
        BitSet seen = new BitSet();
        Deque<Integer> work = new ArrayDeque<>();
        List<FunctionLayout> out = new ArrayList<>();
        seen.set(0);
        work.add(0);
        while (!work.isEmpty()) {
            int entry = work.poll();
            FunctionLayout f = of(program, entry, helpers, scale);
            out.add(f);
            for (int pc : f.pcs) {
                Instruction insn = program.at(pc);
                if (insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.LOCAL) {
                    int t = Program.targetOf(pc, c);
                    if (!seen.get(t)) {
                        seen.set(t);
                        work.add(t);
                    }
                }
            }
        }
        return out;
    }
}
