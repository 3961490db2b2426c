package dev.warden.isa.random;

/**
 * A flaw {@link PointerProgramGenerator} plants on purpose. Most make the program unsafe: some
 * input makes it fault when the flawed instruction is reached, and a sound verifier must reject
 * the program. A few ({@link #unsafe()} false) are safe at run time but beyond what the Linux
 * verifier can prove, so they measure precision, not soundness.
 */
public enum Hazard {
    /** A packet bounds check one byte short of the access. */
    PACKET_CHECK_OFF_BY_ONE(true),
    /** A packet access with no bounds check before it. */
    PACKET_CHECK_MISSING(true),
    /** A bounds check whose branch goes the wrong way: the access runs when the packet is too short. */
    PACKET_CHECK_WRONG_DIRECTION(true),
    /** The packet bounds compared with a 32-bit jump; exact here (packets lie below 4 GiB), refused by Linux. */
    PACKET_CHECK_32_BIT(false),
    /**
     * A packet pointer kept across {@code bpf_xdp_adjust_head}, which moved the packet's start
     * forward, and dereferenced below the new start.
     */
    PACKET_POINTER_STALE_AFTER_MOVE(true),
    /** A variable packet offset that is not masked, then checked correctly: safe, but Linux wants it bounded. */
    PACKET_OFFSET_UNBOUNDED(false),
    /** The packet length {@code data_end - data} compared as a scalar, then the access made through {@code data}: safe, refused by Linux. */
    PACKET_LENGTH_AS_SCALAR(false),
    /** A map value offset bounded on one branch through a flag, used after a test of the flag (verifier.md, pattern 8): safe. */
    CORRELATED_BRANCH_BOUND(false),
    /** A map value offset bounded through a copy plus a constant, the original used (verifier.md, pattern 1): safe. */
    COPY_BOUND_WITH_OFFSET(false),
    /** A map value used without checking the lookup's result against null. */
    MAP_NULL_CHECK_MISSING(true),
    /** A map value accessed past its end (a fixed or a variable offset). */
    MAP_VALUE_OUT_OF_BOUNDS(true),
    /** A helper given a key or value pointer whose bytes run past the top of the stack. */
    HELPER_MEMORY_OUT_OF_STACK(true),
    /** A stack access outside the 512-byte frame. */
    STACK_OUT_OF_FRAME(true),
    /**
     * A stack pointer advanced by a constant on each iteration beside a counter whose bound allows
     * one iteration too many: the last store lands just outside the frame (above r10 walking up,
     * below r10 - 512 walking down).
     */
    WALK_COUNTER_OFF_BY_ONE(true),
    /** A stack pointer spilled with 4 bytes and filled back: its upper half is lost, then it is dereferenced. */
    NARROW_POINTER_SPILL(true),
    /** Global data ({@code .data}) accessed past its end. */
    GLOBAL_DATA_OUT_OF_BOUNDS(true),
    /** A store to {@code .rodata}. */
    RODATA_WRITE(true),
    /**
     * "A stack pointer or NULL" given to a helper argument that takes NULL ({@code bpf_csum_diff}'s
     * from or to) with a nonzero size: on the NULL side the helper reads at address 0.
     */
    NULL_OR_STACK_SIZED(true),
    /** "A stack pointer or NULL" dereferenced with no null check. */
    NULL_OR_STACK_UNCHECKED(true),
    /** "A stack pointer or NULL" dereferenced behind a null check that goes the wrong way. */
    NULL_OR_STACK_CHECK_INVERTED(true),
    /** A header walk whose check of the current header is one byte short of the byte it reads. */
    HEADER_WALK_CHECK_OFF_BY_ONE(true),
    /** A header walk that skips its check of the current header in one round. */
    HEADER_WALK_CHECK_SKIPPED(true),
    /** A header walk that reads the previous header one byte past what its round checked. */
    HEADER_WALK_PREVIOUS_PAST_CHECK(true),
    /** A packet flag tested the wrong way round: the access runs when the check failed. */
    PACKET_FLAG_INVERTED(true),
    /** A packet flag set after a check one byte short of the access it guards. */
    PACKET_FLAG_CHECK_SHORT(true),
    /**
     * Two packet pointers checked for different lengths on the two sides of a join, then accessed
     * with the longer length: the shorter side's packet may end first.
     */
    PACKET_MERGE_RANGE_SHORT(true);

    private final boolean unsafe;

    Hazard(boolean unsafe) {
        this.unsafe = unsafe;
    }

    /** Whether some input makes the program fault when the flawed instruction runs. */
    public boolean unsafe() {
        return unsafe;
    }
}
