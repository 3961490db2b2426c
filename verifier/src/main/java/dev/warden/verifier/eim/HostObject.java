package dev.warden.verifier.eim;

import dev.warden.eim.AccessOp;
import dev.warden.eim.CType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A piece of host memory an extension can address: what an entry's pointer argument points to
 * ({@code *r}), a host variable ({@code server}), or what a pointer field points to ({@code *r->hdr}). Its bytes are laid out as its C type; the
 * class's grants say which of them may be read and which written.
 *
 * @param name how messages name it: {@code *r} for an argument's pointee, {@code *r->hdr} for a
 *     pointer field's, the variable's name otherwise
 * @param root the name field paths start from ({@code r->} for an argument, {@code r->hdr->}
 *     through a pointer field, {@code server.} for a variable)
 */
public record HostObject(String name, Origin origin, String root, CType type, long size, List<ByteGrant> grants) {
    public HostObject {
        Objects.requireNonNull(name);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(root);
        Objects.requireNonNull(type);
        grants = List.copyOf(grants);
    }

    /**
     * Where the object comes from: an entry argument's pointee, a host variable, or what a
     * pointer field of another host object points to ({@code *r->hdr}, see {@link PointerField}).
     */
    public enum Origin { ARGUMENT, HOST_VARIABLE, FIELD }

    /**
     * Whether every byte of {@code [lo, hi)} lies in some grant of {@code op} (adjacent grants
     * together cover what none covers alone).
     */
    public boolean covered(AccessOp op, long lo, long hi) {
        long reached = lo;
        boolean progress = true;
        while (reached < hi && progress) {
            progress = false;
            for (ByteGrant g : grants) {
                if (g.op() == op && g.from() <= reached && g.to() > reached) {
                    reached = g.to();
                    progress = true;
                }
            }
        }
        return reached >= hi;
    }

    /** The maximal runs {@code [from, to)} of adjacent or overlapping grants of {@code op}, in offset order. */
    public List<long[]> runs(AccessOp op) {
        List<long[]> spans = new ArrayList<>();
        for (ByteGrant g : grants) {
            if (g.op() == op) {
                spans.add(new long[] {g.from(), g.to()});
            }
        }
        spans.sort(java.util.Comparator.comparingLong(x -> x[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] x : spans) {
            if (!out.isEmpty() && out.getLast()[1] >= x[0]) {
                out.getLast()[1] = Math.max(out.getLast()[1], x[1]);
            } else {
                out.add(new long[] {x[0], x[1]});
            }
        }
        return out;
    }

    /** The grants of {@code op}, in policy order. */
    public List<ByteGrant> grants(AccessOp op) {
        List<ByteGrant> out = new ArrayList<>();
        for (ByteGrant g : grants) {
            if (g.op() == op) {
                out.add(g);
            }
        }
        return out;
    }

    /** The write grants with value constraints that share a byte with {@code [lo, hi)}. */
    public List<ByteGrant> constrainedWrites(long lo, long hi) {
        List<ByteGrant> out = new ArrayList<>();
        for (ByteGrant g : grants) {
            if (g.op() == AccessOp.WRITE && !g.valueConstraints().isEmpty() && g.overlaps(lo, hi)) {
                out.add(g);
            }
        }
        return out;
    }
}
