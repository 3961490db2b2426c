package dev.warden.runtime.linux;

import dev.warden.vm.Access;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the packet helpers ({@link PacketHelpers}) share: the program type, the run's state and
 * packet buffer, the packet's bounds and bytes, the skb fields in the context they change
 * (protocol, hash), moving bytes within the buffer, and telling the program the packet moved.
 */
final class PacketAccess {
    static final int ETH_HLEN = 14;
    static final long MASK32 = 0xffff_ffffL;
    /** The device's MTU (Linux's loopback, the test runs' device); its header is {@link #ETH_HLEN} bytes. */
    static final int MTU = 65_536;

    // Linux's internal error numbers, negated by the callers like Errno's.
    static final long EACCES = 13;
    static final long ENODEV = 19;
    static final long EAFNOSUPPORT = 97;
    static final long EALREADY = 114;
    /** {@code ENOTSUPP} (524): kernel-internal, but helpers return it. */
    static final long ENOTSUPP = 524;

    // EtherTypes as a program loads them from the packet (network order, read little-endian).
    static final int ETH_P_IP = 0x0008;
    static final int ETH_P_IPV6 = 0xdd86;

    private static final int SK_BUFF_HASH = 68;

    final LinuxProgramType type;
    final RunState state;
    final PacketBuffer packet;

    PacketAccess(LinuxProgramType type, RunState state, PacketBuffer packet) {
        this.type = type;
        this.state = state;
        this.packet = packet;
    }

    long length() {
        return state.packetEnd - state.packetStart;
    }

    /** Faults unless this is an skb (tc or socket) program: the verifier's job in Linux. */
    void skb(int pc, String helper) {
        if (type == LinuxProgramType.XDP) {
            throw new VmFault(pc, FaultKind.HELPER_FAILED, helper + " needs an skb (tc or socket) program");
        }
    }

    /** Faults unless this is an xdp program. */
    void xdp(int pc, String helper) {
        if (type != LinuxProgramType.XDP) {
            throw new VmFault(pc, FaultKind.HELPER_FAILED, helper + " needs an xdp program");
        }
    }

    MemorySegment bytes(long address, long n) {
        return MemorySegment.ofAddress(address).reinterpret(n);
    }

    /**
     * The packet's bounds changed: the input region follows (metadata, then the packet) and the
     * context's pointer and length fields are rewritten, as {@code bpf_compute_data_pointers} does.
     * An skb has no metadata area here.
     */
    void moved(Memory m) {
        if (type != LinuxProgramType.XDP) {
            state.packetMeta = state.packetStart;
        }
        m.setInput(packet.slice(state.packetMeta, state.packetEnd), Access.READ_WRITE, type.inputKind());
        LinuxCpu.writePacketFields(type, state);
    }

    /**
     * Makes room for {@code n} bytes before the packet, moving it towards the end of the buffer
     * when the headroom is short (Linux reallocates the head instead); false if the buffer cannot.
     */
    boolean headroom(long n) {
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
    boolean push(long at, long n) {
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
    boolean pop(long at, long n) {
        if (at + n > length()) {
            return false;
        }
        MemorySegment.copy(bytes(state.packetStart, at), 0, bytes(state.packetStart + n, at), 0, at);
        state.packetStart += n;
        return true;
    }

    /** {@code skb->protocol} as the context holds it (the EtherType's bytes, loaded little-endian). */
    int protocol() {
        return state.context.get(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PROTOCOL) & 0xffff;
    }

    void setProtocol(int protocol) {
        state.context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PROTOCOL, protocol & 0xffff);
    }

    /** {@code skb_clear_hash}: no valid hash; the context's {@code hash} reads 0. */
    void clearHash() {
        state.skb.hashValid = false;
        writeHash(0);
    }

    /** A valid hash (set by the program, or computed and cached), in the context's {@code hash}. */
    void setHash(int hash) {
        state.skb.hashValid = true;
        writeHash(hash);
    }

    private void writeHash(int hash) {
        state.skb.hash = hash;
        state.context.set(ValueLayout.JAVA_INT_UNALIGNED, SK_BUFF_HASH, hash);
    }

    /** A size argument: the verifier bounds it; beyond the buffer's size it is the verifier's fault. */
    static int size(long n, int pc) {
        if (n < 0 || n > PacketBuffer.MAX_PACKET) {
            throw new VmFault(pc, FaultKind.HELPER_FAILED, "size argument " + n + " is out of range");
        }
        return (int) n;
    }

    long hardStart() {
        return packet.headroomStart();
    }
}
