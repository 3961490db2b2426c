package dev.warden.verifier.eim;

import dev.warden.verifier.state.Nullness;
import java.util.Objects;

/**
 * A pointer field of a host object that the class reaches through: the 8 bytes at {@code offset}
 * of host object {@code parent} hold the address of host object {@code target}. An aligned 8-byte
 * load of exactly those bytes gives the extension a pointer to {@code target}; any other load of
 * them (partial, at an unknown offset) gives a plain number, and no store may change them.
 *
 * @param path the pointer as the policy writes it ({@code r->hdr}, {@code r->hdr->next})
 * @param nullness {@link Nullness#NOT_NULL} when the entry promises {@code non_null(path)} (the
 *     runtime checks the promise before the run), otherwise {@link Nullness#MAYBE_NULL}: the
 *     extension must compare the loaded pointer with NULL before using it
 */
public record PointerField(int parent, long offset, int target, String path, Nullness nullness) {
    /** The size of a pointer in host memory (the host is 64-bit, as eBPF is). */
    public static final long SIZE = 8;

    public PointerField {
        Objects.requireNonNull(path);
        Objects.requireNonNull(nullness);
    }

    /** Whether {@code [lo, hi)} of the parent shares a byte with the pointer. */
    public boolean overlaps(long lo, long hi) {
        return lo < offset + SIZE && offset < hi;
    }
}
