package dev.warden.runtime.linux;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

/**
 * Well-formed packets for parsers to get deep into, drawn from a random source: an Ethernet frame
 * with no, one or two VLAN tags (802.1Q, 802.1ad), then ARP, IPv4 (sometimes with options, sometimes
 * a fragment) or IPv6 (sometimes behind a chain of hop-by-hop, routing, fragment and destination
 * options headers), then TCP (sometimes with options), UDP, ICMP or ICMPv6; ICMP errors carry the
 * start of an inner packet of the other kind's header stack, as translators (NAT64) read it. Every
 * length field, next-header chain and IPv4/L4 checksum is right; addresses come from a few
 * well-known ranges (private, loopback, the NAT64 prefix 64:ff9b::/96, link-local) or are random.
 * Only data: nothing here knows any one program.
 */
final class PacketShapes {
    static final int ETH_IPV4 = 0x0800, ETH_IPV6 = 0x86dd, ETH_ARP = 0x0806, ETH_VLAN = 0x8100, ETH_QINQ = 0x88a8;
    static final int TCP = 6, UDP = 17, ICMP = 1, ICMPV6 = 58;
    static final int HOP_BY_HOP = 0, ROUTING = 43, FRAGMENT = 44, DEST_OPTIONS = 60, NO_NEXT = 59;

    private final SplittableRandom rnd;

    PacketShapes(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    /** The next frame. */
    byte[] frame() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(mac());
        out.writeBytes(mac());
        int tags = rnd.nextInt(8) == 0 ? 1 + rnd.nextInt(2) : 0;
        if (tags == 2) {
            short16(out, ETH_QINQ);
            short16(out, rnd.nextInt(4096));
        }
        if (tags >= 1) {
            short16(out, ETH_VLAN);
            short16(out, rnd.nextInt(4096));
        }
        int kind = rnd.nextInt(16);
        if (kind == 0) {
            short16(out, ETH_ARP);
            out.writeBytes(arp());
        } else if (kind < 8) {
            short16(out, ETH_IPV4);
            out.writeBytes(ipv4(transport(rnd.nextInt(4) == 0 ? ICMP : rnd.nextBoolean() ? TCP : UDP, false), 2));
        } else {
            short16(out, ETH_IPV6);
            out.writeBytes(ipv6(transport(rnd.nextInt(4) == 0 ? ICMPV6 : rnd.nextBoolean() ? TCP : UDP, true), 2));
        }
        byte[] frame = out.toByteArray();
        // Now and then cut short, so that the bounds checks after each header are exercised too.
        return rnd.nextInt(10) == 0 ? java.util.Arrays.copyOf(frame, rnd.nextInt(frame.length + 1)) : frame;
    }

    /** A transport header and payload: {@code protocol}'s header, its checksum filled in later by the IP layer. */
    private Transport transport(int protocol, boolean v6) {
        return new Transport(protocol, switch (protocol) {
            case TCP -> tcp();
            case UDP -> udp();
            default -> icmp(v6);
        });
    }

    private record Transport(int protocol, byte[] bytes) {}

    private byte[] ipv4(Transport t, int depth) {
        int optionWords = rnd.nextInt(6) == 0 ? 1 + rnd.nextInt(3) : 0;
        int headerLength = 20 + 4 * optionWords;
        byte[] ip = new byte[headerLength + t.bytes().length];
        ip[0] = (byte) (0x40 | headerLength / 4);
        ip[1] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : 0);
        put16(ip, 2, ip.length);
        put16(ip, 4, rnd.nextInt(65536));
        int fragment = switch (rnd.nextInt(8)) {
            case 0 -> 0x2000; // more fragments, offset 0
            case 1 -> rnd.nextInt(0x2000) | (rnd.nextBoolean() ? 0x2000 : 0); // a later fragment
            case 2 -> 0x4000; // don't fragment
            default -> 0;
        };
        put16(ip, 6, fragment);
        ip[8] = (byte) new int[] {64, 1, 0, 255, rnd.nextInt(256)}[rnd.nextInt(5)];
        ip[9] = (byte) t.protocol();
        byte[] src = ipv4Address();
        byte[] dst = ipv4Address();
        System.arraycopy(src, 0, ip, 12, 4);
        System.arraycopy(dst, 0, ip, 16, 4);
        for (int i = 20; i < headerLength; i++) {
            ip[i] = 1; // NOP options
        }
        System.arraycopy(t.bytes(), 0, ip, headerLength, t.bytes().length);
        put16(ip, 10, fold(sum(ip, 0, headerLength, 0)));
        finishTransport(ip, headerLength, t, pseudoV4(src, dst, t), depth);
        return ip;
    }

    private byte[] ipv6(Transport t, int depth) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        int next = t.protocol();
        int chain = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0;
        int[] kinds = {HOP_BY_HOP, ROUTING, FRAGMENT, DEST_OPTIONS};
        // Built back to front, so each header names the one after it.
        java.util.List<byte[]> headers = new java.util.ArrayList<>();
        for (int i = 0; i < chain; i++) {
            int kind = i == chain - 1 && rnd.nextBoolean() ? HOP_BY_HOP : kinds[rnd.nextInt(kinds.length)];
            byte[] h = extensionHeader(kind, next);
            headers.addFirst(h);
            next = kind;
        }
        headers.forEach(ext::writeBytes);
        byte[] extBytes = ext.toByteArray();
        byte[] ip = new byte[40 + extBytes.length + t.bytes().length];
        ip[0] = 0x60;
        ip[1] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : 0);
        put16(ip, 4, ip.length - 40);
        ip[6] = (byte) next;
        ip[7] = (byte) new int[] {64, 1, 0, 255}[rnd.nextInt(4)];
        byte[] src = ipv6Address();
        byte[] dst = ipv6Address();
        System.arraycopy(src, 0, ip, 8, 16);
        System.arraycopy(dst, 0, ip, 24, 16);
        System.arraycopy(extBytes, 0, ip, 40, extBytes.length);
        int l4 = 40 + extBytes.length;
        System.arraycopy(t.bytes(), 0, ip, l4, t.bytes().length);
        finishTransport(ip, l4, t, pseudoV6(src, dst, t), depth);
        return ip;
    }

    private byte[] extensionHeader(int kind, int next) {
        byte[] h;
        if (kind == FRAGMENT) {
            h = new byte[8];
            put16(h, 2, rnd.nextInt(4) == 0 ? rnd.nextInt(65536) : rnd.nextInt(2)); // offset and M flag
            put32(h, 4, rnd.nextInt());
        } else {
            int units = rnd.nextInt(3);
            h = new byte[8 * (units + 1)];
            h[1] = (byte) units;
            if (kind == ROUTING) {
                h[2] = (byte) rnd.nextInt(5); // routing type
                h[3] = (byte) rnd.nextInt(3); // segments left
            } else {
                h[2] = 1; // a PadN option covering the rest
                h[3] = (byte) (h.length - 4);
            }
        }
        h[0] = (byte) next;
        return h;
    }

    private byte[] tcp() {
        int optionWords = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(4) : 0;
        byte[] h = new byte[20 + 4 * optionWords + payloadLength()];
        rnd.nextBytes(h);
        put16(h, 0, port());
        put16(h, 2, port());
        h[12] = (byte) ((5 + optionWords) << 4);
        h[13] = (byte) new int[] {0x02, 0x10, 0x12, 0x11, 0x04, 0x18, rnd.nextInt(256)}[rnd.nextInt(7)];
        for (int i = 20; i < 20 + 4 * optionWords; i++) {
            h[i] = 1; // NOP
        }
        if (optionWords > 0 && rnd.nextBoolean()) {
            h[20] = 2; // MSS
            h[21] = 4;
        }
        return h;
    }

    private byte[] udp() {
        byte[] h = new byte[8 + payloadLength()];
        rnd.nextBytes(h);
        put16(h, 0, port());
        put16(h, 2, port());
        put16(h, 4, h.length);
        return h;
    }

    /** ICMP or ICMPv6: echo, or an error quoting an inner packet of the same family (translators rewrite both). */
    private byte[] icmp(boolean v6) {
        int[] echo = v6 ? new int[] {128, 129} : new int[] {8, 0};
        int[] errors = v6 ? new int[] {1, 2, 3, 4} : new int[] {3, 11, 12, 4, 5};
        int[] neighbour = v6 ? new int[] {133, 134, 135, 136} : new int[] {13, 14};
        int type = switch (rnd.nextInt(6)) {
            case 0, 1 -> echo[rnd.nextInt(echo.length)];
            case 2, 3 -> errors[rnd.nextInt(errors.length)];
            case 4 -> neighbour[rnd.nextInt(neighbour.length)];
            default -> rnd.nextInt(256);
        };
        byte[] inner = new byte[0];
        boolean error = java.util.Arrays.stream(errors).anyMatch(e -> e == type);
        if (error) {
            Transport t = transport(rnd.nextBoolean() ? TCP : rnd.nextBoolean() ? UDP : v6 ? ICMPV6 : ICMP, v6);
            // The quoted packet is depth 0: its transport checksum left as drawn, as a router would quote a packet in flight.
            inner = v6 ? ipv6(t, 0) : ipv4(t, 0);
            if (rnd.nextInt(3) == 0) {
                inner = java.util.Arrays.copyOf(inner, Math.min(inner.length, (v6 ? 48 : 28) + rnd.nextInt(16)));
            }
        }
        byte[] payload = new byte[error ? 0 : payloadLength()];
        rnd.nextBytes(payload);
        byte[] h = new byte[8 + inner.length + payload.length];
        h[0] = (byte) type;
        h[1] = (byte) (rnd.nextInt(3) == 0 ? rnd.nextInt(16) : 0);
        put32(h, 4, rnd.nextInt());
        if (type == 3 || type == 2) {
            put16(h, 6, rnd.nextBoolean() ? 1280 : 1500); // next-hop MTU / packet too big
        }
        System.arraycopy(inner, 0, h, 8, inner.length);
        System.arraycopy(payload, 0, h, 8 + inner.length, payload.length);
        return h;
    }

    private byte[] arp() {
        byte[] a = new byte[28];
        put16(a, 0, 1);
        put16(a, 2, ETH_IPV4);
        a[4] = 6;
        a[5] = 4;
        put16(a, 6, 1 + rnd.nextInt(2));
        System.arraycopy(mac(), 0, a, 8, 6);
        System.arraycopy(ipv4Address(), 0, a, 14, 4);
        System.arraycopy(ipv4Address(), 0, a, 24, 4);
        return a;
    }

    /** Fills in the transport checksum (TCP, UDP, ICMPv6 over the pseudo-header; ICMP over itself) at depth > 0. */
    private void finishTransport(byte[] ip, int at, Transport t, long pseudo, int depth) {
        if (depth == 0) {
            return;
        }
        int length = t.bytes().length;
        int offset = switch (t.protocol()) {
            case TCP -> 16;
            case UDP -> 6;
            default -> 2;
        };
        if (offset + 2 > length) {
            return;
        }
        put16(ip, at + offset, 0);
        long start = t.protocol() == ICMP ? 0 : pseudo;
        int sum = fold(sum(ip, at, length, start));
        put16(ip, at + offset, t.protocol() == UDP && sum == 0 ? 0xffff : sum);
    }

    private static long pseudoV4(byte[] src, byte[] dst, Transport t) {
        long s = sum(src, 0, 4, 0);
        s = sum(dst, 0, 4, s);
        return s + t.protocol() + t.bytes().length;
    }

    private static long pseudoV6(byte[] src, byte[] dst, Transport t) {
        long s = sum(src, 0, 16, 0);
        s = sum(dst, 0, 16, s);
        return s + t.protocol() + t.bytes().length;
    }

    private int payloadLength() {
        return switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(8);
            default -> rnd.nextInt(64);
        };
    }

    private int port() {
        int[] known = {53, 80, 443, 22, 123, 67, 68, 8080, 0, 65535};
        return rnd.nextBoolean() ? known[rnd.nextInt(known.length)] : rnd.nextInt(65536);
    }

    private byte[] mac() {
        byte[] m = new byte[6];
        switch (rnd.nextInt(4)) {
            case 0 -> java.util.Arrays.fill(m, (byte) 0xff); // broadcast
            case 1 -> { } // zero
            default -> {
                rnd.nextBytes(m);
                m[0] &= (byte) 0xfe; // unicast
            }
        }
        return m;
    }

    private byte[] ipv4Address() {
        byte[] a = new byte[4];
        rnd.nextBytes(a);
        switch (rnd.nextInt(6)) {
            case 0 -> a[0] = 10;
            case 1 -> { a[0] = (byte) 192; a[1] = (byte) 168; }
            case 2 -> { a[0] = 127; a[1] = 0; a[2] = 0; a[3] = 1; }
            case 3 -> { a[0] = (byte) 0xff; a[1] = (byte) 0xff; a[2] = (byte) 0xff; a[3] = (byte) 0xff; }
            default -> { }
        }
        return a;
    }

    private byte[] ipv6Address() {
        byte[] a = new byte[16];
        rnd.nextBytes(a);
        switch (rnd.nextInt(6)) {
            case 0, 1 -> { // 64:ff9b::/96, the well-known NAT64 prefix, with an IPv4 address embedded
                java.util.Arrays.fill(a, 0, 12, (byte) 0);
                a[1] = 0x64;
                a[2] = (byte) 0xff;
                a[3] = (byte) 0x9b;
                System.arraycopy(ipv4Address(), 0, a, 12, 4);
            }
            case 2 -> { // fe80::/64, link-local
                java.util.Arrays.fill(a, 0, 8, (byte) 0);
                a[0] = (byte) 0xfe;
                a[1] = (byte) 0x80;
            }
            case 3 -> { // ::1
                java.util.Arrays.fill(a, (byte) 0);
                a[15] = 1;
            }
            case 4 -> { // ::ffff:a.b.c.d, IPv4-mapped
                java.util.Arrays.fill(a, 0, 10, (byte) 0);
                a[10] = (byte) 0xff;
                a[11] = (byte) 0xff;
            }
            default -> { }
        }
        return a;
    }

    /** The one's-complement sum of big-endian 16-bit words (RFC 1071), carries kept above bit 16 until folded. */
    private static long sum(byte[] b, int at, int length, long start) {
        long s = start;
        for (int i = 0; i + 1 < length; i += 2) {
            s += (b[at + i] & 0xff) << 8 | (b[at + i + 1] & 0xff);
        }
        if ((length & 1) != 0) {
            s += (b[at + length - 1] & 0xff) << 8;
        }
        return s;
    }

    /** The sum folded to 16 bits and complemented: the value a header stores. */
    private static int fold(long s) {
        while (s >>> 16 != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) ~s & 0xffff;
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void put32(byte[] b, int at, int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }
}
