package dev.warden.verifier.transfer;

import dev.warden.verifier.Obligation;
import dev.warden.verifier.state.AbstractState;

/**
 * Where the transfer functions report what they check. During the fixpoint iteration nothing is
 * reported ({@link #NONE}): states are not final yet. The check pass runs the same functions on the
 * stable states with a collecting sink.
 */
public interface Sink {
    /** An obligation at {@code pc} could not be proved in {@code state}. */
    void violation(int pc, Obligation obligation, String message, AbstractState state);

    /** A memory access at {@code pc} was (or was not) proved inside its region. */
    void access(int pc, Proof proof);

    /**
     * An access reaches {@code end} bytes into iterator buffer {@code region} ({@link
     * dev.warden.verifier.state.PtrKind#ITER_KEY} or {@code ITER_VALUE}): the map the iterator is
     * attached to must have keys (values) at least that long.
     */
    default void attachRequirement(int region, long end) {}

    /**
     * Whether reports are kept: false during the fixpoint iteration, where costly checks (Z3) can
     * be skipped because their reports would be dropped.
     */
    default boolean collecting() {
        return true;
    }

    /**
     * A stack access reaches {@code offset} (negative, from the frame's r10) in the frame at
     * {@code depth}: the program's stack use is the deepest reach of each frame.
     */
    default void stackReach(int pc, int depth, long offset) {}

    /**
     * The load or store at {@code pc} addresses the heap (KFlex: confined by the runtime's guard unless
     * proved inside an object) or other memory; reported only where the platform has a heap.
     */
    default void memoryTarget(int pc, MemoryTarget target) {}

    /** Whether proving or not. */
    enum Proof { PROVED, UNPROVED }

    /** What a load or store addresses, for the heap's guard. */
    enum MemoryTarget {
        /** The heap, proved inside an object the allocator handed out: no guard needed. */
        HEAP_OBJECT,
        /** The heap, not proved inside an object: the guard confines it. */
        HEAP_GUARDED,
        /** Memory other than the heap. */
        OTHER
    }

    Sink NONE = new Sink() {
        @Override
        public void violation(int pc, Obligation obligation, String message, AbstractState state) {}

        @Override
        public void access(int pc, Proof proof) {}

        @Override
        public boolean collecting() {
            return false;
        }
    };
}
