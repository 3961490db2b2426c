package dev.warden.vm;

/**
 * How to run a program.
 *
 * @param budget the most instructions a run may execute; one more ends it with
 *     {@link FaultKind#BUDGET_EXHAUSTED}. The interpreter counts every instruction and faults at
 *     the exact one; compiled code may count per basic block or back edge, so only the kind of
 *     the fault is guaranteed to agree across engines, not its pc.
 * @param helpers the helpers {@code call} and {@code callx} reach
 * @param inputKind whether the input is also the packet of legacy packet loads
 * @param stackInit whether each run starts with a zeroed stack
 */
public record ExecOptions(long budget, Helpers helpers, InputKind inputKind, StackInit stackInit) {
    /** Default budget: enough for any test or benchmark here, small enough to stop a runaway in seconds. */
    public static final long DEFAULT_BUDGET = 1L << 32;

    public ExecOptions {
        if (budget < 0) {
            throw new IllegalArgumentException("budget " + budget + " is negative");
        }
    }

    /** The default budget, the conformance helpers, plain input and a zeroed stack. */
    public static ExecOptions defaults() {
        return new ExecOptions(DEFAULT_BUDGET, Helpers.conformance(), InputKind.PLAIN, StackInit.ZEROED);
    }

    public ExecOptions withBudget(long b) {
        return new ExecOptions(b, helpers, inputKind, stackInit);
    }

    public ExecOptions withHelpers(Helpers h) {
        return new ExecOptions(budget, h, inputKind, stackInit);
    }

    public ExecOptions withInputKind(InputKind k) {
        return new ExecOptions(budget, helpers, k, stackInit);
    }

    public ExecOptions withStackInit(StackInit s) {
        return new ExecOptions(budget, helpers, inputKind, s);
    }
}
