package dev.warden.isa.random;

/**
 * What a generated program may contain. Each feature adds one family of instructions; the
 * ones marked v4 need a kernel (or engine) that implements CPU v4 of RFC 9669.
 *
 * <p>To add a feature (atomics, local calls, deliberate faults...): add a constant here, give
 * it a weight and an emitter in {@link RandomProgramGenerator#simpleStep}, keep it out of
 * {@link GeneratorOptions#defaults()} if the kernel verifier would refuse it or the final state
 * would no longer be deterministic, and document what it emits.
 */
public enum Feature {
    /** 32-bit ALU operations (the ALU class), result zero-extended. */
    ALU32(false),
    /** 64-bit ALU operations (the ALU64 class). */
    ALU64(false),
    /** DIV and MOD, unsigned, with register and non-zero immediate divisors (zero divisors by register). */
    DIV_MOD(false),
    /** SDIV and SMOD (v4). */
    SIGNED_DIV_MOD(true),
    /** MOVSX 8/16/32 (v4). */
    MOVSX(true),
    /** Conversions to little and big endian (the ALU class's END). */
    ENDIAN(false),
    /** Unconditional byte swaps (ALU64 END, v4). */
    BSWAP(true),
    /** 64-bit immediate loads of plain constants. */
    IMM64(false),
    /** Loads from the initialised stack area, all sizes, aligned. */
    STACK_LOADS(false),
    /** Stores of registers and immediates to the stack area, all sizes, aligned. */
    STACK_STORES(false),
    /**
     * Stack accesses through a register that holds a stack address: {@code rP = r10; rP += -8k},
     * a load or store at an offset from rP, then {@code rP = imm} so that no address outlives the
     * sequence (the final state must hold no pointer, which would differ between engines).
     */
    POINTER_ACCESS(false),
    /** Sign-extending loads from the stack (v4). */
    SIGN_EXTENDING_LOADS(true),
    /** Atomic add, or, and, xor on the stack area, without fetch; 32 and 64 bits. */
    ATOMICS(false),
    /**
     * The fetching atomics on the stack area: add, or, and, xor with fetch, xchg, cmpxchg; 32 and
     * 64 bits (Linux 5.12+). Linux 6.18's verifier mis-tracks them (see docs/kernel-oracle.md), so
     * the kernel differential test leaves them out; engine-against-engine tests can use them.
     */
    ATOMIC_FETCH(false),
    /** Forward conditional branches (if and if/else blocks), 64-bit comparisons. */
    BRANCHES(false),
    /** 32-bit comparisons (the JMP32 class) in branches. */
    JMP32(false),
    /** {@code gotol}, the 32-bit-offset goto of the JMP32 class (v4), for the jump over an else block. */
    LONG_GOTO(true),
    /**
     * Local functions (BPF-to-BPF calls): one or two functions after the main one, each with its
     * own frame and stack slots, called from the main function or an earlier local function (no
     * recursion). Callers give r1-r5 new values after each call (they are scratch registers);
     * loop counters live in r6-r9, which calls preserve. Not in {@link GeneratorOptions#defaults()}:
     * a call inside nested loops runs the callee (and its loops) on every trip, so run time grows
     * multiplicatively with the body size; local functions are kept to at most 40 instructions.
     */
    LOCAL_CALLS(false),
    /** Counter-controlled loops with a back edge, bounded by a constant the verifier can follow. */
    LOOPS(false);

    private final boolean cpuV4;

    Feature(boolean cpuV4) {
        this.cpuV4 = cpuV4;
    }

    /** Whether the feature needs CPU v4 (Linux 6.6 or later). */
    public boolean cpuV4() {
        return cpuV4;
    }
}
