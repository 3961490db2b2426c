package dev.warden.verifier.platform;

/**
 * Whether a helper's result is a new reference the program must release before it exits. The
 * return kind alone does not say: {@code bpf_sk_lookup_tcp} and {@code bpf_sk_fullsock} both
 * return a socket or null, but only the lookup takes a reference (the kernel's
 * {@code is_acquire_function}).
 */
public enum ReturnReference {
    /** r0 is not a reference (a number, or a pointer whose lifetime another reference covers). */
    NONE,
    /** r0, when not null, is a reference that must reach a releasing helper on every path. */
    ACQUIRED
}
