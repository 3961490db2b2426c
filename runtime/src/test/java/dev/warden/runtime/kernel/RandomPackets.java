package dev.warden.runtime.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Random packets of a few shapes for the map differential tests: too short (an Ethernet header and
 * a truncated IP header), IPv4/TCP, IPv4/UDP, IPv6/UDP; addresses, ports and payload random.
 */
final class RandomPackets {
    private RandomPackets() {}

    enum Shape { TOO_SHORT, IPV4_TCP, IPV4_UDP, IPV6_UDP }

    static byte[] of(Shape shape, SplittableRandom r) {
        int payload = r.nextInt(48);
        return switch (shape) {
            case TOO_SHORT -> ethernet(r, 0x0800, 14 + r.nextInt(10)).array();
            case IPV4_TCP -> ipv4(r, 6, 20, payload);
            case IPV4_UDP -> ipv4(r, 17, 8, payload);
            case IPV6_UDP -> ipv6(r, payload);
        };
    }

    private static ByteBuffer ethernet(SplittableRandom r, int etherType, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
        byte[] macs = new byte[12];
        r.nextBytes(macs);
        b.put(macs).putShort((short) etherType);
        while (b.hasRemaining()) {
            b.put((byte) r.nextInt(256));
        }
        return b.position(14);
    }

    private static byte[] ipv4(SplittableRandom r, int protocol, int l4Header, int payload) {
        int total = 20 + l4Header + payload;
        ByteBuffer b = ethernet(r, 0x0800, 14 + total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) r.nextInt(65536)).putShort((short) 0x4000)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(r.nextInt()).putInt(r.nextInt());
        b.putShort((short) r.nextInt(65536)).putShort((short) r.nextInt(65536));
        return b.array();
    }

    private static byte[] ipv6(SplittableRandom r, int payload) {
        int l4 = 8 + payload;
        ByteBuffer b = ethernet(r, 0x86dd, 14 + 40 + l4);
        b.putInt(0x60000000).putShort((short) l4).put((byte) 17).put((byte) 64);
        b.position(14 + 40);
        b.putShort((short) r.nextInt(65536)).putShort((short) r.nextInt(65536)).putShort((short) l4);
        return b.array();
    }
}
