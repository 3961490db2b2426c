package dev.warden.verifier.platform;

import java.util.Objects;
import java.util.Set;

/**
 * A kernel function the platform models: its name (its prototype is the target BTF's FUNC of that
 * name) and the kernel's flags for it ({@code linux-kfuncs.txt}).
 */
public record Kfunc(String name, Set<Flag> flags) {
    public Kfunc {
        Objects.requireNonNull(name);
        flags = Set.copyOf(flags);
        if (flags.contains(Flag.ACQUIRE) && flags.contains(Flag.RELEASE)) {
            throw new IllegalArgumentException(name + ": acquire and release at once");
        }
    }

    /** The kernel's KF_* flags that the verifier follows, and the RCU section markers. */
    public enum Flag { ACQUIRE, RELEASE, RET_NULL, RCU, RCU_LOCK, RCU_UNLOCK }

    public boolean has(Flag f) {
        return flags.contains(f);
    }
}
