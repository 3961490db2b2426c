package dev.warden.runtime.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Internet checksum arithmetic of Linux's {@code include/net/checksum.h} on x86-64, as the
 * packet helpers use it: a {@code __wsum} is a 32-bit one's-complement partial sum, a
 * {@code __sum16} the folded, complemented 16 bits stored in a header. Values are the kernel's
 * in-memory ones: a header field or a {@code __be32} argument is the little-endian load of its
 * bytes, exactly what a BPF program holds after loading it, so no byte order is swapped here.
 *
 * <p>Java's trap: every value is carried in a {@code long} or {@code int} and masked to its C width;
 * unsigned comparison decides each carry.
 */
final class Checksums {
    private static final long MASK32 = 0xffff_ffffL;

    private Checksums() {}

    /**
     * {@code csum_partial(buf, len, seed)} as x86-64 computes it: 8-byte little-endian words (the
     * last zero-padded) added with end-around carry to the zero-extended seed, then the two halves
     * added with end-around carry. One's-complement addition is associative, so the 32-bit result
     * does not depend on how the kernel groups the words; only its zero is {@code 0} exactly when
     * every addend is 0, which end-around carry gives too.
     */
    static long partial(MemorySegment bytes, long seed) {
        long sum = seed & MASK32;
        long n = bytes.byteSize();
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            sum = add64(sum, bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, i));
        }
        if (i < n) {
            long tail = 0;
            for (int k = 0; i + k < n; k++) {
                tail |= (bytes.get(ValueLayout.JAVA_BYTE, i + k) & 0xffL) << (8 * k);
            }
            sum = add64(sum, tail);
        }
        return add32(sum >>> 32, sum & MASK32);
    }

    private static long add64(long a, long b) {
        long s = a + b;
        return Long.compareUnsigned(s, b) < 0 ? s + 1 : s;
    }

    /** {@code csum_add}: 32-bit addition with end-around carry. */
    static long add32(long a, long b) {
        long s = ((a & MASK32) + (b & MASK32));
        return (s & MASK32) + (s >>> 32) & MASK32;
    }

    /** {@code csum_sub(a, b)} = {@code csum_add(a, ~b)}. */
    static long sub32(long a, long b) {
        return add32(a, ~b & MASK32);
    }

    /** {@code csum_fold}: the 32-bit sum folded to 16 bits and complemented. */
    static int fold(long csum) {
        long s = csum & MASK32;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int) (~s & 0xffff);
    }

    /** {@code csum_from32to16}: the 32-bit sum folded to 16 bits, not complemented (bpf_csum_diff's result since 6.13). */
    static long from32to16(long csum) {
        long s = csum & MASK32;
        long rotated = (s >>> 16) | (s << 16) & MASK32;
        return ((s + rotated) & MASK32) >>> 16;
    }

    /** {@code csum_replace_by_diff}: a stored {@code __sum16} updated by a {@code __wsum} difference. */
    static int replaceByDiff(int sum16, long diff) {
        return fold(add32(diff, ~(sum16 & 0xffffL) & MASK32));
    }

    /** {@code csum_replace4}: a stored {@code __sum16} after a 32-bit field changed from {@code from} to {@code to}. */
    static int replace4(int sum16, long from, long to) {
        long tmp = sub32(~(sum16 & 0xffffL) & MASK32, from);
        return fold(add32(tmp, to));
    }

    /** {@code csum_replace2}: the same for a 16-bit field, in the kernel's 16-bit arithmetic ({@code csum16_add}). */
    static int replace2(int sum16, int from, int to) {
        return ~add16(add16(~sum16 & 0xffff, ~from & 0xffff), to & 0xffff) & 0xffff;
    }

    private static int add16(int a, int b) {
        int s = (a + b) & 0xffff;
        return s < (b & 0xffff) ? s + 1 & 0xffff : s;
    }

    /**
     * {@code inet_proto_csum_replace4} on an skb whose {@code ip_summed} is not
     * {@code CHECKSUM_PARTIAL} (always so here): the 8-byte {@code {~from, to}} summed onto the
     * complemented field, folded.
     */
    static int protoReplace4(int sum16, long from, long to) {
        long word = (to & MASK32) << 32 | (~from & MASK32);
        long seed = ~(sum16 & 0xffffL) & MASK32;
        long sum = add64(seed, word);
        return fold(add32(sum >>> 32, sum & MASK32));
    }
}
