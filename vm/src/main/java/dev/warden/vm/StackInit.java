package dev.warden.vm;

/** What the stack holds when a run starts. */
public enum StackInit {
    /** Every frame's 512 bytes are zero at the start of each run: runs are deterministic. */
    ZEROED,
    /**
     * The stack keeps whatever the previous run of the same loaded program left; saves the
     * clearing (about 4 KiB) per run for benchmarks of programs that never read uninitialised stack.
     */
    UNSPECIFIED
}
