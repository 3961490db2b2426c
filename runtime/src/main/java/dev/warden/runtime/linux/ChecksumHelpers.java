package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.PacketAccess.EACCES;
import static dev.warden.runtime.linux.PacketAccess.ENOTSUPP;
import static dev.warden.runtime.linux.PacketAccess.MASK32;

import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Linux's checksum helpers for skb programs, with {@link Checksums}' arithmetic: store bytes, the
 * l3 and l4 field updates, {@code csum_diff}, {@code csum_update}, {@code csum_level}. No skb here is
 * CHECKSUM_COMPLETE or CHECKSUM_PARTIAL, so only the packet's own checksum fields ever change.
 */
final class ChecksumHelpers {
    private final PacketAccess p;

    ChecksumHelpers(PacketAccess p) {
        this.p = p;
    }

    /** {@code base} with these helpers added. */
    Helpers add(Helpers base) {
        return base
                .with(9, "skb_store_bytes", this::skbStoreBytes)
                .with(10, "l3_csum_replace", this::l3CsumReplace)
                .with(11, "l4_csum_replace", this::l4CsumReplace)
                .with(28, "csum_diff", this::csumDiff)
                .with(40, "csum_update", this::csumUpdate)
                .with(135, "csum_level", this::csumLevel);
    }

    private long skbStoreBytes(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_skb_store_bytes");
        byte[] from = LinuxHelpers.read(m, r3, PacketAccess.size(r4, pc), pc, "from");
        long offset = r2 & MASK32;
        if ((r5 & ~(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) != 0) {
            return -Errno.EINVAL;
        }
        if (offset > Integer.MAX_VALUE || offset + from.length > p.length()) {
            return -Errno.EFAULT;
        }
        MemorySegment.copy(from, 0, p.bytes(p.state.packetStart + offset, from.length), ValueLayout.JAVA_BYTE, 0, from.length);
        if ((r5 & BPF_F_INVALIDATE_HASH) != 0) {
            p.clearHash();
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
        if (offset > 0xffff || (offset & 1) != 0 || offset + 2 > p.length()) {
            return 0;
        }
        return p.state.packetStart + offset;
    }

    private long l3CsumReplace(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_l3_csum_replace");
        if ((r5 & ~BPF_F_HDR_FIELD_MASK) != 0) {
            return -Errno.EINVAL;
        }
        long at = csumField(r2 & MASK32);
        if (at == 0) {
            return -Errno.EFAULT;
        }
        int sum = Short.toUnsignedInt(p.bytes(at, 2).get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        int updated = switch ((int) (r5 & BPF_F_HDR_FIELD_MASK)) {
            case 0 -> r3 != 0 ? -1 : Checksums.replaceByDiff(sum, r4);
            case 2 -> Checksums.replace2(sum, (int) (r3 & 0xffff), (int) (r4 & 0xffff));
            case 4 -> Checksums.replace4(sum, r3 & MASK32, r4 & MASK32);
            default -> -1;
        };
        if (updated < 0) {
            return -Errno.EINVAL;
        }
        p.bytes(at, 2).set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) updated);
        return 0;
    }

    private long l4CsumReplace(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_l4_csum_replace");
        if ((r5 & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6)) != 0) {
            return -Errno.EINVAL;
        }
        long at = csumField(r2 & MASK32);
        if (at == 0) {
            return -Errno.EFAULT;
        }
        boolean mangled0 = (r5 & BPF_F_MARK_MANGLED_0) != 0;
        int sum = Short.toUnsignedInt(p.bytes(at, 2).get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
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
        p.bytes(at, 2).set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) updated);
        return 0;
    }

    /** Linux 6.13+: no size check left (the verifier bounds both), the result folded to 16 bits. */
    private long csumDiff(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        int fromSize = PacketAccess.size(r2, pc);
        int toSize = PacketAccess.size(r4, pc);
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

    /** Only a CHECKSUM_COMPLETE skb has an {@code skb->csum} to add to; none here has. */
    private long csumUpdate(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_csum_update");
        return -ENOTSUPP;
    }

    private static final long BPF_CSUM_LEVEL_QUERY = 0;
    private static final long BPF_CSUM_LEVEL_INC = 1;
    private static final long BPF_CSUM_LEVEL_DEC = 2;
    private static final long BPF_CSUM_LEVEL_RESET = 3;
    private static final int SKB_MAX_CSUM_LEVEL = 3;

    private long csumLevel(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.skb(pc, "bpf_csum_level");
        SkbState s = p.state.skb;
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
}
