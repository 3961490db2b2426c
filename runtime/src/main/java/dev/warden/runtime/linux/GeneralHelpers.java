package dev.warden.runtime.linux;

import dev.warden.vm.Access;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Linux's helpers that neither change packets nor trace the kernel: more clocks, map iteration and
 * per-CPU lookups, formatting and string parsing, and what an skb's socket and route say, with
 * Linux 6.18's results and error codes. {@link LinuxHelpers#table} chains them in.
 *
 * <table>
 * <caption>What each helper does here</caption>
 * <tr><td>125 ktime_get_boot_ns, 160 ktime_get_coarse_ns, 208 ktime_get_tai_ns, 118 jiffies64</td><td>read the
 *     clock {@code ktime_get_ns} (5) reads: the run's virtual clock, advanced 1000 ns by every clock read (a loaded
 *     extension reads its timers' {@link TimerClock} instead, TAI from its realtime); boot
 *     time is the monotonic clock (the model machine never suspends); coarse time is it rounded down to the last tick
 *     (HZ 250, 4 ms); TAI is it plus 37 s (the model's wall clock reads the Unix epoch at boot); jiffies count ticks from
 *     Linux's {@code INITIAL_JIFFIES} (2^32 - 300 HZ). So every clock is monotone, and coarse time never passes
 *     {@code ktime_get_ns}</td></tr>
 * <tr><td>195 map_lookup_percpu_elem</td><td>the value of CPU {@code cpu} (u32) in a per-CPU map, or 0 for a
 *     CPU beyond the runtime's ({@link LinuxMaps#cpus()}) or a missing key</td></tr>
 * <tr><td>164 for_each_map_elem</td><td>calls the callback with (map, key, value, ctx) for each element of an array,
 *     hash or LRU hash map (per-CPU: this CPU's value) until it returns non-zero; returns the elements visited; -EINVAL
 *     for flags. Arrays go by index; hashes in the order the map lists them (insertion order; an LRU hash's least
 *     recently used first, and the visit refreshes each), where Linux goes in bucket order, over the keys present when
 *     the iteration starts, skipping those deleted since. The key is a read-only copy</td></tr>
 * <tr><td>6 trace_printk, 177 trace_vprintk, 165 snprintf</td><td>{@link BpfPrintf}; the trace helpers return the
 *     line's length and cut the line to 511 bytes, snprintf returns the length with its NUL and writes what fits;
 *     -EINVAL for more than 12 arguments, a data length not a multiple of 8, or a bad format</td></tr>
 * <tr><td>105 strtol, 106 strtoul</td><td>{@link KernelStrtox}; the result is written (0 on error)</td></tr>
 * <tr><td>182 strncmp</td><td>Linux's {@code strncmp}: -1, 0 or 1</td></tr>
 * <tr><td>46 get_socket_cookie, 47 get_socket_uid, 79 skb_cgroup_id</td><td>the packet's socket is the one
 *     {@code BPF_PROG_TEST_RUN} gives it: owned by root (uid 0), in the cgroup of the process that runs the program
 *     (this JVM's cgroup v2 id, 0 where /proc/self/cgroup does not name one); its cookie is {@code cpu + 1} (Linux
 *     gives each test run's socket a fresh cookie from a global counter, which no model reproduces: only "non-zero and
 *     stable within a run" is Linux's)</td></tr>
 * <tr><td>17 get_cgroup_classid, 24 get_route_realm, 42 get_numa_node_id</td><td>0: no net_cls class, no route,
 *     one NUMA node, as in a test run</td></tr>
 * <tr><td>152 redirect_neigh</td><td>TC_ACT_REDIRECT (7); TC_ACT_SHOT (2) for flags or a parameter length under 20
 *     bytes (the redirect itself is the host's business, as for {@code bpf_redirect})</td></tr>
 * </table>
 */
final class GeneralHelpers {
    private static final long MASK32 = 0xffff_ffffL;
    /** The clock's step per read, as {@code ktime_get_ns}'s. */
    static final long CLOCK_STEP = 1000;
    /** Linux's {@code TICK_NSEC} at HZ 250 (the kernel these machines run). */
    static final long TICK_NS = 4_000_000;
    /** Linux's {@code INITIAL_JIFFIES} on 64 bits at HZ 250: the jiffies counter wraps its low 32 bits 5 minutes after boot. */
    static final long INITIAL_JIFFIES = (1L << 32) - 300 * 250;
    /** TAI minus UTC since 2017. */
    static final long TAI_OFFSET_NS = 37_000_000_000L;
    private static final long TC_ACT_SHOT = 2;
    private static final long TC_ACT_REDIRECT = 7;
    /** {@code sizeof(struct bpf_redir_neigh)}: a family and room for an IPv6 address. */
    private static final int REDIR_NEIGH_SIZE = 20;

    private GeneralHelpers() {}

    /** {@code base} plus these helpers, for one CPU's runs. */
    static Helpers addTo(Helpers base, LinuxMaps maps, RunState state) {
        KeyScratch keys = new KeyScratch(maps.slots());
        return base
                .with(125, "ktime_get_boot_ns", (m, pc, r1, r2, r3, r4, r5) -> state.monotonicNow())
                .with(160, "ktime_get_coarse_ns", (m, pc, r1, r2, r3, r4, r5) -> {
                    long now = state.monotonicNow();
                    return now - Long.remainderUnsigned(now, TICK_NS);
                })
                .with(208, "ktime_get_tai_ns", (m, pc, r1, r2, r3, r4, r5) -> state.realtimeNow() + TAI_OFFSET_NS)
                .with(118, "jiffies64", (m, pc, r1, r2, r3, r4, r5) ->
                        INITIAL_JIFFIES + Long.divideUnsigned(state.monotonicNow(), TICK_NS))
                .with(195, "map_lookup_percpu_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxMap map = LinuxHelpers.map(maps, r1, pc);
                    if (!map.perCpu()) {
                        throw new VmFault(pc, FaultKind.HELPER_FAILED, "bpf_map_lookup_percpu_elem needs a per-CPU map");
                    }
                    byte[] key = LinuxHelpers.read(m, r2, map.keySize(), pc, "key");
                    long cpu = r3 & MASK32;
                    return cpu >= maps.cpus() ? 0 : map.lookup(key, (int) cpu);
                })
                .with(164, "for_each_map_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxMap map = LinuxHelpers.map(maps, r1, pc);
                    if (r4 != 0) {
                        return -Errno.EINVAL;
                    }
                    return forEach(m, pc, map, r1, r2, r3, state.cpu, keys);
                })
                .with(165, "snprintf", (m, pc, r1, r2, r3, r4, r5) -> {
                    int size = LinuxHelpers.size(r2 & MASK32, pc);
                    if (size > 0) {
                        LinuxHelpers.checked(() -> m.checkWrite(r1, size, pc), "str");
                    }
                    Optional<long[]> args = varargs(m, r4, r5 & MASK32, pc);
                    if (args.isEmpty()) {
                        return -Errno.EINVAL;
                    }
                    return switch (BpfPrintf.format(constString(m, r3, pc), args.get(), m, pc, size)) {
                        case BpfPrintf.Result.Refused r -> r.errno();
                        case BpfPrintf.Result.Text t -> {
                            if (size > 0) {
                                int n = Math.min(t.stored().length, size - 1);
                                MemorySegment dst = MemorySegment.ofAddress(r1).reinterpret(size);
                                MemorySegment.copy(t.stored(), 0, dst, ValueLayout.JAVA_BYTE, 0, n);
                                dst.set(ValueLayout.JAVA_BYTE, n, (byte) 0);
                            }
                            yield t.length() + 1;
                        }
                    };
                })
                .with(177, "trace_vprintk", (m, pc, r1, r2, r3, r4, r5) -> {
                    Optional<long[]> args = varargs(m, r3, r4 & MASK32, pc);
                    return args.isEmpty() ? -Errno.EINVAL : trace(m, pc, r1, r2, args.get(), state);
                })
                .with(105, "strtol", (m, pc, r1, r2, r3, r4, r5) ->
                        parsed(m, pc, r4, KernelStrtox.strtol(LinuxHelpers.read(m, r1, LinuxHelpers.size(r2, pc), pc, "buf"), r3)))
                .with(106, "strtoul", (m, pc, r1, r2, r3, r4, r5) ->
                        parsed(m, pc, r4, KernelStrtox.strtoul(LinuxHelpers.read(m, r1, LinuxHelpers.size(r2, pc), pc, "buf"), r3)))
                .with(182, "strncmp", (m, pc, r1, r2, r3, r4, r5) -> {
                    byte[] s1 = LinuxHelpers.read(m, r1, LinuxHelpers.size(r2 & MASK32, pc), pc, "s1");
                    for (int i = 0; i < s1.length; i++) {
                        int c1 = s1[i] & 0xff;
                        int c2 = (int) m.load8(r3 + i, pc);
                        if (c1 != c2) {
                            return c1 < c2 ? -1 : 1;
                        }
                        if (c1 == 0) {
                            break;
                        }
                    }
                    return 0;
                })
                .with(46, "get_socket_cookie", (m, pc, r1, r2, r3, r4, r5) -> state.cpu + 1L)
                .with(47, "get_socket_uid", (m, pc, r1, r2, r3, r4, r5) -> 0)
                .with(79, "skb_cgroup_id", (m, pc, r1, r2, r3, r4, r5) -> ProcessCgroup.id())
                .with(17, "get_cgroup_classid", (m, pc, r1, r2, r3, r4, r5) -> 0)
                .with(24, "get_route_realm", (m, pc, r1, r2, r3, r4, r5) -> 0)
                .with(42, "get_numa_node_id", (m, pc, r1, r2, r3, r4, r5) -> 0)
                .with(152, "redirect_neigh", (m, pc, r1, r2, r3, r4, r5) -> {
                    int plen = (int) r3;
                    if ((plen != 0 && plen < REDIR_NEIGH_SIZE) || r4 != 0) {
                        return TC_ACT_SHOT;
                    }
                    if (plen != 0) {
                        LinuxHelpers.read(m, r2, REDIR_NEIGH_SIZE, pc, "params");
                    }
                    return TC_ACT_REDIRECT;
                });
    }

    /** {@code bpf_trace_printk} and {@code bpf_trace_vprintk}: the line goes to the run's log and the host's sink. */
    static long trace(Memory m, int pc, long fmt, long fmtSize, long[] args, RunState state) {
        byte[] format = LinuxHelpers.read(m, fmt, LinuxHelpers.size(fmtSize & MASK32, pc), pc, "format");
        return switch (BpfPrintf.format(format, args, m, pc, BpfPrintf.LINE_BUFFER)) {
            case BpfPrintf.Result.Refused r -> r.errno();
            case BpfPrintf.Result.Text t -> {
                String line = t.asString();
                String cut = line.substring(0, Math.min(line.length(), BpfPrintf.LINE_BUFFER - 1));
                state.trace(cut);
                state.traceSink.accept(cut);
                yield t.length();
            }
        };
    }

    /** The u64 arguments of snprintf and trace_vprintk; empty for Linux's -EINVAL (a length not a multiple of 8, over 12 values, no data). */
    private static Optional<long[]> varargs(Memory m, long data, long length, int pc) {
        if (length % 8 != 0 || length > BpfPrintf.MAX_VARARGS * 8L || (length != 0 && data == 0)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(LinuxHelpers.read(m, data, (int) length, pc, "data")).order(ByteOrder.LITTLE_ENDIAN);
        long[] args = new long[(int) length / 8];
        for (int i = 0; i < args.length; i++) {
            args[i] = b.getLong();
        }
        return Optional.of(args);
    }

    /** A constant string argument ({@code ARG_PTR_TO_CONST_STR}): its bytes and the NUL; faults where it runs out of its region. */
    private static byte[] constString(Memory m, long address, int pc) {
        java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
        for (long a = address; ; a++) {
            int b = (int) m.load8(a, pc);
            s.write(b);
            if (b == 0) {
                return s.toByteArray();
            }
        }
    }

    /** Writes strtol's or strtoul's value (0 on an error) and returns the bytes consumed or the error. */
    private static long parsed(Memory m, int pc, long res, KernelStrtox.Parsed p) {
        LinuxHelpers.write(m, res, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(p.consumed() < 0 ? 0 : p.value()).array(), pc, "res");
        return p.consumed();
    }

    private static long forEach(Memory m, int pc, LinuxMap map, long handle, long callback, long ctx, int cpu, KeyScratch keys) {
        int type = map.declaration().type();
        List<byte[]> order = new ArrayList<>();
        switch (type) {
            case LinuxMap.ARRAY, LinuxMap.PERCPU_ARRAY -> {
                for (long i = 0; i < map.declaration().maxEntries(); i++) {
                    order.add(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) i).array());
                }
            }
            case LinuxMap.HASH, LinuxMap.PERCPU_HASH, LinuxMap.LRU_HASH, LinuxMap.LRU_PERCPU_HASH ->
                    map.entries().forEach(e -> order.add(e.key()));
            default -> throw new VmFault(pc, FaultKind.HELPER_FAILED, "bpf_for_each_map_elem needs an array or hash map");
        }
        MemorySegment key = keys.take(map.keySize());
        try {
            long visited = 0;
            for (byte[] k : order) {
                long value = map.lookup(k, cpu);
                if (value == 0) {
                    continue; // deleted since the iteration began
                }
                visited++;
                MemorySegment.copy(k, 0, key, ValueLayout.JAVA_BYTE, 0, k.length);
                if (m.callFunction(callback, handle, key.address(), value, ctx, 0, pc) != 0) {
                    break;
                }
            }
            return visited;
        } finally {
            keys.give();
        }
    }

    /**
     * Read-only regions holding the key for {@code for_each_map_elem}'s callback, one per key size
     * and nesting level (a callback may iterate another map), made on first use and kept.
     */
    private static final class KeyScratch {
        private final ValueSlots slots;
        private final Map<Long, MemorySegment> made = new HashMap<>();
        private int depth;

        KeyScratch(ValueSlots slots) {
            this.slots = slots;
        }

        MemorySegment take(int size) {
            long k = (long) depth++ << 32 | size;
            return made.computeIfAbsent(k, x -> slots.allocate(size, Access.READ_ONLY, "for_each_map_elem key"));
        }

        void give() {
            depth--;
        }
    }
}
