package dev.warden.runtime.linux;

import dev.warden.vm.BudgetedHelper;
import dev.warden.vm.FaultKind;
import dev.warden.vm.FunctionReturn;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

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
 * <tr><td>5 ktime_get_ns</td><td>a virtual clock: the input's start, 1000 ns more at each call; a loaded extension
 *     ({@link LoadedObject}) reads the {@link TimerClock} its timers are due on, so that {@code BPF_F_TIMER_ABS} deadlines
 *     computed from it mean what they do in Linux</td></tr>
 * <tr><td>6 trace_printk</td><td>formats ({@link BpfPrintf}) into the run's log and the host's trace sink; returns the
 *     length; -EINVAL for a format Linux refuses</td></tr>
 * <tr><td>7 get_prandom_u32</td><td>from the input's seed</td></tr>
 * <tr><td>8 get_smp_processor_id</td><td>the CPU the run holds (0 with one CPU)</td></tr>
 * <tr><td>12 tail_call</td><td>jumps to the program in the program array's slot (the run loop starts it on the same
 *     context and its r0 is the invocation's); from a bpf-to-bpf subprogram the target runs in the subprogram's place
 *     and its r0 is what the subprogram returns to its caller (Linux since 5.10); an empty slot, an index out of
 *     range or a 34th tail call of the invocation returns -ENOENT and the program continues, as in Linux</td></tr>
 * <tr><td>87 map_push_elem, 88 map_pop_elem, 89 map_peek_elem</td><td>queue and stack maps, Linux's flags and errors</td></tr>
 * <tr><td>93 spin_lock, 94 spin_unlock</td><td>a real lock on the u32 {@code struct bpf_spin_lock} in a map value
 *     (compare-and-set, spinning); one lock held at a time, as the kernel's verifier requires; a run that ends
 *     holding it releases it</td></tr>
 * <tr><td>169 timer_init, 170 timer_set_callback, 171 timer_start, 172 timer_cancel</td><td>{@link TimerHelpers}
 *     on the object's {@link BpfTimers}: Linux's error codes; callbacks fire later on a CPU of the extension</td></tr>
 * <tr><td>181 loop</td><td>calls the callback (a function of the program, through the engine's
 *     {@link dev.warden.vm.FunctionCaller}) with (index, ctx) until it returns non-zero or {@code nr_loops} runs are
 *     done; returns the iterations run; -EINVAL for flags, -E2BIG over 2^23 iterations; each callback run has a
 *     budget of its own</td></tr>
 * <tr><td>131 ringbuf_reserve, 132 ringbuf_submit, 133 ringbuf_discard, 134 ringbuf_query</td><td>{@link RingBufMap};
 *     a run that ends with a reservation outstanding discards it</td></tr>
 * <tr><td>14 get_current_pid_tgid, 15 get_current_uid_gid, 16 get_current_comm</td><td>the input's ids, root, "warden"</td></tr>
 * <tr><td>23 redirect, 51 redirect_map</td><td>XDP_REDIRECT / TC_ACT_REDIRECT; redirect_map finds no entry and returns the flags' fallback action</td></tr>
 * <tr><td>25 perf_event_output</td><td>reads the data, drops it, returns what Linux returns when no perf event is
 *     open in the slot (none can be here): -ENOENT, -E2BIG for an index beyond the array, -EINVAL for bad flags</td></tr>
 * <tr><td>130 ringbuf_output</td><td>copies the data into the ring buffer; -EAGAIN when it is full</td></tr>
 * <tr><td>26 skb_load_bytes</td><td>copies from the packet; -EFAULT outside it</td></tr>
 * <tr><td>9-11, 13, 18, 19, 28, 31, 32, 34, 38-41, 43, 44, 48, 50, 54, 65, 68, 69, 135, 155, 163, 188-190</td><td>the
 *     packet helpers: {@link PacketHelpers}</td></tr>
 * </table>
 *
 * <p>{@link GeneralHelpers} adds the other helpers that neither change packets nor trace the kernel.
 */
final class LinuxHelpers {
    private static final long MASK32 = 0xffff_ffffL;
    private static final long XDP_REDIRECT = 4;
    private static final long TC_ACT_REDIRECT = 7;
    /** Linux's {@code BPF_MAX_LOOPS}: the most iterations {@code bpf_loop} runs. */
    static final long BPF_MAX_LOOPS = 1L << 23;

    private LinuxHelpers() {}

    /** Linux's helpers for one CPU's runs; {@code tailTargets} says which programs a tail call may start. */
    static Helpers table(LinuxProgramType type, LinuxMaps maps, RunState state, PacketBuffer packet,
                         TailTargets tailTargets) {
        return PacketHelpers.add(TimerHelpers.add(GeneralHelpers.addTo(TracingHelpers.table(type, maps, state), maps, state), maps, state),
                        type, state, packet)
                .with(1, "map_lookup_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxMap map = map(maps, r1, pc);
                    byte[] key = read(m, r2, map.keySize(), pc, "key");
                    long v = map.lookup(key, state.cpu);
                    if (v == 0) {
                        state.missed(map.declaration().index(), key);
                    }
                    return v;
                })
                .with(2, "map_update_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxMap map = map(maps, r1, pc);
                    byte[] key = read(m, r2, map.keySize(), pc, "key");
                    byte[] value = read(m, r3, map.valueSize(), pc, "value");
                    return map.update(key, value, r4, state.cpu);
                })
                .with(3, "map_delete_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxMap map = map(maps, r1, pc);
                    return map.delete(read(m, r2, map.keySize(), pc, "key"));
                })
                .with(5, "ktime_get_ns", (m, pc, r1, r2, r3, r4, r5) -> state.monotonicNow())
                .with(6, "trace_printk", (m, pc, r1, r2, r3, r4, r5) -> GeneralHelpers.trace(m, pc, r1, r2, new long[] {r3, r4, r5}, state))
                .with(7, "get_prandom_u32", (m, pc, r1, r2, r3, r4, r5) -> state.random.nextInt() & MASK32)
                .with(8, "get_smp_processor_id", (m, pc, r1, r2, r3, r4, r5) -> state.cpu)
                .with(12, "tail_call", (BudgetedHelper) (m, pc, r1, r2, r3, r4, r5) -> {
                    if (!(map(maps, r2, pc) instanceof ProgArrayMap array)) {
                        throw new VmFault(pc, FaultKind.HELPER_FAILED, "bpf_tail_call needs a program array");
                    }
                    OptionalInt target = array.target(r3 & MASK32);
                    if (target.isEmpty() || !tailTargets.loads(target.getAsInt()) || state.tailCalls >= RunState.MAX_TAIL_CALLS) {
                        return -Errno.ENOENT;
                    }
                    state.tailCalls++;
                    if (m.depth() > m.outermostDepth()) {
                        // From a subprogram (Linux since 5.10): the target takes the subprogram's
                        // place, and its r0 is what the subprogram returns to its caller.
                        throw new FunctionReturn(tailTargets.runInPlaceOf(m, target.getAsInt(), r1));
                    }
                    throw new TailCall(target.getAsInt());
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
                    LinuxMap events = map(maps, r2, pc);
                    read(m, r4, size(r5, pc), pc, "data");
                    return perfEventOutput(events, r3, state.cpu, type.hasPacket() ? state.packetEnd - state.packetStart : NO_PACKET);
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
                .with(51, "redirect_map", (m, pc, r1, r2, r3, r4, r5) -> {
                    map(maps, r1, pc);
                    return r3 & 3; // no entry is present: the fallback action in the flags' low bits
                })
                .with(87, "map_push_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    QueueStackMap q = queue(maps, r1, pc);
                    return q.push(read(m, r2, q.valueSize(), pc, "value"), r3);
                })
                .with(88, "map_pop_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    QueueStackMap q = queue(maps, r1, pc);
                    checked(() -> m.checkWrite(r2, Math.max(q.valueSize(), 1), pc), "value");
                    Optional<byte[]> v = q.pop();
                    if (v.isEmpty()) {
                        return -Errno.ENOENT;
                    }
                    write(m, r2, v.get(), pc, "value");
                    return 0;
                })
                .with(89, "map_peek_elem", (m, pc, r1, r2, r3, r4, r5) -> {
                    QueueStackMap q = queue(maps, r1, pc);
                    checked(() -> m.checkWrite(r2, Math.max(q.valueSize(), 1), pc), "value");
                    Optional<byte[]> v = q.peek();
                    if (v.isEmpty()) {
                        return -Errno.ENOENT;
                    }
                    write(m, r2, v.get(), pc, "value");
                    return 0;
                })
                .with(93, "spin_lock", (m, pc, r1, r2, r3, r4, r5) -> {
                    if (!state.heldLocks.isEmpty()) {
                        throw new VmFault(pc, FaultKind.HELPER_FAILED, "bpf_spin_lock while this run holds a spin lock");
                    }
                    // compareExchange32 checks the region, its writability and the alignment.
                    while (m.compareExchange32(r1, 0, 1, pc) != 0) {
                        Thread.onSpinWait();
                    }
                    state.hold(r1);
                    return 0;
                })
                .with(94, "spin_unlock", (m, pc, r1, r2, r3, r4, r5) -> {
                    if (!state.heldLocks.remove(Long.valueOf(r1))) {
                        throw new VmFault(pc, FaultKind.HELPER_FAILED, "bpf_spin_unlock of a lock this run does not hold");
                    }
                    m.exchange32(r1, 0, pc);
                    return 0;
                })
                .with(130, "ringbuf_output", (m, pc, r1, r2, r3, r4, r5) -> {
                    RingBufMap ring = ring(maps, r1, pc);
                    return ring.output(read(m, r2, size(r3, pc), pc, "data"), r4);
                })
                .with(131, "ringbuf_reserve", (m, pc, r1, r2, r3, r4, r5) -> {
                    RingBufMap ring = ring(maps, r1, pc);
                    OptionalLong a = ring.reserve(r2, r3);
                    if (a.isEmpty()) {
                        return 0;
                    }
                    state.reserve(new RunState.Reservation(ring, a.getAsLong()));
                    return a.getAsLong();
                })
                .with(132, "ringbuf_submit", (m, pc, r1, r2, r3, r4, r5) -> release(state, r1, pc, RingBufMap.Release.SUBMIT))
                .with(133, "ringbuf_discard", (m, pc, r1, r2, r3, r4, r5) -> release(state, r1, pc, RingBufMap.Release.DISCARD))
                .with(134, "ringbuf_query", (m, pc, r1, r2, r3, r4, r5) -> ring(maps, r1, pc).query(r2))
                .with(181, "loop", (m, pc, r1, r2, r3, r4, r5) -> {
                    // Linux's bpf_loop: u32 nr_loops; the callback gets (index, ctx) and stops the loop with 1.
                    long n = r1 & MASK32;
                    if (r4 != 0) {
                        return -Errno.EINVAL;
                    }
                    if (n > BPF_MAX_LOOPS) {
                        return -Errno.E2BIG;
                    }
                    for (long i = 0; i < n; i++) {
                        if (m.callFunction(r2, i, r3, 0, 0, 0, pc) != 0) {
                            return i + 1;
                        }
                    }
                    return n;
                });
    }

    /** Submits or discards a reservation of this run; anything else is a fault (the verifier's job in Linux). */
    private static long release(RunState state, long address, int pc, RingBufMap.Release how) {
        for (int i = 0; i < state.reservations.size(); i++) {
            RunState.Reservation r = state.reservations.get(i);
            if (r.address() == address) {
                state.reservations.remove(i);
                r.map().commit(address, how);
                return 0;
            }
        }
        throw new VmFault(pc, FaultKind.HELPER_FAILED, "0x" + Long.toHexString(address)
                + " is no ring buffer reservation this run holds");
    }

    private static QueueStackMap queue(LinuxMaps maps, long handle, int pc) {
        if (map(maps, handle, pc) instanceof QueueStackMap q) {
            return q;
        }
        throw new VmFault(pc, FaultKind.HELPER_FAILED, "push, pop and peek need a queue or stack map");
    }

    private static RingBufMap ring(LinuxMaps maps, long handle, int pc) {
        if (map(maps, handle, pc) instanceof RingBufMap r) {
            return r;
        }
        throw new VmFault(pc, FaultKind.HELPER_FAILED, "ring buffer helpers need a ring buffer map");
    }

    /**
     * {@code bpf_perf_event_output}'s result in Linux when no perf event is open in the slot, which
     * is always here (no host can open one): flags beyond the index and the packet bytes to append
     * -EINVAL, more packet bytes than the packet has -EFAULT, an index ({@code BPF_F_CURRENT_CPU}: the
     * run's CPU) at or beyond {@code max_entries} -E2BIG, else -ENOENT (the xdp and skb versions,
     * {@code bpf_xdp_event_output} and {@code bpf_skb_event_output}). Until the kernel differential
     * showed it, this returned 0, as if the record had gone out.
     */
    static long perfEventOutput(LinuxMap events, long flags, int cpu, long packetLength) {
        // The tracing types' bpf_perf_event_output has nothing to append: any flag beyond the index is -EINVAL.
        long allowed = packetLength == NO_PACKET ? BPF_F_INDEX_MASK : BPF_F_INDEX_MASK | BPF_F_CTXLEN_MASK;
        if ((flags & ~allowed) != 0) {
            return -Errno.EINVAL;
        }
        if (packetLength != NO_PACKET && (flags & BPF_F_CTXLEN_MASK) >>> 32 > packetLength) {
            return -Errno.EFAULT;
        }
        long index = flags & BPF_F_INDEX_MASK;
        if (index == BPF_F_CURRENT_CPU) {
            index = cpu;
        }
        // libbpf sizes an array declared without max_entries to the possible CPUs; the run's CPU is among them.
        long slots = events.declaration().maxEntries();
        if (slots > 0 && index >= slots) {
            return -Errno.E2BIG;
        }
        return -Errno.ENOENT;
    }

    /** {@link #perfEventOutput}'s packet length for a type without a packet. */
    static final long NO_PACKET = -1;
    private static final long BPF_F_INDEX_MASK = 0xffff_ffffL;
    private static final long BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;
    private static final long BPF_F_CTXLEN_MASK = 0xfffffL << 32;

    static LinuxMap map(LinuxMaps maps, long handle, int pc) {
        return maps.byHandle(handle).orElseThrow(() -> new VmFault(pc, FaultKind.HELPER_FAILED,
                "0x" + Long.toHexString(handle) + " is not a map"));
    }

    /** A size argument: the kernel's helpers take sizes up to 2^31 at most; more is the verifier's fault. */
    static int size(long n, int pc) {
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
    static void checked(Runnable check, String what) {
        try {
            check.run();
        } catch (VmFault f) {
            throw new VmFault(f.fault().pc(), f.fault().kind(), "helper " + what + " argument: " + f.fault().message());
        }
    }
}
