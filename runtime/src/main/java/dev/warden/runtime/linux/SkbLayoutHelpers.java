package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.PacketAccess.EALREADY;
import static dev.warden.runtime.linux.PacketAccess.ENOTSUPP;
import static dev.warden.runtime.linux.PacketAccess.ETH_HLEN;
import static dev.warden.runtime.linux.PacketAccess.ETH_P_IP;
import static dev.warden.runtime.linux.PacketAccess.ETH_P_IPV6;
import static dev.warden.runtime.linux.PacketAccess.MASK32;

import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.OptionalInt;

/**
 * Linux's helpers that change an skb's layout: its tail and head, room at the MAC or network
 * header (encapsulation), IPv4/IPv6 translation, VLAN tags in and out of the packet, and its type.
 */
final class SkbLayoutHelpers {
    /** {@code __bpf_skb_max_len}: the device's MTU plus its header. */
    private static final long SKB_MAX_LEN = PacketAccess.MTU + PacketAccess.ETH_HLEN;
    /** {@code BPF_SKB_MAX_LEN} ({@code SKB_MAX_ALLOC}: four pages less the shared info): what {@code bpf_skb_adjust_room} may grow to. */
    private static final long ADJUST_ROOM_MAX_LEN = (4096 << 2) - 320;
    private static final int ETH_P_8021Q = 0x0081;
    private static final int ETH_P_8021AD = 0xa888;

    private final PacketAccess p;

    SkbLayoutHelpers(PacketAccess p) {
        this.p = p;
    }

    /** {@code base} with these helpers added. */
    Helpers add(Helpers base) {
        return base
                .with(18, "skb_vlan_push", this::skbVlanPush)
                .with(19, "skb_vlan_pop", this::skbVlanPop)
                .with(31, "skb_change_proto", this::skbChangeProto)
                .with(32, "skb_change_type", this::skbChangeType)
                .with(38, "skb_change_tail", this::skbChangeTail)
                .with(39, "skb_pull_data", this::skbPullData)
                .with(43, "skb_change_head", this::skbChangeHead)
                .with(50, "skb_adjust_room", this::skbAdjustRoom);
    }


    /** {@code __bpf_skb_min_len}: the network header (the transport header is never set in a test run). */
    private long minLength() {
        return Math.max(p.state.skb.networkOffset, 0);
    }

    private long skbChangeTail(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_change_tail");
        long newLength = r2 & MASK32;
        if (r3 != 0 || newLength > SKB_MAX_LEN || newLength < minLength()) {
            return -Errno.EINVAL;
        }
        if (p.state.skb.encapsulated) {
            return -ENOTSUPP;
        }
        long length = p.length();
        if (newLength > length) {
            if (p.state.packetStart + newLength > p.packet.roomEnd()) {
                return -Errno.ENOMEM; // beyond this runtime's buffer (Linux's limit is the MTU)
            }
            p.bytes(p.state.packetEnd, newLength - length).fill((byte) 0);
        }
        p.state.packetEnd = p.state.packetStart + newLength;
        p.moved(m);
        return 0;
    }

    private long skbChangeHead(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_change_head");
        long room = r2 & MASK32;
        long newLength = (p.length() + room) & MASK32;
        if (r3 != 0 || newLength > SKB_MAX_LEN || newLength < p.length()) {
            return -Errno.EINVAL;
        }
        if (!p.push(0, room)) {
            p.moved(m);
            return -Errno.ENOMEM;
        }
        // The MAC header is reset to the new start; the network header stays where it was.
        p.state.skb.networkOffset += (int) room;
        p.moved(m);
        return 0;
    }

    private long skbPullData(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_pull_data");
        long n = r2 & MASK32;
        // The whole packet is linear here: pulling only fails beyond its end.
        return n > p.length() ? -Errno.ENOMEM : 0;
    }

    private static final long ADJ_ROOM_FIXED_GSO = 1;
    private static final long ADJ_ROOM_ENCAP_L3_IPV4 = 1 << 1;
    private static final long ADJ_ROOM_ENCAP_L3_IPV6 = 1 << 2;
    private static final long ADJ_ROOM_ENCAP_L4_GRE = 1 << 3;
    private static final long ADJ_ROOM_ENCAP_L4_UDP = 1 << 4;
    private static final long ADJ_ROOM_NO_CSUM_RESET = 1 << 5;
    private static final long ADJ_ROOM_ENCAP_L2_ETH = 1 << 6;
    private static final long ADJ_ROOM_DECAP_L3_IPV4 = 1 << 7;
    private static final long ADJ_ROOM_DECAP_L3_IPV6 = 1 << 8;
    private static final int ADJ_ROOM_ENCAP_L2_SHIFT = 56;
    private static final long ADJ_ROOM_ENCAP_L3_MASK = ADJ_ROOM_ENCAP_L3_IPV4 | ADJ_ROOM_ENCAP_L3_IPV6;
    private static final long ADJ_ROOM_DECAP_L3_MASK = ADJ_ROOM_DECAP_L3_IPV4 | ADJ_ROOM_DECAP_L3_IPV6;
    private static final long ADJ_ROOM_MASK = ADJ_ROOM_FIXED_GSO | ADJ_ROOM_ENCAP_L3_MASK | ADJ_ROOM_ENCAP_L4_GRE
            | ADJ_ROOM_ENCAP_L4_UDP | ADJ_ROOM_ENCAP_L2_ETH | 0xffL << ADJ_ROOM_ENCAP_L2_SHIFT | ADJ_ROOM_DECAP_L3_MASK;
    private static final long BPF_ADJ_ROOM_NET = 0;
    private static final long BPF_ADJ_ROOM_MAC = 1;

    private long skbAdjustRoom(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_adjust_room");
        int diff = (int) r2;
        long flags = r4;
        long abs = Math.abs((long) diff);
        boolean shrink = diff < 0;
        int protocol = p.protocol();
        long minimum = baseLength(protocol);
        if ((flags & ~(ADJ_ROOM_MASK | ADJ_ROOM_NO_CSUM_RESET)) != 0) {
            return -Errno.EINVAL;
        }
        if (abs > 0xfff) {
            return -Errno.EFAULT;
        }
        if (protocol != ETH_P_IP && protocol != ETH_P_IPV6) {
            return -ENOTSUPP;
        }
        long mode = r3 & MASK32;
        long at = p.state.skb.networkOffset;
        if (mode == BPF_ADJ_ROOM_NET) {
            at += baseLength(protocol);
        } else if (mode != BPF_ADJ_ROOM_MAC) {
            return -ENOTSUPP;
        }
        if ((flags & ADJ_ROOM_DECAP_L3_MASK) != 0) {
            if (!shrink) {
                return -Errno.EINVAL;
            }
            long decap = flags & ADJ_ROOM_DECAP_L3_MASK;
            if (decap == ADJ_ROOM_DECAP_L3_IPV4) {
                minimum = 20;
            } else if (decap == ADJ_ROOM_DECAP_L3_IPV6) {
                minimum = 40;
            } else {
                return -Errno.EINVAL;
            }
        }
        long current = p.length() - p.state.skb.networkOffset;
        if (shrink ? abs >= current || current - abs < minimum : p.length() + abs > ADJUST_ROOM_MAX_LEN) {
            return -ENOTSUPP;
        }
        long rc = shrink ? shrinkRoom(at, abs, flags) : growRoom(at, abs, flags);
        if (rc == 0 && (flags & ADJ_ROOM_NO_CSUM_RESET) == 0) {
            p.state.skb.csumLevel = SkbState.CHECKSUM_NONE;
        }
        p.moved(m);
        return rc;
    }

    private long growRoom(long at, long n, long flags) {
        int innerMac = (int) (flags >>> ADJ_ROOM_ENCAP_L2_SHIFT);
        boolean encap = (flags & ADJ_ROOM_ENCAP_L3_MASK) != 0;
        if (!p.headroom(n)) {
            return -Errno.ENOMEM;
        }
        if (encap) {
            if ((flags & ADJ_ROOM_ENCAP_L3_MASK) == ADJ_ROOM_ENCAP_L3_MASK
                    || (flags & (ADJ_ROOM_ENCAP_L4_GRE | ADJ_ROOM_ENCAP_L4_UDP)) == (ADJ_ROOM_ENCAP_L4_GRE | ADJ_ROOM_ENCAP_L4_UDP)
                    || (flags & ADJ_ROOM_ENCAP_L2_ETH) != 0 && innerMac < ETH_HLEN) {
                return -Errno.EINVAL;
            }
            if (p.state.skb.encapsulated) {
                return -EALREADY;
            }
            if (innerMac > n) {
                return -Errno.EINVAL;
            }
        }
        p.push(at, n); // the MAC and network headers move with the start: their offsets stay
        if (encap) {
            p.state.skb.encapsulated = true;
            int protocol = p.protocol();
            if (protocol == ETH_P_IP && (flags & ADJ_ROOM_ENCAP_L3_IPV6) != 0) {
                p.setProtocol(ETH_P_IPV6);
            } else if (protocol == ETH_P_IPV6 && (flags & ADJ_ROOM_ENCAP_L3_IPV4) != 0) {
                p.setProtocol(ETH_P_IP);
            }
        }
        return 0;
    }

    private long shrinkRoom(long at, long n, long flags) {
        if ((flags & ~(ADJ_ROOM_FIXED_GSO | ADJ_ROOM_DECAP_L3_MASK | ADJ_ROOM_NO_CSUM_RESET)) != 0) {
            return -Errno.EINVAL;
        }
        if (!p.pop(at, n)) {
            return -Errno.ENOMEM;
        }
        int protocol = p.protocol();
        if (protocol == ETH_P_IP && (flags & ADJ_ROOM_DECAP_L3_IPV6) != 0) {
            p.setProtocol(ETH_P_IPV6);
        } else if (protocol == ETH_P_IPV6 && (flags & ADJ_ROOM_DECAP_L3_IPV4) != 0) {
            p.setProtocol(ETH_P_IP);
        }
        return 0;
    }

    /** {@code bpf_skb_net_base_len}: the fixed network header of the protocol. */
    private static long baseLength(int protocol) {
        return switch (protocol) {
            case ETH_P_IP -> 20;
            case ETH_P_IPV6 -> 40;
            default -> 0;
        };
    }

    private long skbChangeProto(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_change_proto");
        if (r3 != 0) {
            return -Errno.EINVAL;
        }
        int to = (int) (r2 & 0xffff);
        int from = p.protocol();
        long rc;
        if (from == ETH_P_IP && to == ETH_P_IPV6) {
            rc = p.push(p.state.skb.networkOffset, 20) ? 0 : -Errno.ENOMEM;
        } else if (from == ETH_P_IPV6 && to == ETH_P_IP) {
            rc = p.pop(p.state.skb.networkOffset, 20) ? 0 : -Errno.ENOMEM;
        } else {
            return -ENOTSUPP;
        }
        if (rc == 0) {
            p.setProtocol(to);
            p.clearHash();
        }
        p.moved(m);
        return rc;
    }

    private long skbChangeType(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_change_type");
        long current = Integer.toUnsignedLong(p.state.context.get(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PKT_TYPE));
        long wanted = r2 & MASK32;
        if (current > PACKET_OTHERHOST || wanted > PACKET_OTHERHOST) {
            return -Errno.EINVAL;
        }
        p.state.context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PKT_TYPE, (int) wanted);
        return 0;
    }

    private static final long PACKET_OTHERHOST = 3;

    // ---- vlan --------------------------------------------------------------------------------

    private static boolean isVlan(int protocol) {
        return protocol == ETH_P_8021Q || protocol == ETH_P_8021AD;
    }

    private long skbVlanPush(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_vlan_push");
        int proto = (int) (r2 & 0xffff);
        if (!isVlan(proto)) {
            proto = ETH_P_8021Q;
        }
        SkbState s = p.state.skb;
        if (s.vlanPresent) {
            // The tag held outside goes into the packet after the addresses; the new one takes its place.
            if (p.length() < 2 * 6 || !p.push(2 * 6, VLAN_HLEN)) {
                p.moved(m);
                return -Errno.ENOMEM;
            }
            MemorySegment tag = p.bytes(p.state.packetStart + 2 * 6, VLAN_HLEN);
            tag.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) s.vlanProto);
            tag.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, Short.reverseBytes((short) s.vlanTci));
            p.setProtocol(s.vlanProto);
            s.networkOffset += VLAN_HLEN;
        }
        holdVlanTag(proto, (int) (r3 & 0xffff));
        p.moved(m);
        return 0;
    }

    private static final int VLAN_HLEN = 4;

    private long skbVlanPop(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_vlan_pop");
        SkbState s = p.state.skb;
        long rc = 0;
        if (s.vlanPresent) {
            dropVlanTag();
        } else if (isVlan(p.protocol())) {
            rc = popInPacket().isPresent() ? 0 : -Errno.ENOMEM;
        }
        if (rc == 0 && isVlan(p.protocol())) {
            // The next tag in the packet moves out of it.
            int proto = p.protocol();
            OptionalInt tci = popInPacket();
            if (tci.isEmpty()) {
                rc = -Errno.ENOMEM;
            } else {
                holdVlanTag(proto, tci.getAsInt());
            }
        }
        p.moved(m);
        return rc;
    }

    /** {@code __skb_vlan_pop}: removes the tag after the addresses; its TCI, or empty if the packet is too short. */
    private OptionalInt popInPacket() {
        if (p.length() < ETH_HLEN + VLAN_HLEN) {
            return OptionalInt.empty();
        }
        MemorySegment frame = p.bytes(p.state.packetStart, p.length());
        int tci = Short.toUnsignedInt(Short.reverseBytes(frame.get(ValueLayout.JAVA_SHORT_UNALIGNED, 14)));
        int inner = Short.toUnsignedInt(frame.get(ValueLayout.JAVA_SHORT_UNALIGNED, 16));
        int innerHost = Short.toUnsignedInt(Short.reverseBytes((short) inner));
        if (innerHost >= 0x600) {
            p.setProtocol(inner);
        } else {
            // vlan_set_encap_proto: an 802.3 length; the next two bytes say raw 802.3 or 802.2 LLC.
            boolean raw = p.length() >= 20 && frame.get(ValueLayout.JAVA_SHORT_UNALIGNED, 18) == (short) 0xffff;
            p.setProtocol(raw ? 0x0100 : 0x0400); // htons(ETH_P_802_3), htons(ETH_P_802_2)
        }
        p.pop(2 * 6, VLAN_HLEN);
        p.state.skb.networkOffset = Math.max(p.state.skb.networkOffset - VLAN_HLEN, ETH_HLEN);
        return OptionalInt.of(tci);
    }

    /** The tag held outside the packet ({@code __vlan_hwaccel_put_tag}), as the context shows it. */
    private void holdVlanTag(int proto, int tci) {
        writeVlanTag(1, proto, tci);
    }

    /** {@code __vlan_hwaccel_clear_tag}. */
    private void dropVlanTag() {
        writeVlanTag(0, 0, 0);
    }

    private void writeVlanTag(int present, int proto, int tci) {
        SkbState s = p.state.skb;
        s.vlanPresent = present != 0;
        s.vlanProto = proto;
        s.vlanTci = tci;
        p.state.context.set(ValueLayout.JAVA_INT_UNALIGNED, SK_BUFF_VLAN_PRESENT, present);
        p.state.context.set(ValueLayout.JAVA_INT_UNALIGNED, SK_BUFF_VLAN_TCI, tci);
        p.state.context.set(ValueLayout.JAVA_INT_UNALIGNED, SK_BUFF_VLAN_PROTO, proto);
    }

    private static final int SK_BUFF_VLAN_PRESENT = 20;
    private static final int SK_BUFF_VLAN_TCI = 24;
    private static final int SK_BUFF_VLAN_PROTO = 28;
}
