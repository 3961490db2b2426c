package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The structure-aware packets ({@link PacketShapes}) read back by a parser written here: every frame
 * not deliberately cut short has its VLAN tags, IPv4 header length, total length and header
 * checksum, IPv6 payload length and extension-header chain, UDP length, TCP data offset and
 * transport checksum right, and the draws reach every kind of header the class promises.
 */
class PacketShapesAreWellFormedTest {
    private final Map<String, Integer> seen = new TreeMap<>();

    @Test
    void everyWholeFrameParsesAndEveryKindOfHeaderAppears() {
        PacketShapes shapes = new PacketShapes(new SplittableRandom(3));
        int whole = 0;
        int frames = 4000;
        for (int i = 0; i < frames; i++) {
            byte[] f = shapes.frame();
            if (parseEthernet(f)) {
                whole++;
            }
        }
        assertTrue(whole > frames * 8 / 10, "only " + whole + " of " + frames + " frames were whole: " + seen);
        for (String kind : new String[] {"vlan", "qinq", "arp", "ipv4", "ipv4 options", "ipv4 fragment", "ipv6",
            "ext 0", "ext 43", "ext 44", "ext 60", "tcp", "tcp options", "udp", "icmp", "icmp error", "icmpv6",
            "icmpv6 error"}) {
            assertTrue(seen.getOrDefault(kind, 0) > 0, "no " + kind + " in " + seen);
        }
    }

    @Test
    void theParserHereCatchesAWrongChecksum() {
        PacketShapes shapes = new PacketShapes(new SplittableRandom(4));
        byte[] f;
        do {
            f = shapes.frame();
        } while (f.length < 40 || u16(f, 12) != PacketShapes.ETH_IPV4 || !parseEthernet(f));
        f[14 + 8] ^= 1; // the TTL, under the header checksum
        byte[] broken = f;
        org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class, () -> parseEthernet(broken));
    }

    /** Whether {@code f} is a whole frame; asserts every field of one that is. */
    private boolean parseEthernet(byte[] f) {
        if (f.length < 14) {
            return false;
        }
        int at = 12;
        int type = u16(f, at);
        if (type == PacketShapes.ETH_QINQ) {
            count("qinq");
            at += 4;
            if (at + 2 > f.length) {
                return false;
            }
            type = u16(f, at);
            assertEquals(PacketShapes.ETH_VLAN, type, "an 802.1ad tag is followed by an 802.1Q one");
        }
        if (type == PacketShapes.ETH_VLAN) {
            count("vlan");
            at += 4;
            if (at + 2 > f.length) {
                return false;
            }
            type = u16(f, at);
        }
        at += 2;
        return switch (type) {
            case PacketShapes.ETH_ARP -> {
                count("arp");
                yield f.length == at + 28;
            }
            case PacketShapes.ETH_IPV4 -> ipv4(f, at, f.length - at, true);
            case PacketShapes.ETH_IPV6 -> ipv6(f, at, f.length - at, true);
            default -> throw new AssertionError("EtherType " + Integer.toHexString(type));
        };
    }

    private boolean ipv4(byte[] f, int at, int length, boolean outer) {
        if (length < 20) {
            return false;
        }
        count("ipv4");
        assertEquals(4, (f[at] & 0xff) >> 4);
        int ihl = 4 * (f[at] & 0xf);
        assertTrue(ihl >= 20);
        if (ihl > 20) {
            count("ipv4 options");
        }
        int total = u16(f, at + 2);
        if (total != length || length < ihl) {
            return false;
        }
        if ((u16(f, at + 6) & 0x3fff) != 0) {
            count("ipv4 fragment");
        }
        assertEquals(0xffff, sum(f, at, ihl, 0), "IPv4 header checksum");
        long pseudo = sum(f, at + 12, 8, 0) + (f[at + 9] & 0xff) + (total - ihl);
        return transport(f, f[at + 9] & 0xff, at + ihl, total - ihl, pseudo, false, outer);
    }

    private boolean ipv6(byte[] f, int at, int length, boolean outer) {
        if (length < 40) {
            return false;
        }
        count("ipv6");
        assertEquals(6, (f[at] & 0xff) >> 4);
        if (u16(f, at + 4) != length - 40) {
            return false;
        }
        int next = f[at + 6] & 0xff;
        int l4 = at + 40;
        while (next == PacketShapes.HOP_BY_HOP || next == PacketShapes.ROUTING || next == PacketShapes.FRAGMENT
                || next == PacketShapes.DEST_OPTIONS) {
            count("ext " + next);
            int size = next == PacketShapes.FRAGMENT ? 8 : 8 * ((f[l4 + 1] & 0xff) + 1);
            next = f[l4] & 0xff;
            l4 += size;
        }
        int payload = at + length - l4;
        long pseudo = sum(f, at + 8, 32, 0) + next + payload;
        return transport(f, next, l4, payload, pseudo, true, outer);
    }

    private boolean transport(byte[] f, int protocol, int at, int length, long pseudo, boolean v6, boolean outer) {
        switch (protocol) {
            case PacketShapes.TCP -> {
                count("tcp");
                int offset = 4 * ((f[at + 12] & 0xff) >> 4);
                assertTrue(offset >= 20 && offset <= length, "TCP data offset " + offset + " of " + length);
                if (offset > 20) {
                    count("tcp options");
                }
            }
            case PacketShapes.UDP -> {
                count("udp");
                assertEquals(length, u16(f, at + 4), "UDP length");
            }
            case PacketShapes.ICMP, PacketShapes.ICMPV6 -> {
                String name = protocol == PacketShapes.ICMP ? "icmp" : "icmpv6";
                count(name);
                int type = f[at] & 0xff;
                boolean error = v6 ? type >= 1 && type <= 4 : type == 3 || type == 11 || type == 12 || type == 4 || type == 5;
                if (error && length > 8) {
                    count(name + " error");
                }
            }
            default -> throw new AssertionError("protocol " + protocol);
        }
        if (outer) {
            // The outer packet's transport checksum is filled in; a quoted inner packet's need not be.
            long start = protocol == PacketShapes.ICMP ? 0 : pseudo;
            assertEquals(0xffff, sum(f, at, length, start), "the checksum of protocol " + protocol);
        }
        return true;
    }

    private void count(String kind) {
        seen.merge(kind, 1, Integer::sum);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    /** The folded one's-complement sum, not complemented: 0xffff over a region whose checksum is right. */
    private static int sum(byte[] b, int at, int length, long start) {
        long s = start;
        for (int i = 0; i + 1 < length; i += 2) {
            s += u16(b, at + i);
        }
        if ((length & 1) != 0) {
            s += (b[at + length - 1] & 0xff) << 8;
        }
        while (s >>> 16 != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }
}
