package dev.warden.isa.cfg;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The control-flow graph of a {@link Program}, shared by the verifier and the JIT: the code a
 * run can reach from pc 0, its {@link BasicBlock}s, its functions ({@link Subprogram}s: pc 0,
 * every local-call target and every callback, the target of a 64-bit load of a function
 * address, {@code Pseudo.FUNC}, as the kernel counts subprograms), the local {@link CallSite}s, and per function its back edges,
 * loop heads and (on demand) its {@link WeakTopologicalOrder}. Immutable.
 *
 * <p>The graph is syntactic: every instruction may complete, so the graph does not know which
 * helper ids exist or that an instruction writing r10 always faults; a consumer that knows more
 * simply never takes the edges after such an instruction.
 *
 * <p><b>Cost.</b> Building it takes time and memory linear in the program's size: one pass for
 * reachability, one for the blocks, and per function a search over its own blocks, with scratch
 * arrays shared by all functions (never one array per function sized to the whole program). The
 * one term that is not linear in general is code shared by functions, listed once per function
 * that reaches it; the total over all functions is therefore bounded by
 * {@value #SHARING_FACTOR} times the reachable instructions plus {@value #SHARING_SLACK}, and a
 * program over that is refused with {@link ControlFlowLimitException}.
 */
public final class ControlFlowGraph {
    /** At most this many times the reachable instructions, summed over all functions (plus the slack). */
    public static final int SHARING_FACTOR = 4;
    /** Allowance for small programs on top of {@link #SHARING_FACTOR}. */
    public static final int SHARING_SLACK = 1 << 16;

    private final Program program;
    private final List<BasicBlock> blocks;
    /** The block id of every slot of a reachable instruction, -1 elsewhere. */
    private final int[] blockOfPc;
    private final int reachableInstructions;
    private final List<Subprogram> functions;
    private final List<CallSite> callSites;

    private ControlFlowGraph(Program program, List<BasicBlock> blocks, int[] blockOfPc, int reachableInstructions,
            List<Subprogram> functions, List<CallSite> callSites) {
        this.program = program;
        this.blocks = List.copyOf(blocks);
        this.blockOfPc = blockOfPc;
        this.reachableInstructions = reachableInstructions;
        this.functions = List.copyOf(functions);
        this.callSites = List.copyOf(callSites);
    }

    /**
     * Builds the graph of {@code program}.
     *
     * @throws ControlFlowLimitException if functions share more code than the class comment
     *     allows (never for code where each instruction belongs to one function)
     */
    public static ControlFlowGraph of(Program program) {
        return new Builder(program).build();
    }

    public Program program() {
        return program;
    }

    /** The reachable blocks in pc order; a block's id is its index here. */
    public List<BasicBlock> blocks() {
        return blocks;
    }

    public BasicBlock block(int id) {
        return blocks.get(id);
    }

    /** The id of the block holding {@code pc} (either slot of a 64-bit load), or -1 where no reachable instruction is. */
    public int blockAt(int pc) {
        return pc >= 0 && pc < blockOfPc.length ? blockOfPc[pc] : -1;
    }

    /** Whether a run can reach the instruction at {@code pc}. */
    public boolean isReachable(int pc) {
        return blockAt(pc) >= 0;
    }

    /** Number of reachable instructions. */
    public int reachableInstructions() {
        return reachableInstructions;
    }

    /** The pcs of instructions no run can reach, ascending (the kernel rejects such code). */
    public List<Integer> unreachable() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < program.size(); i++) {
            int pc = program.pcOf(i);
            if (blockOfPc[pc] < 0) {
                out.add(pc);
            }
        }
        return out;
    }

    /** The functions by ascending entry pc; the first is the program's, at pc 0. */
    public List<Subprogram> functions() {
        return functions;
    }

    /** The function entered at {@code entry}, if pc 0 or a reachable local call's target. */
    public Optional<Subprogram> function(int entry) {
        int lo = 0;
        int hi = functions.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int e = functions.get(mid).entry();
            if (e == entry) {
                return Optional.of(functions.get(mid));
            } else if (e < entry) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return Optional.empty();
    }

    /** Every reachable local call, by pc. */
    public List<CallSite> callSites() {
        return callSites;
    }

    /** One construction: the passes of the class comment, in order. */
    private static final class Builder {
        private final Program program;
        private final int slots;

        Builder(Program program) {
            this.program = program;
            this.slots = program.slotCount();
        }

        ControlFlowGraph build() {
            BitSet reachable = new BitSet(slots);
            BitSet leaders = new BitSet(slots);
            BitSet entries = new BitSet(slots);
            int reachableCount = reach(reachable, leaders, entries);

            // Blocks, in pc order.
            int[] blockOfPc = new int[slots];
            Arrays.fill(blockOfPc, -1);
            List<int[]> spans = new ArrayList<>(); // first, last, length
            int first = -1;
            int length = 0;
            for (int pc = reachable.nextSetBit(0); pc >= 0; pc = reachable.nextSetBit(pc + 1)) {
                Instruction insn = program.at(pc);
                if (first < 0 || leaders.get(pc)) {
                    first = pc;
                    length = 0;
                }
                length++;
                int next = pc + insn.slots();
                int id = spans.size();
                for (int s = pc; s < next; s++) {
                    blockOfPc[s] = id;
                }
                if (endsBlock(insn) || next >= slots || leaders.get(next) || !reachable.get(next)) {
                    spans.add(new int[] {first, pc, length});
                    first = -1;
                }
            }
            int n = spans.size();
            int[][] succ = new int[n][];
            int[] taken = new int[n];
            int[] fall = new int[n];
            Arrays.fill(taken, -1);
            Arrays.fill(fall, -1);
            Terminator[] term = new Terminator[n];
            boolean[] offEnd = new boolean[n];
            int[] predCount = new int[n];
            List<CallSite> calls = new ArrayList<>();
            for (int b = 0; b < n; b++) {
                int last = spans.get(b)[1];
                Instruction insn = program.at(last);
                int next = last + insn.slots();
                boolean hasNext = next < slots;
                int nextBlock = hasNext ? blockOfPc[next] : -1;
                switch (insn) {
                    case Instruction.Jump j -> {
                        term[b] = Terminator.BRANCH;
                        int t = blockOfPc[Program.targetOf(last, j)];
                        succ[b] = !hasNext ? new int[] {t} : t == nextBlock ? new int[] {t} : new int[] {t, nextBlock};
                        offEnd[b] = !hasNext;
                        taken[b] = t;
                        fall[b] = nextBlock;
                    }
                    case Instruction.Goto g -> {
                        term[b] = Terminator.GOTO;
                        succ[b] = new int[] {blockOfPc[Program.targetOf(last, g)]};
                        taken[b] = succ[b][0];
                    }
                    case Instruction.Call c when c.kind() == Instruction.CallKind.LOCAL -> {
                        term[b] = Terminator.LOCAL_CALL;
                        succ[b] = hasNext ? new int[] {nextBlock} : new int[0];
                        offEnd[b] = !hasNext;
                        fall[b] = nextBlock;
                        calls.add(new CallSite(last, b, Program.targetOf(last, c)));
                    }
                    case Instruction.Exit e -> {
                        term[b] = Terminator.EXIT;
                        succ[b] = new int[0];
                    }
                    default -> {
                        term[b] = hasNext ? Terminator.FALL_THROUGH : Terminator.FALL_OFF_END;
                        succ[b] = hasNext ? new int[] {nextBlock} : new int[0];
                        offEnd[b] = !hasNext;
                        fall[b] = nextBlock;
                    }
                }
                for (int s : succ[b]) {
                    predCount[s]++;
                }
            }
            int[][] pred = new int[n][];
            for (int b = 0; b < n; b++) {
                pred[b] = new int[predCount[b]];
                predCount[b] = 0;
            }
            for (int b = 0; b < n; b++) { // ascending b, so each list comes out sorted
                for (int s : succ[b]) {
                    pred[s][predCount[s]++] = b;
                }
            }
            List<BasicBlock> blocks = new ArrayList<>(n);
            for (int b = 0; b < n; b++) {
                int[] span = spans.get(b);
                int[] pcs = new int[span[2]];
                for (int k = 0, pc = span[0]; k < pcs.length; pc += program.at(pc).slots(), k++) {
                    pcs[k] = pc;
                }
                blocks.add(new BasicBlock(b, span[0], span[1], pcs, term[b], offEnd[b], succ[b], pred[b], fall[b], taken[b]));
            }
            List<BasicBlock> frozen = List.copyOf(blocks);
            List<Subprogram> functions = functions(frozen, blockOfPc, entries, calls, reachableCount);
            return new ControlFlowGraph(program, frozen, blockOfPc, reachableCount, functions, calls);
        }

        private static boolean endsBlock(Instruction insn) {
            return switch (insn) {
                case Instruction.Jump j -> true;
                case Instruction.Goto g -> true;
                case Instruction.Exit e -> true;
                case Instruction.Call c -> c.kind() == Instruction.CallKind.LOCAL;
                default -> false;
            };
        }

        /** Marks reachable instructions, block leaders and function entries; returns the count reached. */
        private int reach(BitSet reachable, BitSet leaders, BitSet entries) {
            int[] work = new int[Math.max(1, slots)];
            int top = 0;
            int count = 0;
            reachable.set(0);
            leaders.set(0);
            entries.set(0);
            work[top++] = 0;
            while (top > 0) {
                int pc = work[--top];
                count++;
                Instruction insn = program.at(pc);
                int next = pc + insn.slots();
                int target = -1;
                boolean fallsThrough = true;
                switch (insn) {
                    case Instruction.Jump j -> target = Program.targetOf(pc, j);
                    case Instruction.Goto g -> {
                        target = Program.targetOf(pc, g);
                        fallsThrough = false;
                    }
                    case Instruction.Call c when c.kind() == Instruction.CallKind.LOCAL -> {
                        int callee = Program.targetOf(pc, c);
                        entries.set(callee);
                        leaders.set(callee);
                        if (!reachable.get(callee)) {
                            reachable.set(callee);
                            work[top++] = callee;
                        }
                    }
                    case Instruction.Exit e -> fallsThrough = false;
                    case Instruction.LoadImm64 l when l.pseudo() == Pseudo.FUNC -> {
                        // A callback's address (bpf_loop, bpf_for_each_map_elem...): the kernel makes
                        // its target a subprogram, entered when a helper calls it. A target that is
                        // no instruction is left to the consumer (the load itself is still valid code).
                        int callee = pc + 1 + l.imm();
                        if (callee >= 0 && callee < slots && program.indexAt(callee) >= 0) {
                            entries.set(callee);
                            leaders.set(callee);
                            if (!reachable.get(callee)) {
                                reachable.set(callee);
                                work[top++] = callee;
                            }
                        }
                    }
                    default -> { }
                }
                if (endsBlock(insn) && next < slots) {
                    leaders.set(next);
                }
                if (target >= 0) {
                    leaders.set(target);
                    if (!reachable.get(target)) {
                        reachable.set(target);
                        work[top++] = target;
                    }
                }
                if (fallsThrough && next < slots && !reachable.get(next)) {
                    reachable.set(next);
                    work[top++] = next;
                }
            }
            return count;
        }

        /**
         * Per function entry: the blocks it reaches, its call sites, and its back edges by an
         * iterative depth-first search. Scratch arrays are sized to the program once and reset
         * for each function's own blocks only.
         */
        private static List<Subprogram> functions(List<BasicBlock> blocks, int[] blockOfPc, BitSet entries,
                List<CallSite> calls, int reachableCount) {
            int n = blocks.size();
            int[] mark = new int[n]; // stamp of the last function that reached the block
            byte[] color = new byte[n]; // depth-first search: 0 unvisited, 1 on the path, 2 done
            int[] queue = new int[n];
            int[] stackBlock = new int[n];
            int[] stackNext = new int[n];
            long limit = (long) SHARING_FACTOR * reachableCount + SHARING_SLACK;
            long total = 0;
            List<Subprogram> out = new ArrayList<>();
            int stamp = 0;
            for (int entry = entries.nextSetBit(0); entry >= 0; entry = entries.nextSetBit(entry + 1)) {
                stamp++;
                int entryBlock = blockOfPc[entry];
                int size = 0;
                queue[size++] = entryBlock;
                mark[entryBlock] = stamp;
                int instructions = 0;
                for (int head = 0; head < size; head++) {
                    BasicBlock b = blocks.get(queue[head]);
                    instructions += b.length();
                    for (int s : b.successors()) {
                        if (mark[s] != stamp) {
                            mark[s] = stamp;
                            queue[size++] = s;
                        }
                    }
                }
                total += instructions;
                if (total > limit) {
                    throw new ControlFlowLimitException(entry, "the function at pc " + entry
                            + " brings the code reached by all functions to " + total + " instructions, over "
                            + SHARING_FACTOR + " times the " + reachableCount + " reachable instructions plus "
                            + SHARING_SLACK + ": functions share too much code");
                }
                int[] members = Arrays.copyOf(queue, size);
                Arrays.sort(members);
                List<CallSite> own = new ArrayList<>();
                for (int b : members) {
                    if (blocks.get(b).terminator() == Terminator.LOCAL_CALL) {
                        own.add(callAt(calls, blocks.get(b).last()));
                    }
                }
                // Back edges: iterative depth-first search from the entry, successors in order.
                List<Edge> backEdges = new ArrayList<>();
                int sp = 0;
                stackBlock[sp] = entryBlock;
                stackNext[sp++] = 0;
                color[entryBlock] = 1;
                while (sp > 0) {
                    int v = stackBlock[sp - 1];
                    List<Integer> succ = blocks.get(v).successors();
                    if (stackNext[sp - 1] < succ.size()) {
                        int w = succ.get(stackNext[sp - 1]++);
                        if (color[w] == 0) {
                            color[w] = 1;
                            stackBlock[sp] = w;
                            stackNext[sp++] = 0;
                        } else if (color[w] == 1) {
                            backEdges.add(new Edge(v, w));
                        }
                    } else {
                        color[v] = 2;
                        sp--;
                    }
                }
                for (int b : members) {
                    color[b] = 0;
                }
                int[] heads = backEdges.stream().mapToInt(Edge::to).distinct().sorted().toArray();
                out.add(new Subprogram(blocks, entry, entryBlock, members, instructions, own, backEdges, heads));
            }
            return out;
        }

        private static CallSite callAt(List<CallSite> calls, int pc) {
            int lo = 0;
            int hi = calls.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int p = calls.get(mid).pc();
                if (p == pc) {
                    return calls.get(mid);
                } else if (p < pc) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            throw new IllegalStateException("no call site at pc " + pc);
        }
    }
}
