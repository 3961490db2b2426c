package dev.warden.vm;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable table of helpers by id. Lookup is an array index, so the interpreter's dispatch
 * costs one load; the JIT resolves constant ids once, when it compiles.
 */
public final class Helpers {
    /** The largest helper id a table may hold; keeps the dense array small. */
    public static final int MAX_ID = 1 << 16;

    private static final Helpers NONE = new Helpers(new Helper[0], new String[0]);

    private final Helper[] byId;
    private final String[] names;

    private Helpers(Helper[] byId, String[] names) {
        this.byId = byId;
        this.names = names;
    }

    /** No helpers: every call faults with {@link FaultKind#UNKNOWN_HELPER}. */
    public static Helpers none() {
        return NONE;
    }

    /**
     * The helpers of the bpf_conformance suite: helper 5 returns its first argument (the
     * {@code callx} tests and {@code call_unwind_fail} call it).
     */
    public static Helpers conformance() {
        return none().with(5, "conformance_identity", (m, pc, r1, r2, r3, r4, r5) -> r1);
    }

    /** This table plus (or with a replaced) helper {@code id}. */
    public Helpers with(int id, String name, Helper helper) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException("helper id " + id + " is outside 0.." + MAX_ID);
        }
        int length = Math.max(byId.length, id + 1);
        Helper[] h = Arrays.copyOf(byId, length);
        String[] n = Arrays.copyOf(names, length);
        h[id] = helper;
        n[id] = name;
        return new Helpers(h, n);
    }

    /** Whether {@code id} names a helper of this table; {@code id} may be any register value. */
    public boolean defines(long id) {
        return id >= 0 && id < byId.length && byId[(int) id] != null;
    }

    /**
     * The helper with this id; the caller checks {@link #defines} first (an engine turns an
     * undefined id into a fault, never into an exception).
     */
    public Helper get(int id) {
        if (!defines(id)) {
            throw new IllegalArgumentException("no helper " + id);
        }
        return byId[id];
    }

    /** Calls helper {@code id}, faulting with {@code kind} at {@code pc} if it is not defined. */
    public long call(long id, FaultKind kind, Memory memory, int pc, long r1, long r2, long r3, long r4, long r5) {
        if (id < 0 || id >= byId.length || byId[(int) id] == null) {
            throw new VmFault(pc, kind, "no helper with id " + id);
        }
        return byId[(int) id].call(memory, pc, r1, r2, r3, r4, r5);
    }

    /**
     * Calls helper {@code id} through a register ({@code callx}), faulting {@link FaultKind#BAD_CALLX}
     * at {@code pc} if it is not defined or is a {@link BudgetedHelper} (the tail call): such a
     * helper runs program code in the calling function's place, which an engine arranges around
     * the call instruction that names it; Linux allows no helper call through {@code callx} at
     * all, and Warden's verifier refuses every {@code callx}, so only unverified programs get here.
     */
    public long callIndirect(long id, Memory memory, int pc, long r1, long r2, long r3, long r4, long r5) {
        if (defines(id) && byId[(int) id] instanceof BudgetedHelper) {
            throw new VmFault(pc, FaultKind.BAD_CALLX, "helper " + id + " (" + names[(int) id] + ") cannot be called through callx");
        }
        return call(id, FaultKind.BAD_CALLX, memory, pc, r1, r2, r3, r4, r5);
    }

    /** The defined helpers by id, with their names, in id order. */
    public Map<Integer, String> names() {
        Map<Integer, String> m = new TreeMap<>();
        for (int i = 0; i < byId.length; i++) {
            if (byId[i] != null) {
                m.put(i, names[i]);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "Helpers" + names();
    }
}
