package dev.warden.mpk;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A handle to one protection key (hardware key in {@link IsolationMode#PROTECTION_KEYS} mode, a
 * numbered stand-in otherwise). The key is freed when its last handle and its last
 * {@link ProtectedRegion} are closed; never earlier, because pages keep their key tag and a
 * recycled key would hand another owner's rights to them.
 */
public final class ProtectionKey implements AutoCloseable {
    private final KeySlot slot;
    private final AtomicBoolean closed = new AtomicBoolean();

    ProtectionKey(KeySlot slot) {
        this.slot = slot;
    }

    /** The key number, 1 to {@value KeyAllocator#MAX_KEYS}. */
    public int id() {
        return slot.id();
    }

    /** How this key isolates its regions. */
    public IsolationMode mode() {
        return slot.mode();
    }

    /** Handles and regions currently keeping this key allocated. */
    public int holders() {
        return slot.holders();
    }

    /** Another handle to the same key, closed independently; the key lives while any is open. */
    public ProtectionKey share() {
        ensureOpen();
        slot.retain();
        return new ProtectionKey(slot);
    }

    /**
     * Grants the current thread write access to every region of this key until the scope is
     * closed, then restores the thread's previous rights (also when the block throws). Use with
     * try-with-resources; nested scopes must close in reverse order, which that guarantees.
     *
     * @throws IllegalStateException on a virtual thread under {@link IsolationMode#PROTECTION_KEYS}:
     *     rights live in the carrier's register and a virtual thread can change carriers
     */
    public WriteScope openWrite() {
        ensureOpen();
        Thread thread = Thread.currentThread();
        if (slot.mode() == IsolationMode.PROTECTION_KEYS && thread.isVirtual()) {
            throw new IllegalStateException("protection-key rights belong to an OS thread; "
                + "a virtual thread may move to another carrier inside the scope: use a platform thread");
        }
        return new WriteScope(slot, thread, slot.enterWrite());
    }

    /**
     * Sets the current thread's rights to read-only for this key, the resting state outside
     * scopes. Needed once on any thread other than the allocating one that reads the key's
     * regions under {@link IsolationMode#PROTECTION_KEYS}: Linux starts every thread with no
     * access to keys it has not set. No effect in the other modes, where reads are always allowed.
     */
    public void setCurrentThreadReadOnly() {
        ensureOpen();
        slot.setCurrentThreadReadOnly();
    }

    KeySlot slot() {
        return slot;
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("protection key handle " + slot.id() + " is closed");
        }
    }

    /**
     * Gives up this handle; closing it again does nothing. Close the key's write scopes first
     * (try-with-resources does): a scope does not keep the key allocated, and restoring rights
     * on a key that was freed and handed to someone else would change theirs.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            slot.release();
        }
    }

    @Override
    public String toString() {
        return "ProtectionKey[" + slot.id() + ", " + slot.mode() + (closed.get() ? ", closed]" : "]");
    }
}
