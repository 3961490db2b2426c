package dev.warden.eim;

/**
 * A fixed byte range: {@code size} bytes at {@code offset} within the target of {@code base}.
 * @param base for an argument access, the pointer whose pointee holds the bytes ({@code r},
 *             {@code r->next}); for a host variable, the variable itself ({@code &cfg}) or a
 *             pointer reached from it ({@code cfg.buf})
 */
public record Region(String base, long offset, long size) implements Span {

    /** True if every byte of this region lies in {@code other}. */
    public boolean within(Region other) {
        return base.equals(other.base) && offset >= other.offset && offset + size <= other.offset + other.size;
    }

    /**
     * True if every byte of this region lies in one of {@code grants} of the same base, or in
     * several adjacent ones together ({@code r[0, 4)} and {@code r[4, 8)} cover {@code r[2, 6)}).
     */
    public boolean coveredBy(java.util.Collection<Region> grants) {
        long end = offset + size;
        long reached = offset; // every byte in [offset, reached) is covered
        boolean progress = true;
        while (reached < end && progress) {
            progress = false;
            for (Region g : grants) {
                if (g.base.equals(base) && g.offset <= reached && g.offset + g.size > reached) {
                    reached = g.offset + g.size;
                    progress = true;
                }
            }
        }
        return reached >= end;
    }

    @Override
    public String show() {
        return base + "[" + offset + ", " + (offset + size) + ")";
    }
}
