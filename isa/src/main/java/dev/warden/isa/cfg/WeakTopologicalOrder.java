package dev.warden.isa.cfg;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bourdoncle's weak topological order of one function's blocks ("Efficient chaotic iteration
 * strategies with widenings", 1993): a hierarchical ordering in which every block comes after its
 * predecessors except along back edges, whose targets are the heads of the nested components. An
 * abstract interpreter iterates it from the outside in, widening at heads, and stabilises a
 * component before moving past it (the recursive strategy).
 *
 * <p>Computed by the recursive algorithm made iterative (an explicit stack, so a
 * 100,000-block function cannot overflow the JVM's stack). Time O(E · d), with E the function's
 * edges and d the loop nesting depth (each component's body is visited once per enclosing
 * level); memory O(function size). Successors are visited in their block order (target before
 * fall-through), so the order is deterministic.
 */
public record WeakTopologicalOrder(List<WtoElement> elements) {
    public WeakTopologicalOrder {
        elements = List.copyOf(elements);
    }

    /** The heads of every component, at any depth, ascending. */
    public Set<Integer> heads() {
        Set<Integer> out = new TreeSet<>();
        Deque<WtoElement> work = new ArrayDeque<>(elements);
        while (!work.isEmpty()) {
            if (work.pop() instanceof WtoElement.Component c) {
                out.add(c.head());
                work.addAll(c.body());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (WtoElement e : elements) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(e);
        }
        return sb.toString();
    }

    /**
     * The order of the blocks {@code members} (ascending ids; {@code members[entry]} is the
     * entry) whose successors come from {@code blocks}; successors outside {@code members} are
     * ignored.
     */
    static WeakTopologicalOrder of(List<BasicBlock> blocks, int[] members, int entry) {
        int n = members.length;
        // Local numbering: index into members.
        int[][] succ = new int[n][];
        for (int i = 0; i < n; i++) {
            List<Integer> s = blocks.get(members[i]).successors();
            int[] local = new int[s.size()];
            int k = 0;
            for (int b : s) {
                int j = java.util.Arrays.binarySearch(members, b);
                if (j >= 0) {
                    local[k++] = j;
                }
            }
            succ[i] = k == local.length ? local : java.util.Arrays.copyOf(local, k);
        }
        return new Bourdoncle(succ, members).run(entry);
    }

    /** The algorithm's state; one instance per computation. */
    private static final class Bourdoncle {
        private static final int DONE = Integer.MAX_VALUE;

        private final int[][] succ;
        private final int[] members;
        private final int[] dfn;
        private final int[] vertexStack;
        private int sp;
        private int num;

        /** A suspended call: visit(v) or component(v). */
        private static final class Frame {
            final boolean component;
            final int v;
            int next; // index of the next successor to look at
            int head;
            boolean loop;
            final Deque<WtoElement> partition; // where visit puts its result; component's own body
            int result; // visit: the value to return once a component frame it spawned finishes
            Frame owner; // component: the visit that spawned it

            Frame(boolean component, int v, Deque<WtoElement> partition) {
                this.component = component;
                this.v = v;
                this.partition = partition;
            }
        }

        Bourdoncle(int[][] succ, int[] members) {
            this.succ = succ;
            this.members = members;
            this.dfn = new int[succ.length];
            this.vertexStack = new int[succ.length];
        }

        WeakTopologicalOrder run(int entry) {
            Deque<WtoElement> top = new ArrayDeque<>();
            if (succ.length > 0) {
                visitAll(new Frame(false, entry, top));
            }
            return new WeakTopologicalOrder(new ArrayList<>(top));
        }

        private void enterVisit(Frame f) {
            vertexStack[sp++] = f.v;
            dfn[f.v] = ++num;
            f.head = dfn[f.v];
        }

        /** Runs visit(root) to completion. */
        private void visitAll(Frame root) {
            Deque<Frame> stack = new ArrayDeque<>();
            enterVisit(root);
            stack.push(root);
            int returned = 0; // the value the last finished visit returned
            boolean justReturned = false;
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                if (justReturned) {
                    justReturned = false;
                    if (!f.component && returned <= f.head) {
                        f.head = returned;
                        f.loop = true;
                    }
                }
                if (f.next < succ[f.v].length) {
                    int w = succ[f.v][f.next++];
                    if (f.component) {
                        if (dfn[w] == 0) {
                            Frame child = new Frame(false, w, f.partition);
                            enterVisit(child);
                            stack.push(child);
                        }
                    } else if (dfn[w] == 0) {
                        Frame child = new Frame(false, w, f.partition);
                        enterVisit(child);
                        stack.push(child);
                    } else if (dfn[w] <= f.head) {
                        f.head = dfn[w];
                        f.loop = true;
                    }
                    continue;
                }
                stack.pop();
                if (f.component) {
                    // component(v) done: its body is its own partition; the visit that spawned it
                    // (popped already) adds it to its partition and returns its head.
                    Frame owner = f.owner;
                    owner.partition.addFirst(new WtoElement.Component(members[f.v], new ArrayList<>(f.partition)));
                    returned = owner.result;
                    justReturned = true;
                    continue;
                }
                if (f.head == dfn[f.v]) {
                    dfn[f.v] = DONE;
                    int element = vertexStack[--sp];
                    if (f.loop) {
                        while (element != f.v) {
                            dfn[element] = 0;
                            element = vertexStack[--sp];
                        }
                        Frame comp = new Frame(true, f.v, new ArrayDeque<>());
                        comp.owner = f;
                        f.result = f.head;
                        stack.push(comp);
                        continue;
                    }
                    f.partition.addFirst(new WtoElement.Vertex(members[f.v]));
                }
                returned = f.head;
                justReturned = true;
            }
        }
    }
}
