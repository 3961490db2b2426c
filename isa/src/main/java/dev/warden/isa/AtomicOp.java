package dev.warden.isa;

/**
 * Atomic read-modify-write operations (RFC 9669 §5.3), encoded in the immediate. ADD, OR, AND
 * and XOR exist with and without FETCH (which returns the old value in src); XCHG and CMPXCHG
 * always fetch. CMPXCHG compares with r0 and leaves the old value in r0.
 */
public enum AtomicOp {
    ADD(0x00),
    OR(0x40),
    AND(0x50),
    XOR(0xa0),
    XCHG(0xe0),
    CMPXCHG(0xf0);

    /** The FETCH modifier bit of the immediate. */
    public static final int FETCH = 0x01;

    private final int code;

    AtomicOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether the operation always returns the old value (XCHG, CMPXCHG). */
    public boolean alwaysFetches() {
        return this == XCHG || this == CMPXCHG;
    }

    static AtomicOp decode(int code) {
        for (AtomicOp op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }
}
