package dev.warden.isa.elf;

import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked little-endian view of a byte range of the object file. Every read names what
 * it reads, so a short file gives a located {@link ElfFormatException} instead of an
 * {@code IndexOutOfBoundsException}. Offsets are relative to the view; errors report file offsets.
 */
final class Bytes {
    private final byte[] data;
    private final int base;
    private final int length;
    private final String section;

    private Bytes(byte[] data, int base, int length, String section) {
        this.data = data;
        this.base = base;
        this.length = length;
        this.section = section;
    }

    static Bytes of(byte[] data) {
        return new Bytes(data, 0, data.length, "");
    }

    int length() {
        return length;
    }

    /** File offset of {@code at}, for error messages. */
    long fileOffset(long at) {
        // Clamped: a wild 64-bit offset from a header must not overflow the reported position.
        return base + Math.min(Math.max(0, at), length);
    }

    String section() {
        return section;
    }

    /**
     * The sub-range {@code [at, at + size)}, named after {@code section}; sizes are longs because
     * ELF headers hold 64-bit values that must be checked before any narrowing to int.
     */
    Bytes slice(long at, long size, String section, String what) throws ElfFormatException {
        require(at, size, what);
        return new Bytes(data, base + (int) at, (int) size, section);
    }

    Bytes slice(long at, long size, String what) throws ElfFormatException {
        return slice(at, size, section, what);
    }

    int u8(long at, String what) throws ElfFormatException {
        require(at, 1, what);
        return data[base + (int) at] & 0xff;
    }

    int u16(long at, String what) throws ElfFormatException {
        require(at, 2, what);
        int i = base + (int) at;
        return (data[i] & 0xff) | (data[i + 1] & 0xff) << 8;
    }

    /** A 32-bit field as an int (callers treat it as unsigned where the format says so). */
    int u32(long at, String what) throws ElfFormatException {
        require(at, 4, what);
        int i = base + (int) at;
        return (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
    }

    /** A 32-bit unsigned field widened to long, for sizes and offsets. */
    long u32l(long at, String what) throws ElfFormatException {
        return u32(at, what) & 0xffff_ffffL;
    }

    long u64(long at, String what) throws ElfFormatException {
        require(at, 8, what);
        return (u32(at, what) & 0xffff_ffffL) | (long) u32(at + 4, what) << 32;
    }

    byte[] copy(long at, long size, String what) throws ElfFormatException {
        require(at, size, what);
        byte[] out = new byte[(int) size];
        System.arraycopy(data, base + (int) at, out, 0, (int) size);
        return out;
    }

    /** The NUL-terminated string at {@code at}; a missing terminator is an error. */
    String cString(long at, String what) throws ElfFormatException {
        if (at < 0 || at >= length) {
            throw error(at, what + ": string index " + at + " is outside the string table (size " + length + ")");
        }
        int start = base + (int) at;
        int end = start;
        int limit = base + length;
        while (end < limit && data[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw error(at, what + ": string at index " + at + " is not NUL-terminated");
        }
        return new String(data, start, end - start, StandardCharsets.UTF_8);
    }

    ElfFormatException error(long at, String message) {
        return new ElfFormatException(new ElfError(fileOffset(at), section, message));
    }

    /** Checks that {@code [at, at + size)} lies in the view; written so that no sum overflows. */
    private void require(long at, long size, String what) throws ElfFormatException {
        if (at < 0 || size < 0 || at > length || size > length - at) {
            throw error(at, "truncated " + what + ": needs " + size + " bytes at offset " + at
                    + " but " + (section.isEmpty() ? "the file" : "the section") + " has " + length);
        }
    }
}
