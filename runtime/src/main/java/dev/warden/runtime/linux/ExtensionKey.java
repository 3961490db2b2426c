package dev.warden.runtime.linux;

import dev.warden.mpk.Fallback;
import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.MpkException;
import dev.warden.mpk.ProtectionKey;
import dev.warden.mpk.ProtectionKeys;
import java.util.EnumMap;
import java.util.Map;

/**
 * The process's protection key for extension-owned memory (KFlex heaps, map values), one per isolation mode,
 * allocated on first use and kept for the life of the process. One key serves every extension:
 * keys are scarce (15 per process), and sharing one costs no safety, since an extension reaches
 * only its own heap and maps (its regions, and the guard that confines heap pointers); the key protects
 * that memory from the host, outside extension runs (docs/mpk.md).
 */
final class ExtensionKey {
    private static final Map<IsolationMode, ProtectionKey> KEYS = new EnumMap<>(IsolationMode.class);

    private ExtensionKey() {}

    /** Protection keys where the CPU and kernel have them; elsewhere no isolation (the explicit fallback {@code warden doctor} reports). */
    static IsolationMode defaultMode() {
        return ProtectionKeys.allocator(Fallback.NONE).isolation().mode();
    }

    /**
     * The key of {@code mode}.
     *
     * @throws IllegalArgumentException for {@link IsolationMode#PROTECTION_KEYS} where the probe
     *     finds none (with its reason), or when no key is left
     */
    static synchronized ProtectionKey of(IsolationMode mode) {
        ProtectionKey k = KEYS.get(mode);
        if (k == null) {
            try {
                k = ProtectionKeys.allocator(mode).allocate();
            } catch (UnsupportedOperationException | MpkException e) {
                throw new IllegalArgumentException("cannot isolate extension memory with " + mode + ": " + e.getMessage(), e);
            }
            KEYS.put(mode, k);
        }
        return k;
    }
}
