package dev.warden.vm;

/**
 * How to run a program.
 *
 * @param budget the most instructions a run may execute; one more ends it with
 *     {@link FaultKind#BUDGET_EXHAUSTED} at the pc of that instruction (running past the last
 *     instruction counts as one, at the pc after it). Every engine stops at the same instruction
 *     with the same memory: none makes a store, helper call or local call the budget did not
 *     cover. (The JIT charges a basic block when it starts and checks before each instruction
 *     with an observable effect, then works out the exact pc; the interpreter counts each.)
 * @param helpers the helpers {@code call} and {@code callx} reach
 * @param inputKind whether the input is also the packet of legacy packet loads
 * @param stackInit whether each run starts with a zeroed stack
 * @param sandbox the heap and the accesses confined to it (KFlex), {@link HeapSandbox#NONE} without a heap
 * @param cancellation whether runs poll for cancellation at back edges and calls
 */
public record ExecOptions(long budget, Helpers helpers, InputKind inputKind, StackInit stackInit, HeapSandbox sandbox,
                          Cancellation cancellation) {
    /** Default budget: enough for any test or benchmark here, small enough to stop a runaway in seconds. */
    public static final long DEFAULT_BUDGET = 1L << 32;

    public ExecOptions {
        if (budget < 0) {
            throw new IllegalArgumentException("budget " + budget + " is negative");
        }
        java.util.Objects.requireNonNull(sandbox);
        java.util.Objects.requireNonNull(cancellation);
    }

    /** Without a heap and without cancellation polls. */
    public ExecOptions(long budget, Helpers helpers, InputKind inputKind, StackInit stackInit) {
        this(budget, helpers, inputKind, stackInit, HeapSandbox.NONE, Cancellation.OFF);
    }

    /** The default budget, the conformance helpers, plain input and a zeroed stack. */
    public static ExecOptions defaults() {
        return new ExecOptions(DEFAULT_BUDGET, Helpers.conformance(), InputKind.PLAIN, StackInit.ZEROED);
    }

    public ExecOptions withBudget(long b) {
        return new ExecOptions(b, helpers, inputKind, stackInit, sandbox, cancellation);
    }

    public ExecOptions withHelpers(Helpers h) {
        return new ExecOptions(budget, h, inputKind, stackInit, sandbox, cancellation);
    }

    public ExecOptions withInputKind(InputKind k) {
        return new ExecOptions(budget, helpers, k, stackInit, sandbox, cancellation);
    }

    public ExecOptions withStackInit(StackInit s) {
        return new ExecOptions(budget, helpers, inputKind, s, sandbox, cancellation);
    }

    public ExecOptions withSandbox(HeapSandbox s) {
        return new ExecOptions(budget, helpers, inputKind, stackInit, s, cancellation);
    }

    public ExecOptions withCancellation(Cancellation c) {
        return new ExecOptions(budget, helpers, inputKind, stackInit, sandbox, c);
    }
}
