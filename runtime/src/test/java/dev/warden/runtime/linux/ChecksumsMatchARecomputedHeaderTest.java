package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The incremental updates the checksum helpers apply give the checksum a full recomputation
 * (RFC 1071, written here independently) gives, for random IPv4 headers whose address (4 bytes)
 * or TTL/protocol word (2 bytes) changes; and {@code bpf_csum_diff}'s fold of a known buffer is the
 * kernel selftest's value.
 */
class ChecksumsMatchARecomputedHeaderTest {
    /** RFC 1071 over big-endian 16-bit words, complemented; returned as the header stores it (network order). */
    private static int rfc1071(byte[] header) {
        long sum = 0;
        for (int i = 0; i < header.length; i += 2) {
            sum += (header[i] & 0xff) << 8 | header[i + 1] & 0xff;
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** A 16-bit field as a program loads it: little-endian. */
    private static int loadLe16(byte[] b, int at) {
        return b[at] & 0xff | (b[at + 1] & 0xff) << 8;
    }

    private static long loadLe32(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffff_ffffL;
    }

    private static byte[] header(SplittableRandom r) {
        byte[] h = new byte[20];
        r.nextBytes(h);
        h[10] = 0;
        h[11] = 0;
        int c = rfc1071(h);
        h[10] = (byte) (c >>> 8);
        h[11] = (byte) c;
        return h;
    }

    @Test
    void replacingFourAndTwoBytesAndADiffGivesTheRecomputedChecksum() {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 10_000; round++) {
            byte[] h = header(r);
            int sum = loadLe16(h, 10);
            byte[] changed = h.clone();
            int at = r.nextBoolean() ? 12 : 16;
            for (int k = 0; k < 4; k++) {
                changed[at + k] = (byte) r.nextInt(256);
            }
            changed[10] = 0;
            changed[11] = 0;
            int expected = Integer.reverseBytes(rfc1071(changed)) >>> 16; // as stored, loaded little-endian
            long from = loadLe32(h, at);
            long to = loadLe32(changed, at);
            assertEquals(expected, Checksums.replace4(sum, from, to), "csum_replace4");
            assertEquals(expected, Checksums.protoReplace4(sum, from, to), "inet_proto_csum_replace4");
            // A diff as a program computes it with bpf_csum_diff (not folded) feeds csum_replace_by_diff.
            long diff = Checksums.sub32(to, from);
            assertEquals(expected, Checksums.replaceByDiff(sum, diff), "csum_replace_by_diff");
            // Two bytes: the TTL/protocol word at 8.
            byte[] ttl = h.clone();
            ttl[8] = (byte) r.nextInt(256);
            ttl[10] = 0;
            ttl[11] = 0;
            int expected2 = Integer.reverseBytes(rfc1071(ttl)) >>> 16;
            assertEquals(expected2, Checksums.replace2(sum, loadLe16(h, 8), loadLe16(ttl, 8)), "csum_replace2");
        }
    }

    @Test
    void csumDiffFoldsAsTheKernelSelftestSays() {
        // tools/testing/selftests/bpf csum_diff_test: 0xdeadbeefdeadbeef pushed with seed 0 gives 0x3b3b.
        MemorySegment to = MemorySegment.ofArray(new byte[] {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde,
                (byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde});
        assertEquals(0x3b3b, Checksums.from32to16(Checksums.partial(to, 0)));
    }
}
