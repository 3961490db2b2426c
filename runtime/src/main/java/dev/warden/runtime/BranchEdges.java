package dev.warden.runtime;

import java.util.BitSet;

/**
 * The conditional-branch edges one interpreted program executed: for each conditional jump, its
 * fall-through edge and its taken edge, keyed {@code 2 * pc + (taken ? 1 : 0)}. Recorded only
 * when the interpreter is made with {@link Interpreter.Coverage#BRANCH_EDGES} (the jumps are then
 * pre-decoded to one recording operation; without it the interpreter's loop is unchanged). A
 * coverage-guided input search reads what each run added with {@link #takeRun()}. Each run also
 * keeps the first {@link #COMPARISONS} operand pairs its jumps compared unequal
 * ({@link #takeComparisons()}; not where an operand is an address in the run's memory, which differs
 * from one process to the next and is no data an input holds): a search finds the left operand's bytes in its input and writes the
 * right one's there (input-to-state, as REDQUEEN does), to get past a magic number or a length check.
 *
 * <p>Not thread-safe: a loaded program runs on one thread at a time, and so does its recording.
 */
public final class BranchEdges {
    /** How many compared pairs one run keeps. */
    public static final int COMPARISONS = 256;

    /** Two operands a conditional jump compared (32-bit jumps: their low halves, zero-extended), and its width in bytes. */
    public record Comparison(long left, long right, int bytes) {}

    private final int conditionalJumps;
    private final java.util.List<Comparison> compared = new java.util.ArrayList<>();
    private final BitSet run = new BitSet();
    private final BitSet ever = new BitSet();

    BranchEdges(int conditionalJumps) {
        this.conditionalJumps = conditionalJumps;
    }

    /** Called by the interpreter for each conditional jump it executes. */
    void hit(int pc, boolean taken) {
        run.set(2 * pc + (taken ? 1 : 0));
    }

    /** The same, keeping the operands for an input-to-state search. */
    void hit(int pc, boolean taken, long left, long right, int bytes) {
        hit(pc, taken);
        if (left != right && compared.size() < COMPARISONS) {
            compared.add(new Comparison(left, right, bytes));
        }
    }

    /** The pairs the jumps since the last call compared unequal (at most {@link #COMPARISONS}), then forgets them. */
    public java.util.List<Comparison> takeComparisons() {
        java.util.List<Comparison> out = java.util.List.copyOf(compared);
        compared.clear();
        return out;
    }

    /** Every conditional edge of the program (two per conditional jump, reachable or not). */
    public int conditionalEdges() {
        return 2 * conditionalJumps;
    }

    /** The edges executed since the last call (or the load), then forgets them; {@link #covered()} keeps them. */
    public BitSet takeRun() {
        BitSet out = (BitSet) run.clone();
        ever.or(run);
        run.clear();
        return out;
    }

    /** How many different edges every run so far executed, together. */
    public int covered() {
        return coveredEdges().cardinality();
    }

    /** The edges every run so far executed, together, keyed as in the class comment. */
    public BitSet coveredEdges() {
        BitSet all = (BitSet) ever.clone();
        all.or(run);
        return all;
    }
}
