package dev.warden.vm;

/**
 * A range of native memory a program may address: {@code [base, base + size)}. Registers hold
 * real addresses, so {@code base} is the address the program sees.
 *
 * @param name what the region is, for fault messages ("stack frame 0", "input", "map value")
 */
public record Region(long base, long size, Access access, String name) {
    public Region {
        if (size < 0) {
            throw new IllegalArgumentException("region size " + size + " is negative");
        }
        if (base + size < base && base + size != 0) {
            throw new IllegalArgumentException("region " + name + " wraps around the address space");
        }
    }

    /** Whether {@code [address, address + length)} lies inside the region. */
    public boolean contains(long address, int length) {
        // Unsigned: an address below base wraps to a huge offset and is rejected.
        long offset = address - base;
        return length <= size && Long.compareUnsigned(offset, size - length) <= 0;
    }

    /** One past the last byte. */
    public long end() {
        return base + size;
    }

    @Override
    public String toString() {
        return name + " [0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + size) + ")";
    }
}
