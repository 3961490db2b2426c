package dev.warden.runtime.linux;

/**
 * KFlex's runtime side for a load: the extension's own heap and its per-invocation time budget.
 *
 * @param heapBytes the heap's size (a power of two, see {@link KflexHeap#allocate}); 0 for no heap
 * @param timeBudgetNanos each invocation's time budget in nanoseconds, checked at the cancellation
 *     points (back edges and calls, {@link dev.warden.vm.Cancellation}); 0 for none (the
 *     instruction budget still applies)
 */
public record KflexOptions(long heapBytes, long timeBudgetNanos) {
    /** No heap, no time budget. */
    public static final KflexOptions NONE = new KflexOptions(0, 0);

    public KflexOptions {
        if (heapBytes < 0 || timeBudgetNanos < 0) {
            throw new IllegalArgumentException("heap size and time budget may not be negative");
        }
    }

    /** Whether the programs poll for cancellation. */
    public dev.warden.vm.Cancellation cancellation() {
        return timeBudgetNanos > 0 ? dev.warden.vm.Cancellation.POLLED : dev.warden.vm.Cancellation.OFF;
    }
}
