package dev.warden.runtime.linux;

import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.ProtectionKey;
import dev.warden.mpk.WriteScope;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How code outside extension runs reaches an object's map values when they are under the
 * extension key ({@link ValueSlots}): a host write opens a write scope of the key around itself;
 * a host read needs none, except under {@link IsolationMode#PROTECTION_KEYS}, where a thread may
 * have no rights to the key at all (Linux gives a thread that did not set them none), so the read
 * opens a scope too, which restores the thread's rights afterwards (also inside a run, where a
 * host function may read a map). Without isolation both run the operation directly.
 *
 * <p>Runs open the key's scope themselves ({@link LinuxCpu}), for the whole invocation with its
 * helpers, tail calls and loop callbacks, so nothing here is on a run's path.
 */
final class MapProtection {
    /** No isolation: every operation runs directly. */
    static final MapProtection NONE = new MapProtection(Optional.empty());

    private final Optional<ProtectionKey> key;
    private final boolean readsNeedAScope;

    private MapProtection(Optional<ProtectionKey> key) {
        this.key = key;
        this.readsNeedAScope = key.isPresent() && key.get().mode() == IsolationMode.PROTECTION_KEYS;
    }

    /** Map values tagged with {@code key}: writable only inside its scopes. */
    static MapProtection under(ProtectionKey key) {
        return key.mode() == IsolationMode.NONE ? NONE : new MapProtection(Optional.of(key));
    }

    IsolationMode mode() {
        return key.map(ProtectionKey::mode).orElse(IsolationMode.NONE);
    }

    /** The key a run must open, when the values are isolated. */
    Optional<ProtectionKey> key() {
        return key;
    }

    /**
     * Whether a host write must open a scope: hot callers test this first, so that without
     * isolation they neither allocate the operation's lambda nor call through it.
     */
    boolean writesNeedAScope() {
        return key.isPresent();
    }

    /** Whether a host read must open a scope (only under protection keys). */
    boolean readsNeedAScope() {
        return readsNeedAScope;
    }

    /** Runs a host write to the values. */
    long write(LongSupplier operation) {
        if (key.isEmpty()) {
            return operation.getAsLong();
        }
        try (WriteScope w = key.get().openWrite()) {
            return operation.getAsLong();
        }
    }

    /** Runs a host write to the values that gives back a result. */
    <T> T writeAndGet(Supplier<T> operation) {
        if (key.isEmpty()) {
            return operation.get();
        }
        try (WriteScope w = key.get().openWrite()) {
            return operation.get();
        }
    }

    /** Runs a host read of the values. */
    <T> T read(Supplier<T> operation) {
        if (!readsNeedAScope) {
            return operation.get();
        }
        try (WriteScope w = key.get().openWrite()) {
            return operation.get();
        }
    }
}
