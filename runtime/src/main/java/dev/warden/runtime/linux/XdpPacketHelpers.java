package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.PacketAccess.EACCES;
import static dev.warden.runtime.linux.PacketAccess.ETH_HLEN;
import static dev.warden.runtime.linux.PacketAccess.MASK32;

import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Linux's XDP packet helpers: moving the head, the tail and the metadata within the frame
 * {@code BPF_PROG_TEST_RUN} builds, and loads and stores of one buffer (no fragments).
 */
final class XdpPacketHelpers {
    /** {@code sizeof(struct xdp_frame)}, kept at the frame's start: data and metadata stay after it. */
    private static final int XDP_FRAME_HEADER = 40;
    /** {@code type_max(skb_shared_info.meta_len)}: the most metadata {@code bpf_xdp_adjust_meta} allows. */
    private static final int META_MAX = 255;

    private final PacketAccess p;

    XdpPacketHelpers(PacketAccess p) {
        this.p = p;
    }

    /** {@code base} with these helpers added. */
    Helpers add(Helpers base) {
        return base
                .with(44, "xdp_adjust_head", this::xdpAdjustHead)
                .with(54, "xdp_adjust_meta", this::xdpAdjustMeta)
                .with(65, "xdp_adjust_tail", this::xdpAdjustTail)
                .with(188, "xdp_get_buff_len", this::xdpGetBuffLen)
                .with(189, "xdp_load_bytes", this::xdpLoadBytes)
                .with(190, "xdp_store_bytes", this::xdpStoreBytes);
    }


    private long xdpAdjustHead(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.xdp(pc, "bpf_xdp_adjust_head");
        int offset = (int) r2;
        long metaLength = p.state.packetStart - p.state.packetMeta;
        long data = p.state.packetStart + offset;
        if (data < p.hardStart() + XDP_FRAME_HEADER + metaLength || data > p.state.packetEnd - ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (metaLength > 0) {
            MemorySegment.copy(p.bytes(p.state.packetMeta, metaLength), 0, p.bytes(p.state.packetMeta + offset, metaLength), 0, metaLength);
        }
        p.state.packetMeta += offset;
        p.state.packetStart = data;
        p.moved(m);
        return 0;
    }

    private long xdpAdjustMeta(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.xdp(pc, "bpf_xdp_adjust_meta");
        long meta = p.state.packetMeta + (int) r2;
        if (meta < p.hardStart() + XDP_FRAME_HEADER || meta > p.state.packetStart) {
            return -Errno.EINVAL;
        }
        long metaLength = p.state.packetStart - meta;
        if ((metaLength & 3) != 0 || metaLength > META_MAX) {
            return -EACCES;
        }
        p.state.packetMeta = meta;
        p.moved(m);
        return 0;
    }

    private long xdpAdjustTail(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.xdp(pc, "bpf_xdp_adjust_tail");
        int offset = (int) r2;
        long end = p.state.packetEnd + offset;
        if (end > p.state.frameEnd || end < p.state.packetStart + ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (offset > 0) {
            p.bytes(p.state.packetEnd, offset).fill((byte) 0); // Linux clears what may hold old bytes
        }
        p.state.packetEnd = end;
        p.moved(m);
        return 0;
    }

    private long xdpGetBuffLen(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.xdp(pc, "bpf_xdp_get_buff_len");
        return p.length(); // one buffer: no fragments
    }

    /** Linux's {@code bpf_xdp_pointer} checks: -EFAULT over 0xffff, -EINVAL beyond the packet; else 0. */
    private long xdpRange(long offset, long n) {
        if (offset > 0xffff || n > 0xffff) {
            return -Errno.EFAULT;
        }
        return offset + n > p.length() ? -Errno.EINVAL : 0;
    }

    private long xdpLoadBytes(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.xdp(pc, "bpf_xdp_load_bytes");
        int n = PacketAccess.size(r4, pc);
        long offset = r2 & MASK32;
        long rc = xdpRange(offset, n);
        if (rc != 0) {
            return rc;
        }
        LinuxHelpers.write(m, r3, p.bytes(p.state.packetStart + offset, n).toArray(ValueLayout.JAVA_BYTE), pc, "buf");
        return 0;
    }

    private long xdpStoreBytes(Memory m, int pc, long r1, long r2, long r3, long r4, long r5) {
        p.xdp(pc, "bpf_xdp_store_bytes");
        int n = PacketAccess.size(r4, pc);
        byte[] from = LinuxHelpers.read(m, r3, n, pc, "buf");
        long offset = r2 & MASK32;
        long rc = xdpRange(offset, n);
        if (rc != 0) {
            return rc;
        }
        MemorySegment.copy(from, 0, p.bytes(p.state.packetStart + offset, n), ValueLayout.JAVA_BYTE, 0, n);
        return 0;
    }
}
