package dev.warden.jit;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.cfg.BasicBlock;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.cfg.Subprogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The code of one eBPF function as the JIT lays it out: the function's instructions (its blocks
 * in {@link ControlFlowGraph}, in pc order), cut into <em>segments</em> for the instruction budget
 * (the graph's blocks, split further where a chunk ends inside one), and the segments grouped
 * into chunks of bounded bytecode size, each one JVM method.
 *
 * <p>Every array here is indexed by the instruction's position in this function (its "index"),
 * never by pc: a function costs memory in proportion to its own size, whatever the program's.
 * Code that several functions reach is laid out once per function; {@link ControlFlowGraph}
 * bounds the total.
 *
 * <p>Why chunks: HotSpot compiles no method over 8,000 bytes of bytecode ({@code
 * -XX:HugeMethodLimit}), and the class file format allows no more than 65,535. A chunk is a
 * contiguous run of the function's instructions, cut only at segment starts (a cut inside a
 * block makes a new segment).
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
    /** The function's instruction pcs, ascending; an instruction's index is its position here. */
    final int[] pcs;
    /** By index: the length (in instructions) of the segment starting there, or 0 if none starts there. */
    final int[] segmentLength;
    /** By index: the id of the graph block holding the instruction. */
    final int[] blockOf;
    /** Chunk boundaries: chunk k holds indexes {@code chunkBounds[k]..chunkBounds[k+1]-1}. */
    final int[] chunkBounds;
    /** Per chunk, the pcs control can enter it at from outside (the entry, cross-chunk targets), ascending. */
    final List<int[]> chunkEntries;

    /** Whether a polled run's stubs leave the function's methods at back edges (see {@link BackEdges}). */
    final BackEdges backEdges;
    /** By index: whether a polled run leaves at a back edge to here, to re-enter after its poll. */
    private final boolean[] resumesAt;
    /**
     * The targets of the function's back edges into the middle of a loop, where its loop-free copy
     * goes on after polling at such a back edge (ascending pcs; empty when the function has no
     * copy). The copy is also entered at its loop heads' margin checks (Translator#marginChecks).
     */
    final int[] copyEntries;
    /** The function's loop heads (targets of depth-first back edges), as pcs. */
    private final java.util.Set<Integer> headPcs;

    private FunctionLayout(int entry, int[] pcs, int[] segmentLength, int[] blockOf, int[] chunkBounds,
            List<int[]> chunkEntries, BackEdges backEdges, boolean[] resumesAt, int[] copyEntries,
            java.util.Set<Integer> headPcs) {
        this.entry = entry;
        this.pcs = pcs;
        this.segmentLength = segmentLength;
        this.blockOf = blockOf;
        this.chunkBounds = chunkBounds;
        this.chunkEntries = chunkEntries;
        this.backEdges = backEdges;
        this.resumesAt = resumesAt;
        this.copyEntries = copyEntries;
        this.headPcs = headPcs;
    }

    /** Whether the function has a loop-free copy to resume in (see {@link #copyEntries}). */
    boolean hasCopy() {
        return copyEntries.length > 0;
    }

    /** Whether {@code pc} starts a loop head of this function. */
    boolean isLoopHead(int pc) {
        return headPcs.contains(pc);
    }

    /** Whether a back edge into the middle of a loop goes on in the copy at {@code pc} (see {@link #copyEntries}). */
    boolean resumesInCopy(int pc) {
        return Arrays.binarySearch(copyEntries, pc) >= 0;
    }

    /** Whether a polled run leaves its method at a back edge to {@code pc}, which is then a chunk entry. */
    boolean resumesAt(int pc) {
        int i = indexOf(pc);
        return i >= 0 && resumesAt[i];
    }

    /**
     * Where a polled run reads the clock when its budget slice runs out at a back edge. In the
     * loop itself the refill would be a cold path that rejoins the loop, and HotSpot compiles
     * such a loop much worse (sum_loop ran 1.7-1.9 times as long, even with the path never
     * taken); leaving the method instead keeps the loop's only way out of its hot path an exit.
     */
    enum BackEdges {
        /** Unpolled, or no back edge: nothing leaves. */
        STAY,
        /**
         * The function runs in chunk methods under its dispatcher (a function of one chunk with a
         * copy runs in its own method until it first leaves, and the dispatcher lives in that
         * method's cold tail),
         * and every back edge's target that is a loop head is a chunk entry: when the slice runs
         * low on the back edge, a stub polls and leaves the method for the target, where the
         * dispatcher re-enters. Where a back edge jumps into the middle of a loop (a state
         * machine's cases jumping back to their shared tail), the function of one chunk gets a
         * loop-free copy ({@link #copyEntries}) and no back edge polls in the function's methods:
         * the first check of each loop head's segment asks the margin instead, and when the slice
         * runs below it the run leaves for the copy there, which polls at its first back edge and
         * leaves for the dispatcher at the next loop head (Translator#marginChecks).
         */
        LEAVE
    }

    int chunks() {
        return chunkBounds.length - 1;
    }

    /** Whether the function runs under a dispatcher, in chunk methods (more than one, or a polled loop's one). */
    boolean chunked() {
        return chunks() > 1 || backEdges == BackEdges.LEAVE;
    }

    /** The index of {@code pc} in this function, or -1 if the function does not reach it. */
    int indexOf(int pc) {
        int i = Arrays.binarySearch(pcs, pc);
        return i >= 0 ? i : -1;
    }

    /** The chunk holding index {@code i}. */
    int chunkOf(int i) {
        int k = Arrays.binarySearch(chunkBounds, i);
        return k >= 0 ? k : -k - 2;
    }

    /** Number of JVM methods this function becomes: one, or its chunks, a dispatcher and second-level dispatchers. */
    int methods() {
        int chunks = chunks();
        int copy = hasCopy() ? 1 : 0;
        return chunked() ? chunks + 1 + copy + (chunks > Translator.FAN_OUT ? (chunks + Translator.FAN_OUT - 1) / Translator.FAN_OUT : 0) : 1;
    }

    static FunctionLayout of(ControlFlowGraph graph, Subprogram function, double scale, dev.warden.vm.Cancellation cancellation) {
        Program program = graph.program();
        int n = function.instructionCount();
        int[] pcs = new int[n];
        int[] blockOf = new int[n];
        int[] segmentLength = new int[n];
        int i = 0;
        for (int b : function.blocks()) {
            BasicBlock block = graph.block(b);
            segmentLength[i] = block.length();
            for (int pc = block.first(); pc <= block.last(); pc += program.at(pc).slots()) {
                blockOf[i] = b;
                pcs[i++] = pc;
            }
        }

        // Loop bodies: an edge from j back to t <= j covers the indexes of (t, j]; a chunk must not start there.
        int[] loopDepth = new int[n + 1];
        // Where a polled run leaves at a back edge: its target, where that is a loop's head (the
        // way not taken stays in the method).
        boolean[] resumesAt = new boolean[n];
        boolean polled = cancellation == dev.warden.vm.Cancellation.POLLED;
        // Only a loop's head: entering a loop anywhere else would make it irreducible, which
        // HotSpot compiles poorly (the state machine's back edges, by pc, go to the middle of
        // its loop: leaving there cost it 15% more even without a poll).
        java.util.Set<Integer> heads = new java.util.HashSet<>(function.loopHeads());
        java.util.TreeSet<Integer> copyTargets = new java.util.TreeSet<>();
        BackEdges backEdges = BackEdges.STAY;
        for (int b : function.blocks()) {
            BasicBlock block = graph.block(b);
            boolean backEdge = false;
            for (int s : block.successors()) {
                int t = graph.block(s).first();
                if (t <= block.last()) {
                    loopDepth[indexIn(pcs, t) + 1]++;
                    loopDepth[indexIn(pcs, block.last()) + 1]--;
                    backEdge = true;
                }
            }
            Instruction last = program.at(block.last());
            if (polled && backEdge && (last instanceof Instruction.Jump || last instanceof Instruction.Goto)) {
                for (int s : block.successors()) {
                    int t = graph.block(s).first();
                    if (t <= block.last() && heads.contains(s)) {
                        resumesAt[indexIn(pcs, t)] = true;
                        backEdges = BackEdges.LEAVE;
                    } else if (t <= block.last()) {
                        copyTargets.add(t);
                    }
                }
            }
        }
        for (int k = 1; k <= n; k++) {
            loopDepth[k] += loopDepth[k - 1];
        }
        // Prefix sums of estimated bytes and accesses.
        long[] bytes = new long[n + 1];
        int[] accesses = new int[n + 1];
        for (int k = 0; k < n; k++) {
            Instruction insn = program.at(pcs[k]);
            bytes[k + 1] = bytes[k] + Translator.estimate(insn) + (segmentLength[k] > 0 ? Translator.BLOCK_COST : 0);
            accesses[k + 1] = accesses[k] + (Translator.isMemoryAccess(insn) ? 1 : 0);
        }
        int softBytes = (int) (SOFT_BYTES * scale);
        int hardBytes = (int) (HARD_BYTES * scale);
        int softAccesses = Math.max(1, (int) (SOFT_ACCESSES * scale));
        List<Integer> cuts = new ArrayList<>(); // indexes where a new chunk starts
        int start = 0;
        int lastGood = -1;
        for (int k = 0; k < n; k++) {
            // Any index outside every loop may start a chunk (straight-line code is cut mid-block).
            if (k > start && loopDepth[k] == 0) {
                lastGood = k;
            }
            long size = bytes[k + 1] - bytes[start];
            int acc = accesses[k + 1] - accesses[start];
            int cut = -1;
            if (size > hardBytes) {
                cut = lastGood > start ? lastGood : k; // forced: inside a loop if need be
            } else if ((size > softBytes || acc > softAccesses) && lastGood > start) {
                cut = lastGood;
            }
            if (cut > start) {
                cuts.add(cut);
                splitSegment(segmentLength, cut);
                start = cut;
                lastGood = -1;
                // Re-scan from the cut: a later good cut point may lie before k.
                k = cut;
            }
        }
        int[] chunkBounds = new int[cuts.size() + 2];
        for (int k = 0; k < cuts.size(); k++) {
            chunkBounds[k + 1] = cuts.get(k);
        }
        chunkBounds[chunkBounds.length - 1] = n;

        // Entries of each chunk: the function entry, and every edge that crosses chunks.
        List<int[]> chunkEntries = new ArrayList<>();
        int chunks = chunkBounds.length - 1;
        // A back edge into the middle of a loop polls in a copy of the function that has no loop,
        // entered where a loop head's margin check finds the slice low (every way into a loop head
        // leaves the copy for the dispatcher, which enters the loop at its head); only for a
        // function of one chunk, whose copy fits a method too.
        java.util.Set<Integer> headPcs = new java.util.HashSet<>();
        for (int h : heads) {
            headPcs.add(graph.block(h).first());
        }
        int[] copyEntries = chunks == 1 ? copyTargets.stream().mapToInt(Integer::intValue).toArray() : new int[0];
        if (copyEntries.length > 0) {
            backEdges = BackEdges.LEAVE;
        }
        if (chunks == 1 && backEdges == BackEdges.STAY) {
            chunkEntries.add(new int[] {function.entry()});
        } else {
            boolean[] isEntry = resumesAt.clone();
            isEntry[indexIn(pcs, function.entry())] = true;
            if (copyEntries.length > 0) {
                for (int pc : headPcs) {
                    isEntry[indexIn(pcs, pc)] = true; // the copy leaves for every loop head
                }
            }
            int chunk = 0;
            for (int k = 0; k < n; k++) {
                while (k >= chunkBounds[chunk + 1]) {
                    chunk++;
                }
                BasicBlock block = graph.block(blockOf[k]);
                if (pcs[k] != block.last()) {
                    if (k + 1 == chunkBounds[chunk + 1]) {
                        isEntry[k + 1] = true; // falls through into the next chunk
                    }
                    continue;
                }
                for (int s : block.successors()) {
                    int t = indexIn(pcs, graph.block(s).first());
                    if (t < chunkBounds[chunk] || t >= chunkBounds[chunk + 1]) {
                        isEntry[t] = true;
                    }
                }
            }
            for (int k = 0; k < chunks; k++) {
                int[] entries = new int[chunkBounds[k + 1] - chunkBounds[k]];
                int m = 0;
                for (int x = chunkBounds[k]; x < chunkBounds[k + 1]; x++) {
                    if (isEntry[x]) {
                        entries[m++] = pcs[x];
                    }
                }
                chunkEntries.add(Arrays.copyOf(entries, m));
            }
        }
        return new FunctionLayout(function.entry(), pcs, segmentLength, blockOf, chunkBounds, chunkEntries, backEdges, resumesAt,
                copyEntries, headPcs);
    }

    /** Makes index {@code cut} start a segment, shortening the segment that held it. */
    private static void splitSegment(int[] segmentLength, int cut) {
        if (segmentLength[cut] > 0) {
            return;
        }
        int s = cut - 1;
        while (segmentLength[s] == 0) {
            s--;
        }
        segmentLength[cut] = segmentLength[s] - (cut - s);
        segmentLength[s] = cut - s;
    }

    private static int indexIn(int[] pcs, int pc) {
        int i = Arrays.binarySearch(pcs, pc);
        if (i < 0) {
            throw new IllegalStateException("pc " + pc + " is not in the function");
        }
        return i;
    }

    /** Every function of the graph, pc 0's first. */
    static List<FunctionLayout> functions(ControlFlowGraph graph, double scale, dev.warden.vm.Cancellation cancellation) {
        List<FunctionLayout> out = new ArrayList<>(graph.functions().size());
        for (Subprogram f : graph.functions()) {
            out.add(of(graph, f, scale, cancellation));
        }
        return out;
    }
}
