package dev.warden.runtime.linux;

import dev.warden.vm.Access;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Linux's packet helpers ({@code net/core/filter.c}), with Linux 6.18's return values and error
 * codes, on the packet of one CPU's runs. A helper that moves the packet's bounds moves the
 * program's input region with them and rewrites the context's {@code data}, {@code data_end},
 * {@code data_meta} and {@code len}, as {@code bpf_compute_data_pointers} does; the verifier has
 * already voided the program's packet pointers at such a call ({@code changes_pkt_data}).
 *
 * <p>The skb is the one {@code BPF_PROG_TEST_RUN} builds ({@link SkbState}): {@code ip_summed} is
 * {@code CHECKSUM_NONE}, so checksum helpers never have an {@code skb->csum} to fix, and
 * {@code bpf_csum_update} always answers -ENOTSUPP. The devices are one: the run's
 * {@code ifindex} (Linux's loopback in the kernel's test runs: MTU 65536, a 14-byte header).
 *
 * <table>
 * <caption>What each helper does here</caption>
 * <tr><td>9 skb_store_bytes</td><td>copies into the packet; -EINVAL for flags beyond RECOMPUTE_CSUM | INVALIDATE_HASH,
 *     -EFAULT outside the packet; INVALIDATE_HASH clears the hash; RECOMPUTE_CSUM has no skb->csum to update</td></tr>
 * <tr><td>10 l3_csum_replace, 11 l4_csum_replace</td><td>Linux's arithmetic on the 16-bit field; -EINVAL for flags or a
 *     size other than 0, 2, 4, -EFAULT for an odd offset, one over 0xffff or past the packet; MARK_MANGLED_0 and
 *     MARK_ENFORCE as Linux; PSEUDO_HDR and IPV6 only matter to an skb->csum, which there is none of</td></tr>
 * <tr><td>28 csum_diff</td><td>Linux 6.13+'s: the one's-complement difference folded to 16 bits</td></tr>
 * <tr><td>40 csum_update</td><td>-ENOTSUPP (no CHECKSUM_COMPLETE skb here)</td></tr>
 * <tr><td>135 csum_level</td><td>the CHECKSUM_UNNECESSARY level: query, inc, dec, reset; -EACCES, -EINVAL</td></tr>
 * <tr><td>44 xdp_adjust_head, 54 xdp_adjust_meta, 65 xdp_adjust_tail</td><td>Linux's bounds: 40 bytes of
 *     {@code struct xdp_frame} and the metadata before data, 14 bytes of packet at least, the tail up to the
 *     4096-byte frame less 320 bytes of {@code skb_shared_info}; metadata 4-byte aligned, at most 255 bytes (-EACCES);
 *     grown bytes are zeroed</td></tr>
 * <tr><td>38 skb_change_tail, 43 skb_change_head, 39 skb_pull_data</td><td>Linux's limits (at least the network
 *     header, at most the device's MTU plus its header); grown bytes zeroed; pull only checks the length</td></tr>
 * <tr><td>50 skb_adjust_room</td><td>MAC and NET modes, encapsulation and decapsulation flags, Linux's checks and
 *     protocol changes; the inner-header offsets and GSO state it records are not kept (nothing here reads them)</td></tr>
 * <tr><td>18 skb_vlan_push, 19 skb_vlan_pop</td><td>the tag outside the packet (the context's vlan_present, vlan_tci,
 *     vlan_proto) and the tags in it, as Linux moves them</td></tr>
 * <tr><td>31 skb_change_proto, 32 skb_change_type</td><td>IPv4 to IPv6 and back (20 bytes after the MAC header),
 *     the context's protocol and pkt_type</td></tr>
 * <tr><td>188 xdp_get_buff_len, 189 xdp_load_bytes, 190 xdp_store_bytes</td><td>one buffer (no fragments)</td></tr>
 * <tr><td>68 skb_load_bytes_relative</td><td>from the MAC or network header; -EFAULT (buffer zeroed) as Linux</td></tr>
 * <tr><td>34 get_hash_recalc, 48 set_hash, 41 set_hash_invalid</td><td>the context's hash; a hash this runtime
 *     computes is its own (Linux keys its flow hash with a random number chosen at boot)</td></tr>
 * <tr><td>13 clone_redirect</td><td>0 for the run's device (the clone goes nowhere), -EINVAL for another or bad flags</td></tr>
 * <tr><td>163 check_mtu</td><td>against the run's device; -ENODEV for another</td></tr>
 * <tr><td>69 fib_lookup</td><td>argument errors as Linux; otherwise BPF_FIB_LKUP_RET_NOT_FWDED: there is no routing
 *     table here, and "not forwarded" is the answer every caller already handles by passing the packet to the stack</td></tr>
 * </table>
 */
final class PacketHelpers {
    static final int ETH_HLEN = 14;
    private static final long MASK32 = 0xffff_ffffL;
    /** {@code sizeof(struct xdp_frame)}, kept at the frame's start: data and metadata stay after it. */
    private static final int XDP_FRAME_HEADER = 40;
    /** The frame {@code BPF_PROG_TEST_RUN} gives an XDP packet: a page. */
    private static final int XDP_FRAME_SIZE = 4096;
    /** {@code SKB_DATA_ALIGN(sizeof(struct skb_shared_info))}: reserved at a frame's end. */
    private static final int SHARED_INFO = 320;
    /** {@code type_max(skb_shared_info.meta_len)}: the most metadata {@code bpf_xdp_adjust_meta} allows. */
    private static final int META_MAX = 255;
    /** The device's MTU and header length (Linux's loopback, the test runs' device). */
    private static final int MTU = 65_536;
    /** {@code __bpf_skb_max_len}: the device's MTU plus its header. */
    private static final long SKB_MAX_LEN = MTU + ETH_HLEN;
    /** {@code BPF_SKB_MAX_LEN} ({@code SKB_MAX_ALLOC}): what {@code bpf_skb_adjust_room} may grow to. */
    private static final long ADJUST_ROOM_MAX_LEN = (4096 << 2) - SHARED_INFO;

    // Linux's internal error numbers, negated by the callers like Errno's.
    private static final long EACCES = 13;
    private static final long ENODEV = 19;
    private static final long EALREADY = 114;
    private static final long EAFNOSUPPORT = 97;
    /** {@code ENOTSUPP} (524): kernel-internal, but helpers return it. */
    private static final long ENOTSUPP = 524;

    private static final int ETH_P_IP = 0x0008; // htons(0x0800), as a program loads it
    private static final int ETH_P_IPV6 = 0xdd86;
    private static final int ETH_P_8021Q = 0x0081;
    private static final int ETH_P_8021AD = 0xa888;

    private final LinuxProgramType type;
    private final RunState state;
    private final PacketBuffer packet;

    private PacketHelpers(LinuxProgramType type, RunState state, PacketBuffer packet) {
        this.type = type;
        this.state = state;
        this.packet = packet;
    }

    /** {@code base} with the packet helpers added. */
    static Helpers add(Helpers base, LinuxProgramType type, RunState state, PacketBuffer packet) {
        PacketHelpers h = new PacketHelpers(type, state, packet);
        return base
                .with(9, "skb_store_bytes", h::skbStoreBytes)
                .with(10, "l3_csum_replace", h::l3CsumReplace)
                .with(11, "l4_csum_replace", h::l4CsumReplace)
                .with(13, "clone_redirect", h::cloneRedirect)
                .with(18, "skb_vlan_push", h::skbVlanPush)
                .with(19, "skb_vlan_pop", h::skbVlanPop)
                .with(28, "csum_diff", h::csumDiff)
                .with(31, "skb_change_proto", h::skbChangeProto)
                .with(32, "skb_change_type", h::skbChangeType)
                .with(34, "get_hash_recalc", h::getHashRecalc)
                .with(38, "skb_change_tail", h::skbChangeTail)
                .with(39, "skb_pull_data", h::skbPullData)
                .with(40, "csum_update", (m, pc, r1, r2, r3, r4, r5) -> h.skb(pc, "bpf_csum_update") == 0 ? -ENOTSUPP : 0)
                .with(41, "set_hash_invalid", h::setHashInvalid)
                .with(43, "skb_change_head", h::skbChangeHead)
                .with(44, "xdp_adjust_head", h::xdpAdjustHead)
                .with(48, "set_hash", h::setHash)
                .with(50, "skb_adjust_room", h::skbAdjustRoom)
                .with(54, "xdp_adjust_meta", h::xdpAdjustMeta)
                .with(65, "xdp_adjust_tail", h::xdpAdjustTail)
                .with(68, "skb_load_bytes_relative", h::skbLoadBytesRelative)
                .with(69, "fib_lookup", h::fibLookup)
                .with(135, "csum_level", h::csumLevel)
                .with(163, "check_mtu", h::checkMtu)
                .with(188, "xdp_get_buff_len", (m, pc, r1, r2, r3, r4, r5) -> h.xdp(pc, "bpf_xdp_get_buff_len") + h.length())
                .with(189, "xdp_load_bytes", h::xdpLoadBytes)
                .with(190, "xdp_store_bytes", h::xdpStoreBytes);
    }

    /**
     * Where an XDP packet's tail may grow to: Linux's test-run frame (a page from the headroom's
     * start, less the shared info), or the packet's own end when it is larger than a page allows.
     */
    static long frameEnd(PacketBuffer packet, MemorySegment placed) {
        return Math.max(packet.headroomStart() + XDP_FRAME_SIZE - SHARED_INFO, placed.address() + placed.byteSize());
    }

    private long length() {
        return state.packetEnd - state.packetStart;
    }

    /** 0 for an skb program; a fault for an XDP one (the verifier's job in Linux). */
    private long skb(int pc, String helper) {
        if (type == LinuxProgramType.XDP) {
            throw new VmFault(pc, FaultKind.HELPER_FAILED, helper + " needs an skb (tc or socket) program");
        }
        return 0;
    }

    private long xdp(int pc, String helper) {
        if (type != LinuxProgramType.XDP) {
            throw new VmFault(pc, FaultKind.HELPER_FAILED, helper + " needs an xdp program");
        }
        return 0;
    }

    private MemorySegment bytes(long address, long n) {
        return MemorySegment.ofAddress(address).reinterpret(n);
    }

    /**
     * The packet's bounds changed: the input region follows (metadata, then the packet) and the
     * context's pointer and length fields are rewritten. An skb has no metadata area here.
     */
    private void moved(Memory m) {
        if (type != LinuxProgramType.XDP) {
            state.packetMeta = state.packetStart;
        }
        m.setInput(packet.slice(state.packetMeta, state.packetEnd), Access.READ_WRITE, type.inputKind());
        LinuxCpu.writePacketFields(type, state);
    }

    // ---- checksums -------------------------------------------------------------------------

    private long skbStoreBytes(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_skb_store_bytes");
        byte[] from = LinuxHelpers.read(m, r3, size(r4, pc), pc, "from");
        long offset = r2 & MASK32;
        if ((r5 & ~(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) != 0) {
            return -Errno.EINVAL;
        }
        if (offset > Integer.MAX_VALUE || offset + from.length > length()) {
            return -Errno.EFAULT;
        }
        MemorySegment.copy(from, 0, bytes(state.packetStart + offset, from.length), ValueLayout.JAVA_BYTE, 0, from.length);
        if ((r5 & BPF_F_INVALIDATE_HASH) != 0) {
            clearHash();
        }
        return 0;
    }

    private static final long BPF_F_RECOMPUTE_CSUM = 1;
    private static final long BPF_F_INVALIDATE_HASH = 2;
    private static final long BPF_F_HDR_FIELD_MASK = 0xf;
    private static final long BPF_F_PSEUDO_HDR = 1 << 4;
    private static final long BPF_F_MARK_MANGLED_0 = 1 << 5;
    private static final long BPF_F_MARK_ENFORCE = 1 << 6;
    private static final long BPF_F_IPV6 = 1 << 7;
    private static final int CSUM_MANGLED_0 = 0xffff;

    /** The address of a checksum field at {@code offset}, or 0 when Linux refuses it with -EFAULT. */
    private long csumField(long offset) {
        if (offset > 0xffff || (offset & 1) != 0 || offset + 2 > length()) {
            return 0;
        }
        return state.packetStart + offset;
    }

    private long l3CsumReplace(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_l3_csum_replace");
        if ((r5 & ~BPF_F_HDR_FIELD_MASK) != 0) {
            return -Errno.EINVAL;
        }
        long at = csumField(r2 & MASK32);
        if (at == 0) {
            return -Errno.EFAULT;
        }
        int sum = Short.toUnsignedInt(bytes(at, 2).get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        int updated = switch ((int) (r5 & BPF_F_HDR_FIELD_MASK)) {
            case 0 -> r3 != 0 ? -1 : Checksums.replaceByDiff(sum, r4);
            case 2 -> Checksums.replace2(sum, (int) (r3 & 0xffff), (int) (r4 & 0xffff));
            case 4 -> Checksums.replace4(sum, r3 & MASK32, r4 & MASK32);
            default -> -1;
        };
        if (updated < 0) {
            return -Errno.EINVAL;
        }
        bytes(at, 2).set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) updated);
        return 0;
    }

    private long l4CsumReplace(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_l4_csum_replace");
        if ((r5 & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6)) != 0) {
            return -Errno.EINVAL;
        }
        long at = csumField(r2 & MASK32);
        if (at == 0) {
            return -Errno.EFAULT;
        }
        boolean mangled0 = (r5 & BPF_F_MARK_MANGLED_0) != 0;
        int sum = Short.toUnsignedInt(bytes(at, 2).get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        if (mangled0 && (r5 & BPF_F_MARK_ENFORCE) == 0 && sum == 0) {
            return 0; // a UDP checksum of 0 means "none": left alone
        }
        // ip_summed is never CHECKSUM_PARTIAL here, so the pseudo-header flag changes nothing in the field.
        int updated = switch ((int) (r5 & BPF_F_HDR_FIELD_MASK)) {
            case 0 -> r3 != 0 ? -1 : Checksums.replaceByDiff(sum, r4);
            case 2 -> Checksums.protoReplace4(sum, r3 & 0xffff, r4 & 0xffff);
            case 4 -> Checksums.protoReplace4(sum, r3 & MASK32, r4 & MASK32);
            default -> -1;
        };
        if (updated < 0) {
            return -Errno.EINVAL;
        }
        if (mangled0 && updated == 0) {
            updated = CSUM_MANGLED_0;
        }
        bytes(at, 2).set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) updated);
        return 0;
    }

    /** Linux 6.13+: no size check left (the verifier bounds both), the result folded to 16 bits. */
    private long csumDiff(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        int fromSize = size(r2, pc);
        int toSize = size(r4, pc);
        MemorySegment from = MemorySegment.ofArray(LinuxHelpers.read(m, r1, fromSize, pc, "from"));
        MemorySegment to = MemorySegment.ofArray(LinuxHelpers.read(m, r3, toSize, pc, "to"));
        long seed = r5 & MASK32;
        long ret = seed;
        if (fromSize > 0 && toSize > 0) {
            ret = Checksums.sub32(Checksums.partial(to, seed), Checksums.partial(from, 0));
        } else if (toSize > 0) {
            ret = Checksums.partial(to, seed);
        } else if (fromSize > 0) {
            ret = ~Checksums.partial(from, ~seed & MASK32) & MASK32;
        }
        return Checksums.from32to16(ret);
    }

    private static final long BPF_CSUM_LEVEL_QUERY = 0;
    private static final long BPF_CSUM_LEVEL_INC = 1;
    private static final long BPF_CSUM_LEVEL_DEC = 2;
    private static final long BPF_CSUM_LEVEL_RESET = 3;
    private static final int SKB_MAX_CSUM_LEVEL = 3;

    private long csumLevel(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_csum_level");
        SkbState s = state.skb;
        if (r2 == BPF_CSUM_LEVEL_QUERY) {
            return s.csumLevel == SkbState.CHECKSUM_NONE ? -EACCES : s.csumLevel;
        } else if (r2 == BPF_CSUM_LEVEL_INC) {
            s.csumLevel = s.csumLevel == SkbState.CHECKSUM_NONE ? 0 : Math.min(s.csumLevel + 1, SKB_MAX_CSUM_LEVEL);
        } else if (r2 == BPF_CSUM_LEVEL_DEC) {
            s.csumLevel = s.csumLevel <= 0 ? SkbState.CHECKSUM_NONE : s.csumLevel - 1;
        } else if (r2 == BPF_CSUM_LEVEL_RESET) {
            s.csumLevel = SkbState.CHECKSUM_NONE;
        } else {
            return -Errno.EINVAL;
        }
        return 0;
    }

    // ---- xdp -------------------------------------------------------------------------------

    private long hardStart() {
        return packet.headroomStart();
    }

    private long xdpAdjustHead(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        xdp(pc, "bpf_xdp_adjust_head");
        int offset = (int) r2;
        long metaLength = state.packetStart - state.packetMeta;
        long data = state.packetStart + offset;
        if (data < hardStart() + XDP_FRAME_HEADER + metaLength || data > state.packetEnd - ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (metaLength > 0) {
            MemorySegment.copy(bytes(state.packetMeta, metaLength), 0, bytes(state.packetMeta + offset, metaLength), 0, metaLength);
        }
        state.packetMeta += offset;
        state.packetStart = data;
        moved(m);
        return 0;
    }

    private long xdpAdjustMeta(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        xdp(pc, "bpf_xdp_adjust_meta");
        long meta = state.packetMeta + (int) r2;
        if (meta < hardStart() + XDP_FRAME_HEADER || meta > state.packetStart) {
            return -Errno.EINVAL;
        }
        long metaLength = state.packetStart - meta;
        if ((metaLength & 3) != 0 || metaLength > META_MAX) {
            return -EACCES;
        }
        state.packetMeta = meta;
        moved(m);
        return 0;
    }

    private long xdpAdjustTail(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        xdp(pc, "bpf_xdp_adjust_tail");
        int offset = (int) r2;
        long end = state.packetEnd + offset;
        if (end > state.frameEnd || end < state.packetStart + ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (offset > 0) {
            bytes(state.packetEnd, offset).fill((byte) 0); // Linux clears what may hold old bytes
        }
        state.packetEnd = end;
        moved(m);
        return 0;
    }

    /** Linux's {@code bpf_xdp_pointer} checks: -EFAULT over 0xffff, -EINVAL beyond the packet; else 0. */
    private long xdpRange(long offset, long n) {
        if (offset > 0xffff || n > 0xffff) {
            return -Errno.EFAULT;
        }
        return offset + n > length() ? -Errno.EINVAL : 0;
    }

    private long xdpLoadBytes(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        xdp(pc, "bpf_xdp_load_bytes");
        int n = size(r4, pc);
        long offset = r2 & MASK32;
        long rc = xdpRange(offset, n);
        if (rc != 0) {
            return rc;
        }
        LinuxHelpers.write(m, r3, bytes(state.packetStart + offset, n).toArray(ValueLayout.JAVA_BYTE), pc, "buf");
        return 0;
    }

    private long xdpStoreBytes(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        xdp(pc, "bpf_xdp_store_bytes");
        int n = size(r4, pc);
        byte[] from = LinuxHelpers.read(m, r3, n, pc, "buf");
        long offset = r2 & MASK32;
        long rc = xdpRange(offset, n);
        if (rc != 0) {
            return rc;
        }
        MemorySegment.copy(from, 0, bytes(state.packetStart + offset, n), ValueLayout.JAVA_BYTE, 0, n);
        return 0;
    }

    // ---- skb size changes ------------------------------------------------------------------

    /**
     * Makes room for {@code n} bytes before the packet, moving it towards the end of the buffer
     * when the headroom is short (Linux reallocates the head instead); false if the buffer cannot.
     */
    private boolean headroom(long n) {
        long have = state.packetStart - packet.headroomStart();
        if (have >= n) {
            return true;
        }
        long shift = n - have;
        if (state.packetEnd + shift > packet.roomEnd()) {
            return false;
        }
        long length = length();
        MemorySegment.copy(bytes(state.packetStart, length), 0, bytes(state.packetStart + shift, length), 0, length);
        state.packetStart += shift;
        state.packetEnd += shift;
        return true;
    }

    /** {@code bpf_skb_generic_push}: {@code n} zero bytes inserted {@code at} bytes into the packet. */
    private boolean push(long at, long n) {
        if (!headroom(n)) {
            return false;
        }
        long start = state.packetStart - n;
        MemorySegment.copy(bytes(state.packetStart, at), 0, bytes(start, at), 0, at);
        bytes(start + at, n).fill((byte) 0);
        state.packetStart = start;
        return true;
    }

    /** {@code bpf_skb_generic_pop}: {@code n} bytes removed {@code at} bytes into the packet; false past its end (-ENOMEM). */
    private boolean pop(long at, long n) {
        if (at + n > length()) {
            return false;
        }
        MemorySegment.copy(bytes(state.packetStart, at), 0, bytes(state.packetStart + n, at), 0, at);
        state.packetStart += n;
        return true;
    }

    /** {@code __bpf_skb_min_len}: the network header (the transport header is never set in a test run). */
    private long minLength() {
        return Math.max(state.skb.networkOffset, 0);
    }

    private long skbChangeTail(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_skb_change_tail");
        long newLength = r2 & MASK32;
        if (r3 != 0 || newLength > SKB_MAX_LEN || newLength < minLength()) {
            return -Errno.EINVAL;
        }
        if (state.skb.encapsulated) {
            return -ENOTSUPP;
        }
        long length = length();
        if (newLength > length) {
            if (state.packetStart + newLength > packet.roomEnd()) {
                return -Errno.ENOMEM; // beyond this runtime's buffer (Linux's limit is the MTU)
            }
            bytes(state.packetEnd, newLength - length).fill((byte) 0);
        }
        state.packetEnd = state.packetStart + newLength;
        moved(m);
        return 0;
    }

    private long skbChangeHead(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_skb_change_head");
        long room = r2 & MASK32;
        long newLength = (length() + room) & MASK32;
        if (r3 != 0 || newLength > SKB_MAX_LEN || newLength < length()) {
            return -Errno.EINVAL;
        }
        if (!push(0, room)) {
            moved(m);
            return -Errno.ENOMEM;
        }
        // The MAC header is reset to the new start; the network header stays where it was.
        state.skb.networkOffset += (int) room;
        moved(m);
        return 0;
    }

    private long skbPullData(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_skb_pull_data");
        long n = r2 & MASK32;
        // The whole packet is linear here: pulling only fails beyond its end.
        return n > length() ? -Errno.ENOMEM : 0;
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
        skb(pc, "bpf_skb_adjust_room");
        int diff = (int) r2;
        long flags = r4;
        long abs = Math.abs((long) diff);
        boolean shrink = diff < 0;
        int protocol = protocol();
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
        long at = state.skb.networkOffset;
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
        long current = length() - state.skb.networkOffset;
        if (shrink ? abs >= current || current - abs < minimum : length() + abs > ADJUST_ROOM_MAX_LEN) {
            return -ENOTSUPP;
        }
        long rc = shrink ? shrinkRoom(at, abs, flags) : growRoom(at, abs, flags);
        if (rc == 0 && (flags & ADJ_ROOM_NO_CSUM_RESET) == 0) {
            state.skb.csumLevel = SkbState.CHECKSUM_NONE;
        }
        moved(m);
        return rc;
    }

    private long growRoom(long at, long n, long flags) {
        int innerMac = (int) (flags >>> ADJ_ROOM_ENCAP_L2_SHIFT);
        boolean encap = (flags & ADJ_ROOM_ENCAP_L3_MASK) != 0;
        if (!headroom(n)) {
            return -Errno.ENOMEM;
        }
        if (encap) {
            if ((flags & ADJ_ROOM_ENCAP_L3_MASK) == ADJ_ROOM_ENCAP_L3_MASK
                    || (flags & (ADJ_ROOM_ENCAP_L4_GRE | ADJ_ROOM_ENCAP_L4_UDP)) == (ADJ_ROOM_ENCAP_L4_GRE | ADJ_ROOM_ENCAP_L4_UDP)
                    || (flags & ADJ_ROOM_ENCAP_L2_ETH) != 0 && innerMac < ETH_HLEN) {
                return -Errno.EINVAL;
            }
            if (state.skb.encapsulated) {
                return -EALREADY;
            }
            if (innerMac > n) {
                return -Errno.EINVAL;
            }
        }
        push(at, n); // the MAC and network headers move with the start: their offsets stay
        if (encap) {
            state.skb.encapsulated = true;
            int protocol = protocol();
            if (protocol == ETH_P_IP && (flags & ADJ_ROOM_ENCAP_L3_IPV6) != 0) {
                setProtocol(ETH_P_IPV6);
            } else if (protocol == ETH_P_IPV6 && (flags & ADJ_ROOM_ENCAP_L3_IPV4) != 0) {
                setProtocol(ETH_P_IP);
            }
        }
        return 0;
    }

    private long shrinkRoom(long at, long n, long flags) {
        if ((flags & ~(ADJ_ROOM_FIXED_GSO | ADJ_ROOM_DECAP_L3_MASK | ADJ_ROOM_NO_CSUM_RESET)) != 0) {
            return -Errno.EINVAL;
        }
        if (!pop(at, n)) {
            return -Errno.ENOMEM;
        }
        int protocol = protocol();
        if (protocol == ETH_P_IP && (flags & ADJ_ROOM_DECAP_L3_IPV6) != 0) {
            setProtocol(ETH_P_IPV6);
        } else if (protocol == ETH_P_IPV6 && (flags & ADJ_ROOM_DECAP_L3_IPV4) != 0) {
            setProtocol(ETH_P_IP);
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
        skb(pc, "bpf_skb_change_proto");
        if (r3 != 0) {
            return -Errno.EINVAL;
        }
        int to = (int) (r2 & 0xffff);
        int from = protocol();
        long rc;
        if (from == ETH_P_IP && to == ETH_P_IPV6) {
            rc = push(state.skb.networkOffset, 20) ? 0 : -Errno.ENOMEM;
        } else if (from == ETH_P_IPV6 && to == ETH_P_IP) {
            rc = pop(state.skb.networkOffset, 20) ? 0 : -Errno.ENOMEM;
        } else {
            return -ENOTSUPP;
        }
        if (rc == 0) {
            setProtocol(to);
            clearHash();
        }
        moved(m);
        return rc;
    }

    private long skbChangeType(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_skb_change_type");
        long current = Integer.toUnsignedLong(state.context.get(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PKT_TYPE));
        long wanted = r2 & MASK32;
        if (current > PACKET_OTHERHOST || wanted > PACKET_OTHERHOST) {
            return -Errno.EINVAL;
        }
        state.context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PKT_TYPE, (int) wanted);
        return 0;
    }

    private static final long PACKET_OTHERHOST = 3;

    // ---- vlan --------------------------------------------------------------------------------

    private static boolean isVlan(int protocol) {
        return protocol == ETH_P_8021Q || protocol == ETH_P_8021AD;
    }

    private long skbVlanPush(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_skb_vlan_push");
        int proto = (int) (r2 & 0xffff);
        if (!isVlan(proto)) {
            proto = ETH_P_8021Q;
        }
        SkbState s = state.skb;
        if (s.vlanPresent) {
            // The tag held outside goes into the packet after the addresses; the new one takes its place.
            if (length() < 2 * 6 || !push(2 * 6, VLAN_HLEN)) {
                moved(m);
                return -Errno.ENOMEM;
            }
            MemorySegment tag = bytes(state.packetStart + 2 * 6, VLAN_HLEN);
            tag.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) s.vlanProto);
            tag.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, Short.reverseBytes((short) s.vlanTci));
            setProtocol(s.vlanProto);
            s.networkOffset += VLAN_HLEN;
        }
        setVlanTag(true, proto, (int) (r3 & 0xffff));
        moved(m);
        return 0;
    }

    private static final int VLAN_HLEN = 4;

    private long skbVlanPop(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_skb_vlan_pop");
        SkbState s = state.skb;
        long rc = 0;
        if (s.vlanPresent) {
            setVlanTag(false, 0, 0);
        } else if (isVlan(protocol())) {
            rc = popInPacket().isPresent() ? 0 : -Errno.ENOMEM;
        }
        if (rc == 0 && isVlan(protocol())) {
            // The next tag in the packet moves out of it.
            int proto = protocol();
            java.util.OptionalInt tci = popInPacket();
            if (tci.isEmpty()) {
                rc = -Errno.ENOMEM;
            } else {
                setVlanTag(true, proto, tci.getAsInt());
            }
        }
        moved(m);
        return rc;
    }

    /** {@code __skb_vlan_pop}: removes the tag after the addresses; its TCI, or empty if the packet is too short. */
    private java.util.OptionalInt popInPacket() {
        if (length() < ETH_HLEN + VLAN_HLEN) {
            return java.util.OptionalInt.empty();
        }
        MemorySegment p = bytes(state.packetStart, length());
        int tci = Short.toUnsignedInt(Short.reverseBytes(p.get(ValueLayout.JAVA_SHORT_UNALIGNED, 14)));
        int inner = Short.toUnsignedInt(p.get(ValueLayout.JAVA_SHORT_UNALIGNED, 16));
        int innerHost = Short.toUnsignedInt(Short.reverseBytes((short) inner));
        if (innerHost >= 0x600) {
            setProtocol(inner);
        } else {
            // vlan_set_encap_proto: an 802.3 length; the next two bytes say raw 802.3 or 802.2 LLC.
            boolean raw = length() >= 20 && p.get(ValueLayout.JAVA_SHORT_UNALIGNED, 18) == (short) 0xffff;
            setProtocol(raw ? 0x0100 : 0x0400); // htons(ETH_P_802_3), htons(ETH_P_802_2)
        }
        pop(2 * 6, VLAN_HLEN);
        state.skb.networkOffset = Math.max(state.skb.networkOffset - VLAN_HLEN, ETH_HLEN);
        return java.util.OptionalInt.of(tci);
    }

    private void setVlanTag(boolean present, int proto, int tci) {
        SkbState s = state.skb;
        s.vlanPresent = present;
        s.vlanProto = proto;
        s.vlanTci = tci;
        state.context.set(ValueLayout.JAVA_INT_UNALIGNED, SK_BUFF_VLAN_PRESENT, present ? 1 : 0);
        state.context.set(ValueLayout.JAVA_INT_UNALIGNED, SK_BUFF_VLAN_TCI, tci);
        state.context.set(ValueLayout.JAVA_INT_UNALIGNED, SK_BUFF_VLAN_PROTO, proto);
    }

    private static final int SK_BUFF_VLAN_PRESENT = 20;
    private static final int SK_BUFF_VLAN_TCI = 24;
    private static final int SK_BUFF_VLAN_PROTO = 28;
    private static final int SK_BUFF_HASH = 68;

    /** {@code skb->protocol} as the context holds it (the EtherType's bytes, loaded little-endian). */
    private int protocol() {
        return state.context.get(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PROTOCOL) & 0xffff;
    }

    private void setProtocol(int protocol) {
        state.context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PROTOCOL, protocol & 0xffff);
    }

    // ---- reads, hash, devices ------------------------------------------------------------------

    private static final long BPF_HDR_START_MAC = 0;
    private static final long BPF_HDR_START_NET = 1;

    private long skbLoadBytesRelative(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_skb_load_bytes_relative");
        int n = size(r4, pc);
        byte[] out = new byte[n];
        long offset = r2 & MASK32;
        long header = r5 & MASK32;
        long start = header == BPF_HDR_START_MAC ? state.packetStart
                : header == BPF_HDR_START_NET ? state.packetStart + state.skb.networkOffset : -1;
        long rc = -Errno.EFAULT;
        if (offset <= 0xffff && start >= 0 && start + offset + n <= state.packetEnd) {
            MemorySegment.copy(bytes(start + offset, n), ValueLayout.JAVA_BYTE, 0, out, 0, n);
            rc = 0;
        }
        LinuxHelpers.write(m, r3, out, pc, "to"); // zeroed on failure, as Linux does
        return rc;
    }

    private long getHashRecalc(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_get_hash_recalc");
        if (!state.skb.hashValid) {
            setHash(flowHash(), false);
        }
        return Integer.toUnsignedLong(state.skb.hash);
    }

    private long setHash(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_set_hash");
        setHash((int) r2, true);
        return 0;
    }

    private long setHashInvalid(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_set_hash_invalid");
        clearHash();
        return 0;
    }

    private void clearHash() {
        setHash(0, false);
    }

    private void setHash(int hash, boolean valid) {
        state.skb.hash = hash;
        state.skb.hashValid = valid;
        state.context.set(ValueLayout.JAVA_INT_UNALIGNED, SK_BUFF_HASH, hash);
    }

    /**
     * This runtime's flow hash: FNV-1a over the network header's first 40 bytes (addresses and,
     * for IPv4, the ports), never 0 (Linux's rule). Not Linux's value, which is keyed by a random
     * number chosen at boot; a program can only rely on it being stable for a flow.
     */
    private int flowHash() {
        long from = state.packetStart + state.skb.networkOffset;
        long n = Math.max(0, Math.min(40, state.packetEnd - from));
        int h = 0x811c9dc5;
        for (long i = 0; i < n; i++) {
            h = (h ^ (bytes(from + i, 1).get(ValueLayout.JAVA_BYTE, 0) & 0xff)) * 0x01000193;
        }
        return h == 0 ? 1 : h;
    }

    private static final long BPF_F_INGRESS = 1;

    private long cloneRedirect(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        skb(pc, "bpf_clone_redirect");
        if ((r3 & ~BPF_F_INGRESS) != 0 || !isDevice(r2 & MASK32)) {
            return -Errno.EINVAL;
        }
        return 0; // the clone leaves through a device that is nowhere; the original goes on unchanged
    }

    private boolean isDevice(long ifindex) {
        return ifindex == Integer.toUnsignedLong(state.ifindex);
    }

    private static final long BPF_MTU_CHK_SEGS = 1;
    private static final long BPF_MTU_CHK_RET_SUCCESS = 0;
    private static final long BPF_MTU_CHK_RET_FRAG_NEEDED = 1;

    private long checkMtu(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        int given = MemorySegment.ofArray(LinuxHelpers.read(m, r3, 4, pc, "mtu_len")).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        int diff = (int) r4;
        boolean xdp = type == LinuxProgramType.XDP;
        if (xdp ? r5 != 0 : (r5 & ~BPF_MTU_CHK_SEGS) != 0 || (r5 & BPF_MTU_CHK_SEGS) != 0 && (diff != 0 || given != 0)) {
            return -Errno.EINVAL;
        }
        long ifindex = r2 & MASK32;
        if (ifindex != 0 && !isDevice(ifindex)) {
            return -ENODEV;
        }
        int length = given != 0 ? given + ETH_HLEN : (int) length();
        length += diff;
        long rc = length > MTU + ETH_HLEN ? BPF_MTU_CHK_RET_FRAG_NEEDED : BPF_MTU_CHK_RET_SUCCESS;
        byte[] mtu = new byte[4];
        MemorySegment.ofArray(mtu).set(ValueLayout.JAVA_INT_UNALIGNED, 0, MTU);
        LinuxHelpers.write(m, r3, mtu, pc, "mtu_len");
        return rc;
    }

    private static final int FIB_PARAMS_SIZE = 64;
    private static final int FIB_IFINDEX_OFFSET = 8;
    private static final long FIB_FLAGS = 0x3f; // DIRECT, OUTPUT, SKIP_NEIGH, TBID, SRC, MARK
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final long BPF_FIB_LKUP_RET_NOT_FWDED = 4;

    private long fibLookup(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        int n = size(r3, pc);
        byte[] params = LinuxHelpers.read(m, r2, n, pc, "params");
        // TBID without DIRECT is not refused: Linux ignores it (the kernel differential showed it).
        if (n < FIB_PARAMS_SIZE || (r4 & ~FIB_FLAGS) != 0) {
            return -Errno.EINVAL;
        }
        int family = params[0] & 0xff;
        if (family != AF_INET && family != AF_INET6) {
            return -EAFNOSUPPORT;
        }
        long ifindex = Integer.toUnsignedLong(MemorySegment.ofArray(params).get(ValueLayout.JAVA_INT_UNALIGNED, FIB_IFINDEX_OFFSET));
        if (!isDevice(ifindex)) {
            return -ENODEV;
        }
        return BPF_FIB_LKUP_RET_NOT_FWDED;
    }

    /** A size argument: the verifier bounds it; beyond the buffer's size it is the verifier's fault. */
    private static int size(long n, int pc) {
        if (n < 0 || n > PacketBuffer.MAX_PACKET) {
            throw new VmFault(pc, FaultKind.HELPER_FAILED, "size argument " + n + " is out of range");
        }
        return (int) n;
    }
}
