package dev.warden.vm;

/** What the stack holds when a run starts. */
public enum StackInit {
    /** Each frame's 512 bytes are zero when the frame becomes active: runs are deterministic. */
    ZEROED,
    /**
     * The stack keeps whatever earlier frames and runs left there; saves clearing 512 bytes per
     * run and per local call, for benchmarks of programs that never read uninitialised stack.
     */
    UNSPECIFIED
}
