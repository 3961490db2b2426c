package dev.warden.verifier.eim;

import dev.warden.eim.AccessOp;
import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import java.util.List;
import java.util.Objects;

/**
 * Bytes {@code [from, to)} of a host object that a class may read or write, from one item of its
 * {@code allowed} set: {@code read(r)}, {@code write(r->status)}, or a state capability.
 *
 * @param what how the policy names the grant ({@code write(r->status)}, {@code setFsyncPolicy})
 * @param valueType the type of the written field, which {@code value} has in the constraints
 * @param valueConstraints what a write must store (a state capability's constraints on {@code value})
 * @param where the grant's place in the policy ({@code policy.eim:12})
 */
public record ByteGrant(AccessOp op, long from, long to, String what, CType valueType, List<Expr> valueConstraints,
                        String where) {
    public ByteGrant {
        Objects.requireNonNull(op);
        Objects.requireNonNull(what);
        Objects.requireNonNull(valueType);
        valueConstraints = List.copyOf(valueConstraints);
        Objects.requireNonNull(where);
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException(what + ": empty byte range [" + from + ", " + to + ")");
        }
    }

    /** Whether {@code [lo, hi)} lies inside this grant. */
    public boolean covers(long lo, long hi) {
        return from <= lo && hi <= to;
    }

    /** Whether {@code [lo, hi)} shares a byte with this grant. */
    public boolean overlaps(long lo, long hi) {
        return lo < to && from < hi;
    }
}
