package dev.warden.verifier.eim;

import dev.warden.eim.AccessOp;
import java.math.BigInteger;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A run-time slice a class may read or write, in bytes of one host object: in a run where the
 * slice's length symbol has value {@code L}, the bytes {@code [start, offset + elementSize *
 * min(L, capacity))}. The lower end is fixed (a bound that varies counts at its greatest value:
 * only the elements inside the bounds for every run are granted), the upper end moves with
 * {@code L}, cut at the array's end for a slice of an array field.
 *
 * @param symbol   the length the upper bound is ({@link LengthSymbol#id})
 * @param start    the first granted byte
 * @param offset   where element 0 is
 * @param capacity the array's element count for a slice of an array field; empty for a buffer
 *                 behind a pointer argument, which the slice alone sizes
 * @param what     how the policy writes the grant ({@code read(data[0, len))})
 * @param where    the grant's place in the policy ({@code policy.eim:12})
 */
public record SliceGrant(AccessOp op, int symbol, long start, long offset, long elementSize, OptionalLong capacity, String what,
                         String where) {
    public SliceGrant {
        Objects.requireNonNull(op);
        Objects.requireNonNull(capacity);
        Objects.requireNonNull(what);
        Objects.requireNonNull(where);
        if (elementSize < 1 || start < offset) {
            throw new IllegalArgumentException(what + ": bad slice");
        }
    }

    /** The end of the granted bytes when the length is {@code length}: never below {@link #start}. */
    public long end(long length) {
        BigInteger l = BigInteger.valueOf(Math.max(0, length));
        if (capacity.isPresent()) {
            l = l.min(BigInteger.valueOf(capacity.getAsLong()));
        }
        BigInteger e = BigInteger.valueOf(offset).add(l.multiply(BigInteger.valueOf(elementSize)));
        return Math.max(start, e.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact());
    }
}
