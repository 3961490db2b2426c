package dev.warden.verifier.check.smt;

import dev.warden.verifier.fixpoint.FunctionBlocks;
import dev.warden.verifier.check.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The backward path suffixes that end at one pc: every way an execution can have arrived there
 * within its function, cut where the path reaches the function's entry block, would go around a
 * loop (a block already on the path), or has {@code maxLength} instructions. Each suffix's first pc
 * is where its precondition (the invariant there) applies.
 *
 * <p>Covering: an execution that reaches the end pc has, read backward, a sequence of pcs that
 * follows CFG edges (local calls fall through in the function's graph); walking that sequence
 * down the enumeration tree always ends at a leaf, because every inner node of the tree expands
 * every predecessor whose edge the fixpoint found reachable (an edge the fixpoint found
 * unreachable carries no execution). So some suffix is a suffix of every execution, and the
 * invariant at its first pc covers the execution's state there.
 */
final class PathSuffixes {
    private PathSuffixes() {}

    /** The suffixes ending at {@code pc}, each in execution order; empty when there would be more than {@code maxPaths}. */
    static Optional<List<int[]>> ending(Invariants inv, int pc, int maxLength, int maxPaths) {
        FunctionBlocks g = inv.graph();
        int block = blockOf(g, pc);
        if (block < 0) {
            return Optional.empty();
        }
        int index = indexOf(g.pcs(block), pc);
        List<int[]> out = new ArrayList<>();
        boolean complete = walk(inv, g, block, index, new ArrayList<>(), new ArrayList<>(), maxLength, maxPaths, out);
        return complete ? Optional.of(out) : Optional.empty();
    }

    /** Extends {@code path} (pcs, reversed) backward from instruction {@code i} of block {@code b}; false when cut by the path limit. */
    private static boolean walk(Invariants inv, FunctionBlocks g, int b, int i, List<Integer> path, List<Integer> blocks,
                                int maxLength, int maxPaths, List<int[]> out) {
        int[] pcs = g.pcs(b);
        int added = 0;
        for (int k = i; k >= 0; k--) {
            path.add(pcs[k]);
            added++;
            if (path.size() >= maxLength && k > 0) {
                return leaf(path, added, maxPaths, out);
            }
        }
        boolean stop = b == g.entryBlock() || path.size() >= maxLength || blocks.contains(b);
        List<Integer> preds = new ArrayList<>();
        for (int p : g.preds(b)) {
            int[] succ = g.succs(p);
            boolean reaches = succ[0] == b && inv.feasible(p, 0) || succ[1] == b && inv.feasible(p, 1);
            if (reaches) {
                preds.add(p);
                stop |= blocks.contains(p) || p == b;
            }
        }
        if (stop || preds.isEmpty()) {
            return leaf(path, added, maxPaths, out);
        }
        blocks.add(b);
        boolean ok = true;
        for (int p : preds) {
            ok = walk(inv, g, p, g.pcs(p).length - 1, path, blocks, maxLength, maxPaths, out);
            if (!ok) {
                break;
            }
        }
        blocks.removeLast();
        for (int k = 0; k < added; k++) {
            path.removeLast();
        }
        return ok;
    }

    private static boolean leaf(List<Integer> path, int added, int maxPaths, List<int[]> out) {
        int[] forward = new int[path.size()];
        for (int k = 0; k < forward.length; k++) {
            forward[k] = path.get(path.size() - 1 - k);
        }
        out.add(forward);
        for (int k = 0; k < added; k++) {
            path.removeLast();
        }
        return out.size() <= maxPaths;
    }

    static int blockOf(FunctionBlocks g, int pc) {
        for (int b = 0; b < g.blockCount(); b++) {
            if (pc >= g.startPc(b) && pc <= g.lastPc(b) && indexOf(g.pcs(b), pc) >= 0) {
                return b;
            }
        }
        return -1;
    }

    private static int indexOf(int[] pcs, int pc) {
        for (int k = 0; k < pcs.length; k++) {
            if (pcs[k] == pc) {
                return k;
            }
        }
        return -1;
    }
}
