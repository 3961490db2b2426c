package dev.warden.mpk;

import java.util.Locale;
import java.util.Optional;

/**
 * Entry point: probes the machine for memory protection keys and hands out key allocators.
 *
 * <p>The probe never harms the JVM. It calls {@code pkey_alloc} once, and only if that succeeds
 * does it read the thread's rights (on a CPU without protection keys glibc's
 * {@code pkey_get}/{@code pkey_set} execute an illegal instruction and the process dies with
 * SIGILL). The answer is computed once per process and cached: the kernel does not always undo a
 * failed allocation (on a CPU without keys the first {@code pkey_alloc} fails with EINVAL and
 * later ones with ENOSPC), so asking again could only muddle the reason.
 */
public final class ProtectionKeys {

    private ProtectionKeys() {}

    /** Whether this process can use memory protection keys, and if not, why. */
    public static Support probe() {
        return Probe.RESULT;
    }

    /**
     * An allocator that isolates with protection keys where {@link #probe()} says they are
     * supported, and otherwise with the given fallback, chosen by the caller and reported by
     * {@link KeyAllocator#isolation()}.
     */
    public static KeyAllocator allocator(Fallback fallback) {
        return switch (probe()) {
            case Support.Supported s ->
                new KeyAllocator(new Isolation(IsolationMode.PROTECTION_KEYS, "protection keys " + s.describe()));
            case Support.Unsupported u -> new KeyAllocator(new Isolation(fallback.mode(),
                "protection keys " + u.describe() + "; fallback " + fallback + ": " + fallback.consequence()));
        };
    }

    /**
     * An allocator that uses exactly the given mode, for tests and benchmarks that compare modes.
     *
     * @throws UnsupportedOperationException if the mode is {@link IsolationMode#PROTECTION_KEYS}
     *     and the probe says they are not supported (with the probe's reason)
     */
    public static KeyAllocator allocator(IsolationMode mode) {
        return switch (mode) {
            case PROTECTION_KEYS -> switch (probe()) {
                case Support.Supported s -> new KeyAllocator(new Isolation(mode, "protection keys " + s.describe()));
                case Support.Unsupported u -> throw new UnsupportedOperationException(
                    "protection keys " + u.describe());
            };
            case MPROTECT -> new KeyAllocator(new Isolation(mode, "chosen explicitly: " + Fallback.MPROTECT.consequence()));
            case NONE -> new KeyAllocator(new Isolation(mode, "chosen explicitly: " + Fallback.NONE.consequence()));
        };
    }

    private static final class Probe {
        static final Support RESULT = run();
    }

    private static Support run() {
        String os = System.getProperty("os.name", "unknown");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new Support.Unsupported("protection keys need Linux; this is " + os, Optional.empty());
        }
        String arch = System.getProperty("os.arch", "unknown");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            // glibc's pkey_get/pkey_set exist elsewhere too (e.g. POWER), untested by Warden.
            return new Support.Unsupported("Warden uses protection keys on x86-64 only; this is " + arch,
                Optional.empty());
        }
        try {
            if (!Libc.hasPkeyFunctions()) {
                return new Support.Unsupported(
                    "the C library has no pkey_alloc/pkey_set (glibc 2.27 or newer is needed)", Optional.empty());
            }
            int key = Libc.pkeyAlloc(0, 0);
            if (key < 0) {
                Errno e = Libc.lastErrno();
                return new Support.Unsupported(unsupportedReason(e), Optional.of(e));
            }
            // From here on the CPU has PKRU: reading it cannot fault.
            int rights = Libc.pkeyGet(key);
            Libc.pkeyFree(key);
            return new Support.Supported("pkey_alloc gave key " + key + ", rights " + rights
                + " on this thread; freed again");
        } catch (IllegalCallerException | ExceptionInInitializerError | NoClassDefFoundError e) {
            // --illegal-native-access=deny without --enable-native-access for this module.
            Module m = ProtectionKeys.class.getModule();
            return new Support.Unsupported("native access is not enabled for "
                + (m.isNamed() ? "module " + m.getName() : "the class path")
                + " (run java with --enable-native-access=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED") + ")",
                Optional.empty());
        }
    }

    /** pkey_alloc's errno, turned into a reason a user can act on. */
    static String unsupportedReason(Errno e) {
        return switch (e.value()) {
            case Errno.EINVAL -> "pkey_alloc failed with " + e
                + ": the CPU or the kernel does not enable protection keys (no 'pku'/'ospke' in /proc/cpuinfo flags)";
            case Errno.ENOSPC -> "pkey_alloc failed with " + e
                + ": no protection key is free (the CPU lacks them, or this process holds all of them)";
            case Errno.ENOSYS -> "pkey_alloc failed with " + e + ": the kernel has no pkey_alloc system call (Linux 4.9 or newer is needed)";
            default -> "pkey_alloc failed with " + e;
        };
    }
}
