package dev.warden.verifier.platform;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One helper's contract, as data: its id and name in uapi {@code bpf.h}, its argument kinds (r1
 * upwards, at most five), what it returns, and whether it acquires or releases a reference.
 *
 * @param returnRange inclusive signed bounds of an {@link RetKind#INTEGER} result where the helper
 *     documents them (for example {@code bpf_get_prandom_u32}: {@code [0, 2^32-1]})
 * @param releasesArg the argument index (0-based) whose reference the helper releases, or -1
 */
public record HelperPrototype(int id, String name, List<ArgKind> args, RetKind ret, Optional<Range> returnRange,
                              int releasesArg) {
    public HelperPrototype {
        Objects.requireNonNull(name);
        args = List.copyOf(args);
        if (args.size() > 5) {
            throw new IllegalArgumentException(name + ": a helper takes at most five arguments");
        }
        Objects.requireNonNull(ret);
        Objects.requireNonNull(returnRange);
        if (releasesArg < -1 || releasesArg >= args.size()) {
            throw new IllegalArgumentException(name + ": released argument " + releasesArg + " out of range");
        }
    }

    /** Whether the result is a reference the program must release (sockets, ring buffer memory). */
    public boolean acquiresReference() {
        return switch (ret) {
            case SOCKET_OR_NULL, TCP_SOCK_OR_NULL, SOCK_COMMON_OR_NULL, ALLOC_MEM_OR_NULL -> true;
            default -> false;
        };
    }

    /** Inclusive signed bounds. */
    public record Range(long min, long max) {
        public Range {
            if (min > max) {
                throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
            }
        }
    }
}
