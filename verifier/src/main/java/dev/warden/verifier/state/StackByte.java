package dev.warden.verifier.state;

/**
 * What is known about one stack byte that is not part of a tracked spill ({@link Spill}).
 * The order of declaration is the order of the join: UNINIT absorbs everything.
 */
public enum StackByte {
    /** Written with a known zero. */
    ZERO,
    /** Written with something (a scalar byte, or a piece of a value no longer tracked). */
    MISC,
    /** Maybe never written. */
    UNINIT;

    StackByte join(StackByte o) {
        if (this == o) {
            return this;
        }
        return this == UNINIT || o == UNINIT ? UNINIT : MISC;
    }
}
