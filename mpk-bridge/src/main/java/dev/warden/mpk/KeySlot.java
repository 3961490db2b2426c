package dev.warden.mpk;

import java.util.ArrayList;
import java.util.List;

/**
 * One allocated key, shared by its {@link ProtectionKey} handles and its regions; freed when the
 * last of them lets go. Holds the mode-specific switching logic.
 */
final class KeySlot {
    private final int id;
    private final IsolationMode mode;
    /** Handles plus regions. Guarded by this. */
    private int holders = 1;
    /** MPROTECT only: threads inside a scope right now; regions are writable while > 0. Guarded by this. */
    private int writers;
    /** MPROTECT only: live regions to toggle. Guarded by this. */
    private final List<ProtectedRegion> regions = new ArrayList<>();

    KeySlot(int id, IsolationMode mode) {
        this.id = id;
        this.mode = mode;
    }

    int id() {
        return id;
    }

    IsolationMode mode() {
        return mode;
    }

    synchronized void retain() {
        if (holders == 0) {
            throw new IllegalStateException("protection key " + id + " was already freed");
        }
        holders++;
    }

    void release() {
        boolean last;
        synchronized (this) {
            last = --holders == 0;
        }
        if (last) {
            KeyAllocator.release(this);
        }
    }

    synchronized int holders() {
        return holders;
    }

    /**
     * Gives this thread write access. Returns what {@link #exitWrite} needs to restore: the
     * thread's previous PKRU rights for this key (PROTECTION_KEYS), or 0.
     */
    int enterWrite() {
        return switch (mode) {
            case PROTECTION_KEYS -> {
                // Read the rights every time: they belong to this OS thread and may differ from
                // what any other thread (or an earlier entry) saw.
                int previous = Libc.pkeyGet(id);
                setRights(0);
                yield previous;
            }
            case MPROTECT -> {
                synchronized (this) {
                    if (writers == 0) {
                        try {
                            protectAll(Libc.PROT_READ | Libc.PROT_WRITE);
                        } catch (IllegalStateException e) {
                            // Some regions may already be writable: put them back before failing.
                            restoreReadOnlyQuietly();
                            throw e;
                        }
                    }
                    writers++;
                }
                yield 0;
            }
            case NONE -> 0;
        };
    }

    void exitWrite(int previous) {
        switch (mode) {
            case PROTECTION_KEYS -> setRights(previous);
            case MPROTECT -> {
                synchronized (this) {
                    if (--writers == 0) {
                        protectAll(Libc.PROT_READ);
                    }
                }
            }
            case NONE -> { }
        }
    }

    /** PROTECTION_KEYS: this thread may read but not write; the other modes already allow reads. */
    void setCurrentThreadReadOnly() {
        if (mode == IsolationMode.PROTECTION_KEYS) {
            setRights(Libc.PKEY_DISABLE_WRITE);
        }
    }

    private void setRights(int rights) {
        if (Libc.pkeySet(id, rights) != 0) {
            // pkey_set fails only with EINVAL (bad key or rights): a Warden bug.
            throw new IllegalStateException("pkey_set(" + id + ", " + rights + ") failed");
        }
    }

    /**
     * MPROTECT: registers a new region for toggling and gives it the protection the key has now.
     * One critical section, so a concurrent scope entry cannot slip in between. Returns mprotect's
     * result (0, or -1 with errno set; the region is then not registered).
     */
    synchronized int register(ProtectedRegion region) {
        int rc = Libc.mprotect(region.address(), region.mappedBytes(),
            writers > 0 ? Libc.PROT_READ | Libc.PROT_WRITE : Libc.PROT_READ);
        if (rc == 0) {
            regions.add(region);
        }
        return rc;
    }

    /**
     * Stops toggling the region. Must happen before it is unmapped: afterwards its addresses may
     * belong to another mapping, which an mprotect must never touch.
     */
    synchronized void unregister(ProtectedRegion region) {
        regions.remove(region);
    }

    private void restoreReadOnlyQuietly() {
        for (ProtectedRegion r : regions) {
            Libc.mprotect(r.address(), r.mappedBytes(), Libc.PROT_READ);
        }
    }

    private void protectAll(int prot) {
        for (ProtectedRegion r : regions) {
            if (Libc.mprotect(r.address(), r.mappedBytes(), prot) != 0) {
                throw new IllegalStateException("mprotect of " + r + " to " + prot + " failed with " + Libc.lastErrno());
            }
        }
    }
}
