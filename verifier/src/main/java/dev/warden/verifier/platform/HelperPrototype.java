package dev.warden.verifier.platform;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * One helper's contract, as data: its id and name in uapi {@code bpf.h}, its argument kinds (r1
 * upwards, at most five), what it returns, and whether it acquires or releases a reference.
 *
 * @param returnRange inclusive signed bounds of an {@link RetKind#INTEGER} result where the helper
 *     documents them (for example {@code bpf_get_prandom_u32}: {@code [0, 2^32-1]})
 * @param releasesArg the argument index (0-based) whose reference the helper releases, or -1
 * @param returnReference whether r0 is a new reference the program must release
 * @param fixedSizes argument index (0-based) to size in bytes, for memory arguments of a fixed size
 *     (ARG_PTR_TO_FIXED_SIZE_MEM); such an argument has no size argument after it
 * @param packetData whether the helper may move or reallocate packet data (the kernel's
 *     bpf_helper_changes_pkt_data), so that every packet pointer and range is void after it
 */
public record HelperPrototype(int id, String name, List<ArgKind> args, RetKind ret, Optional<Range> returnRange,
                              int releasesArg, ReturnReference returnReference, Map<Integer, Integer> fixedSizes,
                              PacketData packetData) {
    /** What a helper call does to the packet's layout. */
    public enum PacketData {
        /** Packet pointers stay valid across the call. */
        KEPT,
        /** The packet may move, grow or shrink: pointers into it and proved lengths are void. */
        CHANGED
    }

    public HelperPrototype {
        Objects.requireNonNull(packetData);
        Objects.requireNonNull(name);
        args = List.copyOf(args);
        if (args.size() > 5) {
            throw new IllegalArgumentException(name + ": a helper takes at most five arguments");
        }
        Objects.requireNonNull(ret);
        Objects.requireNonNull(returnRange);
        Objects.requireNonNull(returnReference);
        if (releasesArg < -1 || releasesArg >= args.size()) {
            throw new IllegalArgumentException(name + ": released argument " + releasesArg + " out of range");
        }
        if (returnRange.isPresent() && ret != RetKind.INTEGER) {
            throw new IllegalArgumentException(name + ": only an INTEGER result has a range");
        }
        for (Map.Entry<Integer, Integer> e : fixedSizes.entrySet()) {
            if (e.getKey() < 0 || e.getKey() >= args.size() || e.getValue() <= 0) {
                throw new IllegalArgumentException(name + ": fixed size " + e.getValue() + " for argument " + e.getKey());
            }
        }
        // A TreeMap copy keeps iteration in argument order.
        fixedSizes = Collections.unmodifiableMap(new TreeMap<>(fixedSizes));
    }

    /** A prototype of a helper that leaves packet pointers valid. */
    public HelperPrototype(int id, String name, List<ArgKind> args, RetKind ret, Optional<Range> returnRange,
                           int releasesArg, ReturnReference returnReference, Map<Integer, Integer> fixedSizes) {
        this(id, name, args, ret, returnRange, releasesArg, returnReference, fixedSizes, PacketData.KEPT);
    }

    /**
     * A prototype without fixed-size arguments, whose result is a reference exactly when its kind
     * is one only acquire functions return (a looked-up socket, ring buffer memory).
     */
    public HelperPrototype(int id, String name, List<ArgKind> args, RetKind ret, Optional<Range> returnRange,
                           int releasesArg) {
        this(id, name, args, ret, returnRange, releasesArg, switch (ret) {
            case SOCKET_OR_NULL, SOCK_COMMON_OR_NULL, ALLOC_MEM_OR_NULL -> ReturnReference.ACQUIRED;
            default -> ReturnReference.NONE;
        }, Map.of());
    }

    /** Whether the result is a reference the program must release (looked-up sockets, ring buffer memory). */
    public boolean acquiresReference() {
        return returnReference == ReturnReference.ACQUIRED;
    }

    /** The fixed size of a memory argument (0-based index), if it has one. */
    public OptionalInt fixedSize(int argIndex) {
        Integer size = fixedSizes.get(argIndex);
        return size == null ? OptionalInt.empty() : OptionalInt.of(size);
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
