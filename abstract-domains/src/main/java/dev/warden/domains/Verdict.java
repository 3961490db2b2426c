package dev.warden.domains;

/** Whether a branch is taken. */
public enum Verdict {
    ALWAYS, NEVER, MAYBE
}
