package dev.warden.runtime.linux;

import dev.warden.vm.Access;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Linux's helpers by their uapi ids ({@code enum bpf_func_id}), for one environment. This table is
 * the Linux environment's own; the conformance suite keeps {@link Helpers#conformance()}, whose
 * helper 5 is not {@code bpf_ktime_get_ns}.
 *
 * <p>Every pointer argument is checked against the program's regions for exactly the bytes the
 * helper touches, and a map argument must be a map handle: an argument the verifier should have
 * refused ends the run with a fault at the call, never with a host crash.
 *
 * <table>
 * <caption>What each helper does here</caption>
 * <tr><td>1 map_lookup_elem</td><td>the value's address, or 0</td></tr>
 * <tr><td>2 map_update_elem, 3 map_delete_elem</td><td>Linux's flags and error codes</td></tr>
 * <tr><td>5 ktime_get_ns</td><td>a virtual clock: the input's start, 1000 ns more at each call</td></tr>
 * <tr><td>6 trace_printk</td><td>formats into the environment's log; returns the length</td></tr>
 * <tr><td>7 get_prandom_u32</td><td>from the input's seed</td></tr>
 * <tr><td>8 get_smp_processor_id</td><td>0 (one CPU)</td></tr>
 * <tr><td>12 tail_call</td><td>no program arrays yet: fails, and the program continues</td></tr>
 * <tr><td>14 get_current_pid_tgid, 15 get_current_uid_gid, 16 get_current_comm</td><td>the input's ids, root, "warden"</td></tr>
 * <tr><td>23 redirect, 51 redirect_map</td><td>XDP_REDIRECT / TC_ACT_REDIRECT; redirect_map finds no entry and returns the flags' fallback action</td></tr>
 * <tr><td>25 perf_event_output, 130 ringbuf_output</td><td>read the data, drop it, return 0</td></tr>
 * <tr><td>26 skb_load_bytes</td><td>copies from the packet; -EFAULT outside it</td></tr>
 * <tr><td>44 xdp_adjust_head</td><td>moves data within the 256 bytes of headroom</td></tr>
 * </table>
 */
final class LinuxHelpers {
    private static final long MASK32 = 0xffff_ffffL;
    private static final long XDP_REDIRECT = 4;
    private static final long TC_ACT_REDIRECT = 7;
    private static final int ETH_HLEN = 14;

    private LinuxHelpers() {}

    static Helpers table(LinuxProgramType type, LinuxMaps maps, RunState state, PacketBuffer packet) {
        return Helpers.none()
                .with(1, "map_lookup_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxMap map = map(maps, r1, pc);
                    byte[] key = read(m, r2, map.keySize(), pc, "key");
                    long v = map.lookup(key);
                    if (v == 0) {
                        state.missedKeys.get(map.declaration().index()).add(key);
                    }
                    return v;
                })
                .with(2, "map_update_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxMap map = map(maps, r1, pc);
                    byte[] key = read(m, r2, map.keySize(), pc, "key");
                    byte[] value = read(m, r3, map.valueSize(), pc, "value");
                    return map.update(key, value, r4);
                })
                .with(3, "map_delete_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxMap map = map(maps, r1, pc);
                    return map.delete(read(m, r2, map.keySize(), pc, "key"));
                })
                .with(5, "ktime_get_ns", (m, pc, r1, r2, r3, r4, r5) -> state.clock += 1000)
                .with(6, "trace_printk", (m, pc, r1, r2, r3, r4, r5) -> {
                    String line = TracePrintk.format(read(m, r1, size(r2, pc), pc, "format"), r3, r4, r5);
                    state.log.add(line);
                    return line.length();
                })
                .with(7, "get_prandom_u32", (m, pc, r1, r2, r3, r4, r5) -> state.random.nextInt() & MASK32)
                .with(8, "get_smp_processor_id", (m, pc, r1, r2, r3, r4, r5) -> 0)
                .with(12, "tail_call", (m, pc, r1, r2, r3, r4, r5) -> {
                    map(maps, r2, pc);
                    return -Errno.ENOENT;
                })
                .with(14, "get_current_pid_tgid", (m, pc, r1, r2, r3, r4, r5) -> state.pidTgid)
                .with(15, "get_current_uid_gid", (m, pc, r1, r2, r3, r4, r5) -> 0)
                .with(16, "get_current_comm", (m, pc, r1, r2, r3, r4, r5) -> {
                    int n = size(r2, pc);
                    byte[] comm = new byte[n];
                    byte[] name = "warden".getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(name, 0, comm, 0, Math.min(name.length, Math.max(n - 1, 0)));
                    write(m, r1, comm, pc, "buffer");
                    return 0;
                })
                .with(23, "redirect", (m, pc, r1, r2, r3, r4, r5) -> type == LinuxProgramType.XDP ? XDP_REDIRECT : TC_ACT_REDIRECT)
                .with(25, "perf_event_output", (m, pc, r1, r2, r3, r4, r5) -> {
                    map(maps, r2, pc);
                    read(m, r4, size(r5, pc), pc, "data");
                    return 0;
                })
                .with(26, "skb_load_bytes", (m, pc, r1, r2, r3, r4, r5) -> {
                    int n = size(r4, pc);
                    if (n > 0) {
                        checked(() -> m.checkWrite(r3, n, pc), "to");
                    }
                    long length = state.packetEnd - state.packetStart;
                    if (r2 < 0 || r2 > length || n > length - r2) {
                        MemorySegment.ofAddress(r3).reinterpret(n).fill((byte) 0);
                        return -Errno.EFAULT;
                    }
                    MemorySegment.copy(MemorySegment.ofAddress(state.packetStart + r2).reinterpret(n), 0,
                            MemorySegment.ofAddress(r3).reinterpret(n), 0, n);
                    return 0;
                })
                .with(44, "xdp_adjust_head", (m, pc, r1, r2, r3, r4, r5) -> {
                    if (type != LinuxProgramType.XDP) {
                        throw new VmFault(pc, FaultKind.HELPER_FAILED, "bpf_xdp_adjust_head needs an xdp program");
                    }
                    long start = state.packetStart + (int) r2;
                    if (start < packet.headroomStart() || start > state.packetEnd - ETH_HLEN) {
                        return -Errno.EINVAL;
                    }
                    state.packetStart = start;
                    m.setInput(packet.slice(start, state.packetEnd), Access.READ_WRITE, type.inputKind());
                    LinuxEnvironment.writePacketFields(type, state);
                    return 0;
                })
                .with(51, "redirect_map", (m, pc, r1, r2, r3, r4, r5) -> {
                    map(maps, r1, pc);
                    return r3 & 3; // no entry is present: the fallback action in the flags' low bits
                })
                .with(130, "ringbuf_output", (m, pc, r1, r2, r3, r4, r5) -> {
                    map(maps, r1, pc);
                    read(m, r2, size(r3, pc), pc, "data");
                    return 0;
                });
    }

    private static LinuxMap map(LinuxMaps maps, long handle, int pc) {
        return maps.byHandle(handle).orElseThrow(() -> new VmFault(pc, FaultKind.HELPER_FAILED,
                "0x" + Long.toHexString(handle) + " is not a map"));
    }

    /** A size argument: the kernel's helpers take sizes up to 2^31 at most; more is the verifier's fault. */
    private static int size(long n, int pc) {
        if (n < 0 || n > PacketBuffer.MAX_PACKET * 16L) {
            throw new VmFault(pc, FaultKind.HELPER_FAILED, "size argument " + n + " is out of range");
        }
        return (int) n;
    }

    /** {@code n} bytes at {@code address}, which must lie in one readable region. */
    static byte[] read(Memory m, long address, int n, int pc, String what) {
        if (n == 0) {
            return new byte[0];
        }
        checked(() -> m.checkRead(address, n, pc), what);
        return MemorySegment.ofAddress(address).reinterpret(n).toArray(ValueLayout.JAVA_BYTE);
    }

    static void write(Memory m, long address, byte[] bytes, int pc, String what) {
        if (bytes.length == 0) {
            return;
        }
        checked(() -> m.checkWrite(address, bytes.length, pc), what);
        MemorySegment.copy(bytes, 0, MemorySegment.ofAddress(address).reinterpret(bytes.length), ValueLayout.JAVA_BYTE, 0,
                bytes.length);
    }

    /** Runs a memory check and names the helper argument in its fault. */
    private static void checked(Runnable check, String what) {
        try {
            check.run();
        } catch (VmFault f) {
            throw new VmFault(f.fault().pc(), f.fault().kind(), "helper " + what + " argument: " + f.fault().message());
        }
    }
}
