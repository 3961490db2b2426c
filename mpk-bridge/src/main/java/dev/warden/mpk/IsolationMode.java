package dev.warden.mpk;

/** How a {@link ProtectionKey} keeps its regions read-only outside a {@link WriteScope}. */
public enum IsolationMode {
    /**
     * Intel MPK: regions are tagged with a hardware key; a scope flips this thread's PKRU rights
     * (WRPKRU, no system call). Rights are per thread: other threads stay write-protected.
     */
    PROTECTION_KEYS,
    /**
     * {@code mprotect} toggling: a scope makes the key's regions writable with one system call per
     * region on entry and again on exit. Correct but slower, and process-wide: while any thread is
     * inside a scope for a key, every thread can write that key's regions.
     */
    MPROTECT,
    /** No isolation: regions are always writable; scopes only check their own use. */
    NONE
}
