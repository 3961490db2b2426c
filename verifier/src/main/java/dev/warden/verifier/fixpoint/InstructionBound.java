package dev.warden.verifier.fixpoint;

import dev.warden.isa.cfg.WtoElement;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The most instructions one run of a function (in one calling context) can execute, from the
 * fixpoint's stable states: each block weighs its instructions plus, at a call, the callee's own
 * bound; a loop (a component of the weak topological order) weighs its proved iteration bound
 * times the longest path through its body; the function's bound is the longest path through the
 * resulting acyclic condensation. Blocks the fixpoint found unreachable weigh nothing.
 *
 * <p>Why it is an upper bound: every visit of a loop's head starts at most one pass through the
 * body before the next visit or the exit from the loop, so {@code n} visits run at most
 * {@code n} times the longest pass; outside loops every run follows one path of the condensation.
 * Where a loop can be entered other than through its head (irreducible control flow, which
 * compilers do not emit) the first partial pass is counted as one more pass. Arithmetic saturates
 * at {@link Long#MAX_VALUE}.
 */
final class InstructionBound {
    private final FunctionBlocks g;
    private final FunctionAnalysis fa;
    private final Map<Integer, Long> loopBounds;
    private final Map<Integer, Long> callBounds;

    private InstructionBound(FunctionAnalysis fa, Map<Integer, Long> loopBounds, Map<Integer, Long> callBounds) {
        this.g = fa.graph();
        this.fa = fa;
        this.loopBounds = loopBounds;
        this.callBounds = callBounds;
    }

    /**
     * The bound of {@code fa}, given the iteration bound of each reachable loop (by local head
     * block) and the bound of the callee(s) at each call pc; empty when some reachable loop has
     * no proved bound.
     */
    static OptionalLong of(FunctionAnalysis fa, Map<Integer, Long> loopBounds, Map<Integer, Long> callBounds) {
        InstructionBound b = new InstructionBound(fa, loopBounds, callBounds);
        long[] dist = new long[fa.graph().blockCount()];
        long total = b.longest(fa.order(), -1, dist);
        return total < 0 ? OptionalLong.empty() : OptionalLong.of(total);
    }

    /**
     * The longest path through {@code elements} (one level of the order; {@code head} is the
     * enclosing component's head, -1 at the top), each component condensed to one node; -1 when
     * a loop inside has no bound. {@code dist[b]} is left holding the longest path ending with the
     * element whose representative block is {@code b}.
     */
    private long longest(List<WtoElement> elements, int head, long[] dist) {
        BitSet level = new BitSet();
        int[] rep = new int[g.blockCount()];
        java.util.Arrays.fill(rep, -1);
        for (WtoElement e : elements) {
            int r = representative(e);
            level.set(r);
            mark(e, r, rep);
        }
        if (head >= 0) {
            level.set(head);
            rep[head] = head;
            dist[head] = weight(head);
        }
        long best = head >= 0 ? dist[head] : 0;
        for (WtoElement e : elements) {
            int r = representative(e);
            long w;
            boolean enteredOnlyAtHead = true;
            if (e instanceof WtoElement.Component c) {
                if (fa.in(c.head()).isBottom()) {
                    w = 0;
                } else {
                    Long n = loopBounds.get(c.head());
                    if (n == null) {
                        return -1;
                    }
                    long[] inner = new long[g.blockCount()];
                    long pass = longest(c.body(), c.head(), inner);
                    if (pass < 0) {
                        return -1;
                    }
                    BitSet members = c.blocks();
                    for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
                        if (b != c.head()) {
                            for (int p : g.preds(b)) {
                                enteredOnlyAtHead &= members.get(p) || fa.in(p).isBottom();
                            }
                        }
                    }
                    w = times(enteredOnlyAtHead ? n : add(n, 1), pass);
                }
            } else {
                w = weight(r);
            }
            long from = 0;
            for (int p : g.preds(r)) {
                int pr = rep[p];
                if (pr >= 0 && pr != r && level.get(pr) && !fa.in(p).isBottom()) {
                    from = Math.max(from, dist[pr]);
                }
            }
            if (head >= 0 && r != head && from == 0) {
                // Reached inside a loop only from the head's level: a pass starts at the head.
                from = dist[head];
            }
            dist[r] = add(from, w);
            best = Math.max(best, dist[r]);
        }
        return best;
    }

    private long weight(int b) {
        if (fa.in(b).isBottom()) {
            return 0;
        }
        long w = g.pcs(b).length;
        for (int pc : g.pcs(b)) {
            Long c = callBounds.get(pc);
            if (c != null) {
                w = add(w, c);
            }
        }
        return w;
    }

    private static int representative(WtoElement e) {
        return switch (e) {
            case WtoElement.Vertex v -> v.block();
            case WtoElement.Component c -> c.head();
        };
    }

    private static void mark(WtoElement e, int r, int[] rep) {
        switch (e) {
            case WtoElement.Vertex v -> rep[v.block()] = r;
            case WtoElement.Component c -> {
                rep[c.head()] = r;
                c.body().forEach(x -> mark(x, r, rep));
            }
        }
    }


    static long add(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    static long times(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }
}
