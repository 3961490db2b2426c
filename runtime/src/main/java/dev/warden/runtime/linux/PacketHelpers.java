package dev.warden.runtime.linux;

import dev.warden.vm.Helpers;
import java.lang.foreign.MemorySegment;

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
 * <tr><td>155 redirect_peer</td><td>the verdict: TC_ACT_REDIRECT, or TC_ACT_SHOT for flags ({@link GeneralHelpers} has
 *     redirect_neigh)</td></tr>
 * <tr><td>163 check_mtu</td><td>against the run's device; -ENODEV for another</td></tr>
 * <tr><td>69 fib_lookup</td><td>argument errors as Linux; otherwise BPF_FIB_LKUP_RET_NOT_FWDED: there is no routing
 *     table here, and "not forwarded" is the answer every caller already handles by passing the packet to the stack</td></tr>
 * </table>
 */
final class PacketHelpers {
    static final int ETH_HLEN = PacketAccess.ETH_HLEN;
    /** The frame {@code BPF_PROG_TEST_RUN} gives an XDP packet: a page. */
    private static final int XDP_FRAME_SIZE = 4096;
    /** {@code SKB_DATA_ALIGN(sizeof(struct skb_shared_info))}: reserved at a frame's end. */
    private static final int SHARED_INFO = 320;

    private PacketHelpers() {}

    /** {@code base} with the packet helpers added, for the runs of one CPU ({@code state}, {@code packet}). */
    static Helpers add(Helpers base, LinuxProgramType type, RunState state, PacketBuffer packet) {
        PacketAccess p = new PacketAccess(type, state, packet);
        Helpers h = new ChecksumHelpers(p).add(base);
        h = new XdpPacketHelpers(p).add(h);
        h = new SkbLayoutHelpers(p).add(h);
        return new SkbInfoHelpers(p).add(h);
    }

    /**
     * Where an XDP packet's tail may grow to: Linux's test-run frame (a page from the headroom's
     * start, less the shared info), or the packet's own end when it is larger than a page allows.
     */
    static long frameEnd(PacketBuffer packet, MemorySegment placed) {
        return Math.max(packet.headroomStart() + XDP_FRAME_SIZE - SHARED_INFO, placed.address() + placed.byteSize());
    }
}
