package dev.warden.verifier.fixpoint;

import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.JoinSite;
import dev.warden.verifier.state.Lattice;
import dev.warden.verifier.state.Spill;
import dev.warden.verifier.state.Thresholds;
import dev.warden.verifier.state.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounded disjunctions at merge points (trace partitioning). The states reaching a block are
 * grouped by their <em>shape</em>: for each register that may still be read and each 8-byte
 * spill, whether it holds a pointer, of which kind and object, and whether it may be null. States
 * of one shape are joined (so nothing changes where today's join loses nothing of kind); states of
 * different shapes stay apart, up to {@link #MAX} of them, so that a pointer kept only when a flag
 * is set ({@code ok = p != NULL; ...; if (ok) use(p)}, or a spill made only when {@code w2 == 0})
 * is still known to be a non-null pointer where the flag is tested again. Over the budget all are
 * joined into one. Loop heads always get a single state (the widening needs one), so the analysis
 * still terminates; the order of the parts is the order of first arrival (deterministic).
 *
 * <p>Soundness: the parts together cover every state that reaches the block, since each is a
 * join of some of the incoming states and every incoming state is in some part.
 */
final class Disjuncts {
    /** Most states kept apart at one block. */
    static final int MAX = 4;

    private Disjuncts() {}

    /** The incoming states {@code raw} grouped by shape and joined per group (one state when over the budget). */
    static List<AbstractState> partition(List<AbstractState> raw, int liveRegs, JoinSite site, Thresholds t) {
        List<AbstractState> states = nonBottom(raw);
        if (states.size() <= 1) {
            return states;
        }
        // First try: packet pointers with bytes proved readable after them apart from those
        // without (a header checked on some paths, its outcome tested later through a flag).
        // Over the budget, the coarser shape of pointer types alone; over that, one join.
        for (Detail detail : Detail.values()) {
            List<Shape> shapes = new ArrayList<>(states.size());
            for (AbstractState s : states) {
                shapes.add(Shape.of(s, liveRegs, detail));
            }
            if (new java.util.HashSet<>(shapes).size() > MAX) {
                continue;
            }
            Map<Shape, AbstractState> byShape = new LinkedHashMap<>();
            for (int i = 0; i < states.size(); i++) {
                byShape.merge(shapes.get(i), states.get(i), (x, y) -> x.join(y, Lattice.Mode.JOIN, t, site));
            }
            return List.copyOf(byShape.values());
        }
        return List.of(joinAll(states, site, t));
    }

    /** The join of all of {@code parts} (bottom when there are none). */
    static AbstractState joinAll(List<AbstractState> parts, JoinSite site, Thresholds t) {
        AbstractState s = AbstractState.BOTTOM;
        for (AbstractState p : parts) {
            s = s.join(p, Lattice.Mode.JOIN, t, site);
        }
        return s;
    }

    static List<AbstractState> nonBottom(List<AbstractState> raw) {
        List<AbstractState> out = new ArrayList<>(raw.size());
        for (AbstractState s : raw) {
            if (!s.isBottom()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * What a join would lose the type of: per live register of the running frame, every register
     * of the callers' frames and each 8-byte spill, a code for "uninitialised", "number", or the
     * pointer's kind, object and nullness; plus the held references.
     */
    /** How finely states are told apart: the first that leaves at most {@link #MAX} parts is used. */
    enum Detail {
        /** Pointer types, and for packet pointers whether any byte after them is proved readable. */
        PACKET_CHECKED,
        /** Pointer types only. */
        POINTER_TYPES
    }

    record Shape(int[] codes) {
        static Shape of(AbstractState s, int liveRegs, Detail detail) {
            int[] c = new int[64];
            int n = 0;
            for (int d = 0; d <= s.depth(); d++) {
                Frame f = s.frame(d);
                boolean top = d == s.depth();
                for (int r = 0; r < Frame.REGISTERS; r++) {
                    if (top && (liveRegs & (1 << r)) == 0) {
                        continue;
                    }
                    int code = code(f.reg(r));
                    if (code != 1) {
                        c = grow(c, n + 3);
                        c[n++] = d * 1024 + r;
                        c[n++] = code;
                        c[n++] = f.reg(r) instanceof Value.Ptr p ? object(s, p, detail) : 0;
                    }
                }
                for (int i = 0; i < Frame.STACK_SIZE; i++) {
                    if (f.stackAt(i) instanceof Spill sp && sp.start() == i) {
                        if (sp.value() instanceof Value.Ptr p) {
                            c = grow(c, n + 3);
                            c[n++] = d * 1024 + 16 + i;
                            c[n++] = code(p);
                            c[n++] = object(s, p, detail);
                        }
                        i += sp.size() - 1;
                    }
                }
            }
            int[] refs = s.refs();
            c = grow(c, n + refs.length + 1);
            c[n++] = -1;
            for (int ref : refs) {
                c[n++] = ref;
            }
            return new Shape(Arrays.copyOf(c, n));
        }

        /** The pointer's object, and at {@link Detail#PACKET_CHECKED} whether bytes after it are proved readable. */
        private static int object(AbstractState s, Value.Ptr p, Detail detail) {
            boolean checked = detail == Detail.PACKET_CHECKED && s.readableAfter(p) > 0;
            return checked ? ~p.region() : p.region();
        }

        private static int[] grow(int[] c, int need) {
            return need <= c.length ? c : Arrays.copyOf(c, Math.max(need, c.length * 2));
        }

        /** 0 uninitialised, 1 number, else a pointer's kind and nullness. */
        private static int code(Value v) {
            return switch (v) {
                case Value.Uninit u -> 0;
                case Value.Num x -> 1;
                case Value.Ptr p -> 2 + p.kind().ordinal() * 2 + (p.maybeNull() ? 1 : 0);
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Shape s && Arrays.equals(codes, s.codes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(codes);
        }

        @Override
        public String toString() {
            return Arrays.toString(codes);
        }
    }
}
