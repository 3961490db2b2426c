package dev.warden.verifier;

/**
 * The kinds of proof obligation; their names are the {@code obligation} field of
 * {@code warden verify --json}.
 */
public enum ObligationKind {
    /** A memory access lies inside a region the program may access with that right. */
    VALID_ACCESS("valid_access"),
    /** A register or stack byte is initialised before it is read. */
    INITIALISED("initialised"),
    /** An operand has the type the instruction needs (a pointer where one is dereferenced, no pointer arithmetic the platform forbids...). */
    TYPE("type"),
    /** A maybe-null pointer is checked against null before use. */
    NON_NULL("non_null"),
    /** A helper argument matches its prototype. */
    HELPER_ARGUMENT("helper_argument"),
    /** The called helper or kfunc exists on the platform. */
    KNOWN_CALL("known_call"),
    /** Every loop terminates, and the total instruction count stays under the limit. */
    BOUNDED_LOOP("bounded_loop"),
    /** r0 at exit lies in the program type's return range. */
    RETURN_RANGE("return_range"),
    /** Every acquired reference (socket, ring buffer record) is released on every path. */
    REFERENCE_RELEASED("reference_released"),
    /** Calls nest at most eight deep and the stack stays within its frames. */
    CALL_DEPTH("call_depth"),
    /** A division or modulo by a register whose value may be zero is fine in eBPF; kept for policies that forbid it. */
    VALID_DIVISOR("valid_divisor"),
    /** A pointer is not leaked into memory or a result where the platform forbids it (unprivileged). */
    NO_POINTER_LEAK("no_pointer_leak"),
    /**
     * A constraint of an EIM policy holds: an argument constraint of a granted function at its call,
     * a value constraint of a granted write at its store.
     */
    CONSTRAINT("constraint"),
    /** The program stays within a limit of its EIM class (stack bytes, executed instructions). */
    LIMIT("limit");

    private final String key;

    ObligationKind(String key) {
        this.key = key;
    }

    /** The stable name used in JSON and logs. */
    public String key() {
        return key;
    }
}
