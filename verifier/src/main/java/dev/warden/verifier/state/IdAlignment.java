package dev.warden.verifier.state;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Before a join: renames the links of numbers on one side so that they match the other side's,
 * where the two paths made the same link at different sites. Two paths that each compute
 * {@code w5 += 4008; w2 = w5; w2 &= 0xffff} (clang duplicates such tails) link r5 and w2 under
 * the id of their own {@code w2 = w5}; a plain join keeps a link only when both sides use the same
 * id, so the relation would be lost at the merge, where the kernel (which never merges) keeps it.
 *
 * <p>Soundness: an id is only a name for "these holders relate to one common value". Renaming id
 * {@code b} to {@code a} in one state, where that state holds nothing with id {@code a} (no number,
 * pointer or packet range), is a bijection on its names and changes no concretisation. The join
 * then keeps the link exactly where both paths have it. Each of the other state's ids is renamed
 * at most once and each target used at most once, in register-then-stack order (deterministic).
 */
final class IdAlignment {
    private IdAlignment() {}

    /**
     * The null constants of one side that meet a linked maybe-null pointer on the other side become
     * that pointer, when the constant's side holds nothing else with the pointer's id: a maybe-null
     * pointer stands for null too, and all holders of the id on that side are the same null, so the
     * link survives the join ({@code p = lookup(); if (!p) p = alloc(); return p;} and the like:
     * without this, the copy spilled before the caller's null check would not be refined by it).
     * Returns {a', b'}.
     */
    static AbstractState[] alignNulls(AbstractState a, AbstractState b) {
        AbstractState na = nullsToPointers(a, b);
        AbstractState nb = nullsToPointers(b, a);
        return new AbstractState[] {na, nb};
    }

    /** {@code s} with its null constants replaced by the maybe-null pointer {@code o} has in the same slot. */
    private static AbstractState nullsToPointers(AbstractState s, AbstractState o) {
        Map<Integer, Value.Ptr> bySlot = null;
        for (int d = 0; d <= s.depth(); d++) {
            Frame fs = s.frame(d);
            Frame fo = o.frame(d);
            if (fs == fo) {
                continue;
            }
            for (int r = 0; r < Frame.REGISTERS; r++) {
                if (isNull(fs.regs[r]) && fo.regs[r] instanceof Value.Ptr p && linkedMaybeNull(p)) {
                    bySlot = put(bySlot, d * 1024 + r, p);
                }
            }
            if (fs.stack != fo.stack) {
                for (int i = 0; i < Frame.STACK_SIZE; i++) {
                    if (fs.stack[i] instanceof Spill ss && ss.start() == i && ss.size() == 8 && isNull(ss.value())
                            && fo.stack[i] instanceof Spill so && so.start() == i && so.size() == 8
                            && so.value() instanceof Value.Ptr p && linkedMaybeNull(p)) {
                        bySlot = put(bySlot, d * 1024 + 16 + i, p);
                    }
                }
            }
        }
        if (bySlot == null) {
            return s;
        }
        Set<Integer> used = idsOf(s);
        bySlot.values().removeIf(p -> used.contains(p.id()));
        if (bySlot.isEmpty()) {
            return s;
        }
        AbstractState out = s;
        for (Map.Entry<Integer, Value.Ptr> e : new java.util.TreeMap<>(bySlot).entrySet()) {
            int d = e.getKey() / 1024;
            int slot = e.getKey() % 1024;
            Frame f = out.frame(d);
            if (slot < 16) {
                out = out.withFrame(d, f.withReg(slot, e.getValue()));
            } else {
                int at = slot - 16;
                Object[] st = f.stackCopy();
                Spill sp = new Spill(e.getValue(), at, 8);
                for (int k = 0; k < 8; k++) {
                    st[at + k] = sp;
                }
                out = out.withFrame(d, f.withStack(st));
            }
        }
        return out;
    }

    private static Map<Integer, Value.Ptr> put(Map<Integer, Value.Ptr> m, int slot, Value.Ptr p) {
        Map<Integer, Value.Ptr> out = m == null ? new HashMap<>() : m;
        out.put(slot, p);
        return out;
    }

    private static boolean isNull(Value v) {
        return v instanceof Value.Num n && n.scalar().isConstant() && n.scalar().tnum().value() == 0;
    }

    private static boolean linkedMaybeNull(Value.Ptr p) {
        return p.id() != 0 && p.maybeNull() && p.ref() == 0 && p.kind() != PtrKind.PACKET && Lattice.canBeNull(p.kind());
    }

    /** {@code b} with its number ids renamed to {@code a}'s where they pair up slot by slot (b itself if none do). */
    static AbstractState align(AbstractState a, AbstractState b) {
        Map<Integer, Integer> rename = null;
        Set<Integer> targets = null;
        Set<Integer> conflicted = null;
        for (int d = 0; d <= a.depth(); d++) {
            Frame fa = a.frame(d);
            Frame fb = b.frame(d);
            if (fa == fb) {
                continue;
            }
            for (int r = 0; r < Frame.REGISTERS; r++) {
                int[] pair = pair(fa.regs[r], fb.regs[r]);
                if (pair != null) {
                    if (rename == null) {
                        rename = new HashMap<>();
                        targets = new HashSet<>();
                        conflicted = new HashSet<>();
                    }
                    offer(pair[1], pair[0], rename, targets, conflicted);
                }
            }
            if (fa.stack != fb.stack) {
                for (int i = 0; i < Frame.STACK_SIZE; i++) {
                    if (fa.stack[i] instanceof Spill sa && sa.start() == i && fb.stack[i] instanceof Spill sb
                            && sb.start() == i && sa.size() == sb.size()) {
                        int[] pair = pair(sa.value(), sb.value());
                        if (pair != null) {
                            if (rename == null) {
                                rename = new HashMap<>();
                                targets = new HashSet<>();
                                conflicted = new HashSet<>();
                            }
                            offer(pair[1], pair[0], rename, targets, conflicted);
                        }
                    }
                }
            }
        }
        if (rename == null) {
            return b;
        }
        for (int c : conflicted) {
            rename.remove(c);
        }
        if (rename.isEmpty()) {
            return b;
        }
        // A target already used by b (for anything) cannot be taken without merging two of b's classes.
        Set<Integer> used = idsOf(b);
        rename.values().removeIf(used::contains);
        if (rename.isEmpty()) {
            return b;
        }
        Map<Integer, Integer> m = rename;
        return b.mapValues(v -> v instanceof Value.Num n && n.id() != 0 && m.containsKey(n.id())
                ? new Value.Num(n.scalar(), m.get(n.id()), n.view(), n.fact()) : v);
    }

    /** {a's id, b's id} when both are linked numbers of the same view under different ids. */
    private static int[] pair(Value x, Value y) {
        if (x instanceof Value.Num p && y instanceof Value.Num q && p.id() != 0 && q.id() != 0 && p.id() != q.id()
                && p.view() == q.view()) {
            return new int[] {p.id(), q.id()};
        }
        return null;
    }

    private static void offer(int from, int to, Map<Integer, Integer> rename, Set<Integer> targets, Set<Integer> conflicted) {
        Integer prev = rename.get(from);
        if (prev != null) {
            if (prev != to) {
                conflicted.add(from);
            }
            return;
        }
        if (!targets.add(to)) {
            // Two of b's ids pair with the same id of a: rename neither.
            for (Map.Entry<Integer, Integer> e : rename.entrySet()) {
                if (e.getValue() == to) {
                    conflicted.add(e.getKey());
                }
            }
            conflicted.add(from);
            return;
        }
        rename.put(from, to);
    }

    /** Every id {@code s} uses: of numbers, pointers and packet ranges. */
    private static Set<Integer> idsOf(AbstractState s) {
        Set<Integer> ids = new HashSet<>();
        s.mapValues(v -> {
            if (v instanceof Value.Num n && n.id() != 0) {
                ids.add(n.id());
            } else if (v instanceof Value.Ptr p && p.id() != 0) {
                ids.add(p.id());
            }
            return v;
        });
        ids.addAll(s.rangeIdSet());
        return ids;
    }
}
