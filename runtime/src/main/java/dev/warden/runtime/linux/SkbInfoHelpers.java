package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.PacketAccess.EAFNOSUPPORT;
import static dev.warden.runtime.linux.PacketAccess.ENODEV;
import static dev.warden.runtime.linux.PacketAccess.ETH_HLEN;
import static dev.warden.runtime.linux.PacketAccess.MASK32;
import static dev.warden.runtime.linux.PacketAccess.MTU;

import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Linux's skb helpers that read the packet or the skb's metadata and ask about devices: loads
 * relative to a header, the hash, {@code clone_redirect}, {@code check_mtu} (for xdp too) and
 * {@code fib_lookup} (xdp too).
 */
final class SkbInfoHelpers {
    private final PacketAccess p;

    SkbInfoHelpers(PacketAccess p) {
        this.p = p;
    }

    /** {@code base} with these helpers added. */
    Helpers add(Helpers base) {
        return base
                .with(13, "clone_redirect", this::cloneRedirect)
                .with(34, "get_hash_recalc", this::getHashRecalc)
                .with(41, "set_hash_invalid", this::setHashInvalid)
                .with(48, "set_hash", this::setHash)
                .with(68, "skb_load_bytes_relative", this::skbLoadBytesRelative)
                .with(69, "fib_lookup", this::fibLookup)
                .with(155, "redirect_peer", this::redirectPeer)
                .with(163, "check_mtu", this::checkMtu);
    }

    private static final long BPF_HDR_START_MAC = 0;
    private static final long BPF_HDR_START_NET = 1;

    private long skbLoadBytesRelative(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_load_bytes_relative");
        int n = PacketAccess.size(r4, pc);
        byte[] out = new byte[n];
        long offset = r2 & MASK32;
        long header = r5 & MASK32;
        long start = header == BPF_HDR_START_MAC ? p.state.packetStart
                : header == BPF_HDR_START_NET ? p.state.packetStart + p.state.skb.networkOffset : -1;
        long rc = -Errno.EFAULT;
        if (offset <= 0xffff && start >= 0 && start + offset + n <= p.state.packetEnd) {
            MemorySegment.copy(p.bytes(start + offset, n), ValueLayout.JAVA_BYTE, 0, out, 0, n);
            rc = 0;
        }
        LinuxHelpers.write(m, r3, out, pc, "to"); // zeroed on failure, as Linux does
        return rc;
    }

    private long getHashRecalc(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_get_hash_recalc");
        if (!p.state.skb.hashValid) {
            p.setHash(flowHash()); // kept in skb->hash, as Linux keeps it
        }
        return Integer.toUnsignedLong(p.state.skb.hash);
    }

    private long setHash(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_set_hash");
        p.setHash((int) r2);
        return 0;
    }

    private long setHashInvalid(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_set_hash_invalid");
        p.clearHash();
        return 0;
    }


    /**
     * This runtime's flow hash: FNV-1a over the network header's first 40 bytes (addresses and,
     * for IPv4, the ports), never 0 (Linux's rule). Not Linux's value, which is keyed by a random
     * number chosen at boot; a program can only rely on it being stable for a flow.
     */
    private int flowHash() {
        long from = p.state.packetStart + p.state.skb.networkOffset;
        long n = Math.max(0, Math.min(40, p.state.packetEnd - from));
        int h = 0x811c9dc5;
        for (long i = 0; i < n; i++) {
            h = (h ^ (p.bytes(from + i, 1).get(ValueLayout.JAVA_BYTE, 0) & 0xff)) * 0x01000193;
        }
        return h == 0 ? 1 : h;
    }

    private static final long BPF_F_INGRESS = 1;

    private long cloneRedirect(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_clone_redirect");
        if ((r3 & ~BPF_F_INGRESS) != 0 || !isDevice(r2 & MASK32)) {
            return -Errno.EINVAL;
        }
        return 0; // the clone leaves through a device that is nowhere; the original goes on unchanged
    }

    private static final long TC_ACT_SHOT = 2;
    private static final long TC_ACT_REDIRECT = 7;
    /** Like {@code bpf_redirect}, the verdict only: TC_ACT_REDIRECT, or TC_ACT_SHOT for flags (bpf_redirect_neigh is GeneralHelpers'). */
    private long redirectPeer(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_redirect_peer");
        return r2 != 0 ? TC_ACT_SHOT : TC_ACT_REDIRECT;
    }

    private boolean isDevice(long ifindex) {
        return ifindex == Integer.toUnsignedLong(p.state.ifindex);
    }

    private static final long BPF_MTU_CHK_SEGS = 1;
    private static final long BPF_MTU_CHK_RET_SUCCESS = 0;
    private static final long BPF_MTU_CHK_RET_FRAG_NEEDED = 1;

    private long checkMtu(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        int given = MemorySegment.ofArray(LinuxHelpers.read(m, r3, 4, pc, "mtu_len")).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        int diff = (int) r4;
        boolean xdp = p.type == LinuxProgramType.XDP;
        if (xdp ? r5 != 0 : (r5 & ~BPF_MTU_CHK_SEGS) != 0 || (r5 & BPF_MTU_CHK_SEGS) != 0 && (diff != 0 || given != 0)) {
            return -Errno.EINVAL;
        }
        long ifindex = r2 & MASK32;
        if (ifindex != 0 && !isDevice(ifindex)) {
            return -ENODEV;
        }
        int length = given != 0 ? given + ETH_HLEN : (int) p.length();
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
        int n = PacketAccess.size(r3, pc);
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
}
