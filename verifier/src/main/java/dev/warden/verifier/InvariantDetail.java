package dev.warden.verifier;

/**
 * How much of the proof's per-pc invariants a {@link VerifiedProgram} keeps (see
 * {@link VerifiedProgram#invariantAt(int)}).
 */
public enum InvariantDetail {
    /**
     * Per pc, the registers r0..r10 of the innermost frame and the values spilled in its stack,
     * joined over the calling contexts that reach the pc. The values are shared with the analysis,
     * so this costs a few dozen bytes per instruction: the default.
     */
    REGISTERS_AND_SPILLS,
    /**
     * Also every distinct abstract state (all frames, every stack byte, packet ranges, held
     * references) reaching the pc, one per calling context. Several times the memory of
     * {@link #REGISTERS_AND_SPILLS} on programs with many stores or contexts; for tools that
     * need the whole proof (a log viewer, a translation validator).
     */
    FULL_STATES
}
