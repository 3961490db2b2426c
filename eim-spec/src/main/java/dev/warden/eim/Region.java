package dev.warden.eim;

/**
 * A byte range: {@code size} bytes at {@code offset} within {@code base}.
 * @param base for an argument access, the pointer whose pointee holds the bytes ({@code r},
 *             {@code r->next}); for a host variable, the variable itself ({@code &cfg})
 */
public record Region(String base, long offset, long size) {

    /** True if every byte of this region lies in {@code other}. */
    public boolean within(Region other) {
        return base.equals(other.base) && offset >= other.offset && offset + size <= other.offset + other.size;
    }

    public String show() {
        return base + "[" + offset + ", " + (offset + size) + ")";
    }
}
