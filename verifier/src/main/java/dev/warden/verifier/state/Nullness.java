package dev.warden.verifier.state;

/** Whether a pointer may be null (a helper result not yet checked). */
public enum Nullness {
    NOT_NULL,
    MAYBE_NULL
}
