package dev.warden.jit;

import dev.warden.isa.cfg.BasicBlock;
import dev.warden.isa.cfg.ControlFlowGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The budget checks of one method, by index minus {@code lo}: which instructions are
 * observable; per segment start, its only predecessor segment (or -1), how it ends, the
 * position of its last check (-1 if none), its origin id (for {@link EndCheck#ORIGIN}) and
 * the {@link EndCheck#ORIGIN} segments that jump to it.
 */
record BudgetPlan(int lo, boolean[] observable, int[] uniquePred, EndCheck[] end, int[] lastCheck,
        int[] originId, int[][] originPreds) {
    boolean observable(int i) {
        return observable[i - lo];
    }

    int uniquePred(int segStart) {
        return uniquePred[segStart - lo];
    }

    EndCheck end(int segStart) {
        return end[segStart - lo];
    }

    int lastCheck(int segStart) {
        return lastCheck[segStart - lo];
    }

    int originId(int segStart) {
        return originId[segStart - lo];
    }

    int[] originPreds(int segStart) {
        return originPreds[segStart - lo];
    }

    /** How a segment ends, for the budget: with a check, or without one that a successor stands in for. */
    enum EndCheck {
        /** A check before the last instruction. */
        CHECKED,
        /** No check: each successor has this segment as its only predecessor and walks back to it. */
        CHAIN,
        /**
         * No check: the segment records its id in the {@code origin} local, which the first check
         * of each successor with other predecessors reads (one that has only this one walks back).
         */
        ORIGIN
    }

    /** Longest chain of only-predecessors one segment's first check walks back through. */
    static final int MAX_CHAIN = 4;

    /**
     * Which budget checks this method needs. A check goes before each observable instruction
     * and before each segment's last, except where a segment can leave its end unchecked:
     * then the first check of each successor, on failing, tells from how far the budget fell
     * short (and, where the successor has other predecessors, from the {@code origin} local)
     * in which predecessor's tail it ran out. See {@link EndCheck} and the rules below.
     */
    static BudgetPlan of(ControlFlowGraph graph, FunctionLayout f, int lo, int hi, Set<Integer> entries, boolean[] obs) {
        int n = hi - lo;
        int[] segOf = new int[n];
        int cur = lo;
        for (int i = lo; i < hi; i++) {
            if (f.segmentLength[i] > 0) {
                cur = i;
            }
            segOf[i - lo] = cur;
        }
        // The only predecessor segment of each segment that starts a block, or -1.
        int[] uniquePred = new int[n];
        java.util.Arrays.fill(uniquePred, -1);
        for (int s = lo; s < hi; s = s + f.segmentLength[s]) {
            BasicBlock block = graph.block(f.blockOf[s]);
            if (f.pcs[s] != block.first() || entries.contains(f.pcs[s])) {
                continue;
            }
            int only = -1;
            int count = 0;
            for (int p : block.predecessors()) {
                int last = f.indexOf(graph.block(p).last());
                if (last >= 0) {
                    count++;
                    only = last;
                }
            }
            if (count == 1 && only >= lo && only < hi) {
                uniquePred[s - lo] = segOf[only - lo];
            }
        }
        int[] lastObs = new int[n];
        for (int s = lo; s < hi; s = s + f.segmentLength[s]) {
            lastObs[s - lo] = -1;
            for (int m = f.segmentLength[s] - 1; m >= 0; m--) {
                if (obs[s + m - lo]) {
                    lastObs[s - lo] = m;
                    break;
                }
            }
        }
        // One pass in index order decides which segments drop their end check. A segment may
        // if it ends with a plain jump or fall-through at its block's end, and each successor
        // (in this method, not an entry) either has it as only predecessor and comes later
        // (the successor's first check walks back to it, at most MAX_CHAIN segments up), or
        // keeps a check of its own (an observable instruction, or its end check, then pinned),
        // in which case this segment records its id in the origin local for that check. A
        // segment without checks that others record into would overwrite their ids, so it
        // keeps its end check. Every cycle meets a check: a cycle of only-predecessor links
        // could not be entered, and every other edge into a dropped segment lands on a check.
        EndCheck[] end = new EndCheck[n];
        java.util.Arrays.fill(end, EndCheck.CHECKED);
        int[] depth = new int[n]; // dropped segments walked up from here through only-predecessor links
        boolean[] pinned = new boolean[n];
        boolean[] originTarget = new boolean[n];
        int[] originId = new int[n];
        List<List<Integer>> preds = new ArrayList<>(java.util.Collections.nCopies(n, null));
        int nextId = 1;
        for (int s = lo; s < hi; s = s + f.segmentLength[s]) {
            int up = uniquePred[s - lo];
            depth[s - lo] = up >= 0 && end[up - lo] != EndCheck.CHECKED ? 1 + depth[up - lo] : 0;
            if (pinned[s - lo] || depth[s - lo] >= MAX_CHAIN || lastObs[s - lo] < 0 && originTarget[s - lo]) {
                continue;
            }
            int e = s + f.segmentLength[s] - 1;
            BasicBlock block = graph.block(f.blockOf[e]);
            boolean ok = !obs[e - lo] && f.pcs[e] == block.last() && !block.fallsOffEnd()
                    && block.terminator() != dev.warden.isa.cfg.Terminator.FALL_OFF_END;
            boolean records = false;
            List<Integer> succ = new ArrayList<>();
            for (int t : block.successors()) {
                int ti = f.indexOf(graph.block(t).first());
                if (!ok || ti < lo || ti >= hi || entries.contains(f.pcs[ti])) {
                    ok = false;
                    break;
                }
                if (uniquePred[ti - lo] == s) {
                    ok = ti > s;
                } else {
                    records = true;
                    ok = lastObs[ti - lo] >= 0 || end[ti - lo] == EndCheck.CHECKED && ti != s;
                }
                succ.add(ti);
            }
            if (!ok) {
                continue;
            }
            end[s - lo] = records ? EndCheck.ORIGIN : EndCheck.CHAIN;
            if (records) {
                originId[s - lo] = nextId++;
            }
            for (int ti : succ) {
                if (uniquePred[ti - lo] == s) {
                    continue;
                }
                originTarget[ti - lo] = true;
                if (lastObs[ti - lo] < 0) {
                    pinned[ti - lo] = true;
                }
                if (preds.get(ti - lo) == null) {
                    preds.set(ti - lo, new ArrayList<>());
                }
                preds.get(ti - lo).add(s);
            }
        }
        int[] lastCheck = new int[n];
        int[][] originPreds = new int[n][];
        for (int s = lo; s < hi; s = s + f.segmentLength[s]) {
            lastCheck[s - lo] = end[s - lo] == EndCheck.CHECKED ? f.segmentLength[s] - 1 : lastObs[s - lo];
            List<Integer> ps = preds.get(s - lo);
            originPreds[s - lo] = ps == null ? new int[0] : ps.stream().mapToInt(Integer::intValue).toArray();
        }
        return new BudgetPlan(lo, obs, uniquePred, end, lastCheck, originId, originPreds);
    }
}
