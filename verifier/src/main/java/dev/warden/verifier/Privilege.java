package dev.warden.verifier;

/** Whose rules apply: the kernel's for root (the default) or for unprivileged loaders. */
public enum Privilege {
    /** Root: reading uninitialised stack gives an unknown value; pointers may be stored and compared. */
    PRIVILEGED,
    /** Reading uninitialised stack is an error; pointers may not leak. */
    UNPRIVILEGED
}
