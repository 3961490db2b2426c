package dev.warden.verifier.platform;

/** How closely a piece of platform data follows the kernel, so that a verdict can say how much it rests on. */
public enum DataQuality {
    /** Checked field by field against the kernel's own checks. */
    EXACT,
    /** Simplified where the kernel depends on more than this data holds (BTF, attach types); never more permissive on purpose. */
    BEST_EFFORT
}
