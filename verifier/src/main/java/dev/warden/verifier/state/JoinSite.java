package dev.warden.verifier.state;

import java.util.HashMap;
import java.util.Map;

/**
 * Where a join happens (the pc of the block it enters) and the allocator of the ids a join gives
 * packet pointers that reach it with different offsets. Such a pointer gets a fresh variable-offset
 * id, so that a bounds check after the merge still gives a range relative to it (what the kernel
 * gets by never merging). Ids are allocated per (pc, slot), negative, in first-use order, so they
 * are the same on every iteration and never collide with allocation-site ids (pc + 1 > 0).
 */
public record JoinSite(int pc, Ids ids) {
    /** No fresh ids (exit states, tests): differing packet pointers lose their variable-offset id. */
    public static final JoinSite NONE = new JoinSite(-1, new Ids());

    public boolean enabled() {
        return pc >= 0;
    }

    int idFor(int depth, int slot) {
        long key = ((long) pc << 24) | ((long) depth << 16) | slot;
        return ids.of(key);
    }

    /** The allocator, one per verification. */
    public static final class Ids {
        private final Map<Long, Integer> byKey = new HashMap<>();
        private int next = -1;

        int of(long key) {
            Integer id = byKey.get(key);
            if (id == null) {
                id = next--;
                byKey.put(key, id);
            }
            return id;
        }
    }
}
