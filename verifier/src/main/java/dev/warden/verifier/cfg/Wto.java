package dev.warden.verifier.cfg;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A weak topological order of a function's blocks (Bourdoncle 1993): blocks in an order where
 * every edge goes forward except the back edges to the head of an enclosing component. Each
 * component (a loop) is iterated until its head is stable; widening is applied at heads only.
 */
public final class Wto {
    /** One element of the order: a block, or a loop with its head and body. */
    public sealed interface Element permits Vertex, Component {}

    public record Vertex(int block) implements Element {}

    public record Component(int head, List<Element> body) implements Element {
        public Component {
            body = List.copyOf(body);
        }
    }

    private final FunctionGraph g;
    private final int[] dfn;
    private final ArrayDeque<Integer> stack = new ArrayDeque<>();
    private int num;

    private Wto(FunctionGraph g) {
        this.g = g;
        this.dfn = new int[g.blockCount()];
    }

    /** The order of the blocks reachable from the entry. */
    public static List<Element> of(FunctionGraph g) {
        Wto w = new Wto(g);
        ArrayDeque<Element> out = new ArrayDeque<>();
        w.visit(g.entryBlock(), out);
        return new ArrayList<>(out);
    }

    private int visit(int v, ArrayDeque<Element> partition) {
        stack.push(v);
        dfn[v] = ++num;
        int head = dfn[v];
        boolean loop = false;
        for (int w : g.succs(v)) {
            if (w < 0) {
                continue;
            }
            int min = dfn[w] == 0 ? visit(w, partition) : dfn[w];
            if (min <= head) {
                head = min;
                loop = true;
            }
        }
        if (head == dfn[v]) {
            dfn[v] = Integer.MAX_VALUE;
            int e = stack.pop();
            if (loop) {
                while (e != v) {
                    dfn[e] = 0;
                    e = stack.pop();
                }
                partition.push(component(v));
            } else {
                partition.push(new Vertex(v));
            }
        }
        return head;
    }

    private Component component(int v) {
        ArrayDeque<Element> body = new ArrayDeque<>();
        for (int w : g.succs(v)) {
            if (w >= 0 && dfn[w] == 0) {
                visit(w, body);
            }
        }
        return new Component(v, new ArrayList<>(body));
    }
}
