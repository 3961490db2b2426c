package dev.warden.isa.cfg;

import java.util.BitSet;
import java.util.List;

/**
 * One element of a {@link WeakTopologicalOrder}: a block outside every loop of its level, or a
 * component (a loop) made of its head and the ordered elements of its body.
 */
public sealed interface WtoElement {

    /** The blocks of this element: the vertex's block, or a component's head and everything nested in its body. */
    default BitSet blocks() {
        BitSet out = new BitSet();
        addBlocks(this, out);
        return out;
    }

    private static void addBlocks(WtoElement e, BitSet out) {
        switch (e) {
            case Vertex v -> out.set(v.block());
            case Component c -> {
                out.set(c.head());
                c.body().forEach(x -> addBlocks(x, out));
            }
        }
    }

    /** A block that heads no loop at this level. */
    record Vertex(int block) implements WtoElement {
        @Override
        public String toString() {
            return Integer.toString(block);
        }
    }

    /**
     * A loop: {@code head} (a widening point for an abstract interpreter) and the body in order.
     * Every edge that goes backwards in the order targets the head of a component holding its
     * source; in a reducible function every edge from outside enters a component at its head.
     */
    record Component(int head, List<WtoElement> body) implements WtoElement {
        public Component {
            body = List.copyOf(body);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("(").append(head);
            for (WtoElement e : body) {
                sb.append(' ').append(e);
            }
            return sb.append(')').toString();
        }
    }
}
