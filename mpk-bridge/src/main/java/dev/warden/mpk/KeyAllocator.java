package dev.warden.mpk;

import java.util.BitSet;
import java.util.Optional;

/**
 * Hands out {@link ProtectionKey}s in one {@link IsolationMode}. Obtain one from
 * {@link ProtectionKeys#allocator(Fallback)}.
 *
 * <p>Keys are scarce: x86-64 has 16, key 0 is every page's default, so a process can hold at
 * most {@value #MAX_KEYS} (fewer if the kernel or other code in the process took some). Warden
 * enforces the same limit in every mode, across all allocators of the process, so a program
 * that runs under a fallback does not start failing on hardware with keys. Share a key between
 * regions that are written together ({@link ProtectionKey#share()}) instead of allocating more.
 */
public final class KeyAllocator {

    /** The most keys a process can hold (16 hardware keys minus the default key 0). */
    public static final int MAX_KEYS = 15;

    /** Guards the two sets below. */
    private static final Object LOCK = new Object();
    /** Hardware keys held (PROTECTION_KEYS). */
    private static final BitSet HARDWARE = new BitSet(MAX_KEYS + 1);
    /**
     * Stand-in numbers held (MPROTECT, NONE). Kept apart from the hardware ones: a stand-in may
     * carry the same number as a hardware key; both count towards the limit.
     */
    private static final BitSet STAND_IN = new BitSet(MAX_KEYS + 1);

    private final Isolation isolation;

    KeyAllocator(Isolation isolation) {
        this.isolation = isolation;
    }

    /** The isolation this allocator's keys provide, and why. */
    public Isolation isolation() {
        return isolation;
    }

    /** The number of keys this process holds through Warden right now (all modes). */
    public static int keysInUse() {
        synchronized (LOCK) {
            return HARDWARE.cardinality() + STAND_IN.cardinality();
        }
    }

    /**
     * Allocates a key. The calling thread gets read-only rights to it; other threads keep
     * whatever their PKRU says (on Linux usually no access at all to keys they never set).
     *
     * @throws MpkException when no key is left, with the number held and what to do
     */
    public ProtectionKey allocate() throws MpkException {
        synchronized (LOCK) {
            int held = HARDWARE.cardinality() + STAND_IN.cardinality();
            if (held >= MAX_KEYS) {
                throw new MpkException(exhausted(held, "Warden's limit of " + MAX_KEYS), Optional.empty());
            }
            int id = switch (isolation.mode()) {
                case PROTECTION_KEYS -> {
                    int key = Libc.pkeyAlloc(0, Libc.PKEY_DISABLE_WRITE);
                    if (key < 0) {
                        Errno e = Libc.lastErrno();
                        throw new MpkException(e.value() == Errno.ENOSPC
                            ? exhausted(held, "pkey_alloc: " + e)
                            : "cannot allocate a protection key: pkey_alloc failed with " + e, Optional.of(e));
                    }
                    HARDWARE.set(key);
                    yield key;
                }
                // Stand-ins: numbered like hardware keys so that reports read the same.
                case MPROTECT, NONE -> {
                    int key = STAND_IN.nextClearBit(1);
                    STAND_IN.set(key);
                    yield key;
                }
            };
            return new ProtectionKey(new KeySlot(id, isolation.mode()));
        }
    }

    private static String exhausted(int held, String limit) {
        return "no protection key left (" + limit + "; Warden holds " + held
            + "): close keys no longer needed, or share() one key between regions written together";
    }

    /** Called once, when the last handle of a key is closed. */
    static void release(KeySlot slot) {
        synchronized (LOCK) {
            switch (slot.mode()) {
                case PROTECTION_KEYS -> {
                    HARDWARE.clear(slot.id());
                    if (Libc.pkeyFree(slot.id()) != 0) {
                        // Only EINVAL (not allocated) is possible: a Warden bug.
                        throw new IllegalStateException("pkey_free(" + slot.id() + ") failed with " + Libc.lastErrno());
                    }
                }
                case MPROTECT, NONE -> STAND_IN.clear(slot.id());
            }
        }
    }
}
