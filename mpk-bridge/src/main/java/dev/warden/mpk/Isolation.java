package dev.warden.mpk;

/**
 * The isolation a {@link KeyAllocator} provides, and why it was chosen.
 *
 * @param mode how regions are protected
 * @param reason the probe's finding and, for a fallback, what it costs
 */
public record Isolation(IsolationMode mode, String reason) {

    /** {@code MPROTECT: protection keys not supported: ...; fallback MPROTECT: ...}. */
    public String describe() {
        return mode + ": " + reason;
    }
}
