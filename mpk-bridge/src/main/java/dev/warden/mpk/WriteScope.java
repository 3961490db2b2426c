package dev.warden.mpk;

/**
 * Write access to one key's regions for the thread that opened it, from
 * {@link ProtectionKey#openWrite()} until {@link #close()}.
 */
public final class WriteScope implements AutoCloseable {
    private final KeySlot slot;
    private final Thread owner;
    private final int previous;
    private boolean closed;

    WriteScope(KeySlot slot, Thread owner, int previous) {
        this.slot = slot;
        this.owner = owner;
        this.previous = previous;
    }

    /**
     * Restores the rights the thread had before the scope opened. Closing again does nothing.
     *
     * @throws IllegalStateException on another thread than the one that opened the scope (its
     *     rights cannot be restored from here); the scope stays open
     */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("write scope for key " + slot.id() + " opened on thread '"
                + owner.getName() + "' must be closed there, not on '" + Thread.currentThread().getName() + "'");
        }
        if (!closed) {
            closed = true;
            slot.exitWrite(previous);
        }
    }
}
