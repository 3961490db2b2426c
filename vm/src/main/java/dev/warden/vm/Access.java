package dev.warden.vm;

/** What a program may do to a {@link Region}. */
public enum Access {
    /** Loads only; a store or atomic operation faults with {@link FaultKind#READ_ONLY}. */
    READ_ONLY,
    /** Loads, stores and atomic operations. */
    READ_WRITE;

    public boolean canWrite() {
        return this == READ_WRITE;
    }
}
