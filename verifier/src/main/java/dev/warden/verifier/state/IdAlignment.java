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
                ? new Value.Num(n.scalar(), m.get(n.id()), n.view()) : v);
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
