package dev.warden.runtime.kernel;

import dev.warden.isa.Instruction;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxInput;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.MapEntry;
import dev.warden.runtime.linux.MapsBefore;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import dev.warden.vm.ProgramRefusedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The program-level oracle for maps and helpers: one program of an object runs on one packet in
 * Warden (each engine asked for, through {@link LinuxEnvironment} as {@code warden exec --type}
 * runs it) and in the kernel ({@code BPF_PROG_LOAD} with the object's maps created as libbpf does,
 * then {@code BPF_PROG_TEST_RUN}), both sides' maps seeded alike ({@link MapSeed}); then r0, the
 * output packet and every map's contents must agree ({@link RunComparison}).
 *
 * <p>What is compared, and how:
 * <ul>
 * <li>r0: the kernel reports its low 32 bits, so Warden's r0 is truncated to 32 bits.
 * <li>the packet: the kernel's output packet against Warden's packet after the run ({@code data} to
 *     {@code data_end}). A socket filter's test run starts the packet at the network header and
 *     puts back a zeroed Ethernet header on output, so Warden is given the packet without its first
 *     14 bytes and its output is compared behind 14 zero bytes.
 * <li>maps: listed with {@code BPF_MAP_GET_NEXT_KEY}/{@code LOOKUP_ELEM} (queues and stacks by
 *     popping, ring buffers by reading the mmap'ed ring as a consumer does) against the same map in
 *     Warden; an array index one side does not list reads as zero. Per-CPU maps: the kernel's test
 *     run is pinned to CPU 0 ({@link CpuPin}), the CPU of Warden's single-CPU environment, so CPU 0's
 *     values are compared exactly; the kernel's other possible CPUs must still hold what the seed
 *     put there (or zero). Program arrays are not compared (their values are file descriptors).
 * </ul>
 *
 * <p>A program (or a tail-call target) that calls a helper whose result differs between runs
 * ({@link #NONDETERMINISTIC}: clocks, random numbers, the current task) runs twice in the kernel,
 * and only what both kernel runs agree on is compared with Warden ({@link StableParts}); what they
 * disagree on is listed in the comparison as not compared. A value the helper affects that happens
 * to repeat (a coarse clock read twice in the same tick) is still compared, and may show up as a
 * difference that is the clock's, not Warden's: such a report names the helpers.
 * {@code bpf_get_smp_processor_id} is deterministic here: both sides run on CPU 0.
 */
public final class ObjectDifferential {
    private ObjectDifferential() {}

    /** Helpers whose results differ between two runs (or between the kernel and Warden's virtual values), by id. */
    public static final Map<Integer, String> NONDETERMINISTIC = nondeterministic();

    private static Map<Integer, String> nondeterministic() {
        Map<Integer, String> m = new TreeMap<>();
        m.put(5, "ktime_get_ns");
        m.put(7, "get_prandom_u32");
        m.put(14, "get_current_pid_tgid");
        m.put(15, "get_current_uid_gid");
        m.put(16, "get_current_comm");
        m.put(34, "get_hash_recalc");
        m.put(35, "get_current_task");
        m.put(46, "get_socket_cookie");
        m.put(118, "jiffies64");
        m.put(125, "ktime_get_boot_ns");
        m.put(160, "ktime_get_coarse_ns");
        m.put(208, "ktime_get_tai_ns");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The shortest packet the kernel's test run takes (an Ethernet header). */
    public static final int MIN_PACKET = 14;
    /** Room beyond the input for the output packet: {@code bpf_xdp_adjust_head} may grow it by the headroom. */
    private static final int GROWTH = 256;
    /** At most this many differences are listed per run; the first is the one that matters. */
    private static final int MAX_DIFFERENCES = 8;

    /** The kernel program type that runs {@code type}. */
    public static ProgType progType(LinuxProgramType type) {
        return switch (type.name()) {
            case "xdp" -> ProgType.XDP;
            case "tc" -> ProgType.SCHED_CLS;
            default -> ProgType.SOCKET_FILTER;
        };
    }

    /**
     * Runs {@code program} of {@code object} as {@code type} on {@code packet} with maps seeded by
     * {@code seed}, once in the kernel and once per engine in Warden: one comparison per engine, or
     * a single {@link RunComparison.Skipped} when the run cannot be compared (the oracle is
     * unavailable, the kernel rejects the program, a nondeterministic helper, a packet shorter than
     * {@link #MIN_PACKET}).
     *
     * @throws IllegalArgumentException for a type without a packet (the tracing types)
     */
    public static List<RunComparison> compare(BpfObject object, BpfProgram program, LinuxProgramType type, byte[] packet,
                                              MapSeed seed, List<Engine> engines) {
        if (!type.hasPacket()) {
            throw new IllegalArgumentException("the kernel's test run compares xdp, tc and socket programs on a packet, not "
                    + type.name() + " programs");
        }
        String name = program.name();
        if (KernelOracle.available() instanceof Availability.Unavailable u) {
            return List.of(new RunComparison.Skipped(name, "kernel oracle unavailable: " + u.reason()));
        }
        Optional<String> nondeterministic = nondeterministicCalls(object, program, seed);
        if (callsHelper(program, TIMER_START)) {
            // Linux fires the callbacks after the test run, while the maps are read; a run here never fires them.
            return List.of(new RunComparison.Skipped(name, "it starts bpf_timers, whose callbacks Linux runs after the test run"
                    + " and a single run here never does (TimersAgreeWithTheKernelTest compares them, callbacks included)"));
        }
        if (packet.length < MIN_PACKET) {
            return List.of(new RunComparison.Skipped(name, "a packet of " + packet.length
                    + " bytes: the kernel's test run needs at least " + MIN_PACKET));
        }
        Optional<String> refused = skbRefuses(type, packet);
        if (refused.isPresent()) {
            return List.of(new RunComparison.Skipped(name, refused.get()));
        }
        KernelSide kernel;
        StableParts stable = StableParts.ALL;
        try {
            kernel = runKernel(object, program, type, packet, seed);
            if (nondeterministic.isPresent()) {
                KernelSide again = runKernel(object, program, type, packet, seed);
                stable = StableParts.between(kernel.r0(), again.r0(), kernel.packet(), again.packet(), kernel.maps(),
                        again.maps(), nondeterministic.get());
            }
        } catch (KernelRefusal e) {
            return List.of(new RunComparison.Skipped(name, e.getMessage()));
        }
        List<RunComparison> out = new ArrayList<>();
        for (Engine engine : engines) {
            out.add(compareOne(object, program, type, packet, seed, engine, kernel, stable));
        }
        return out;
    }

    /**
     * The kernel's test run of the {@code __sk_buff} types refuses (EINVAL) an IPv4 frame without a
     * whole IPv4 header (under 34 bytes) and an IPv6 frame without a whole IPv6 header (under 54),
     * measured on Linux 6.18; xdp runs them.
     */
    static Optional<String> skbRefuses(LinuxProgramType type, byte[] packet) {
        if (progType(type) == ProgType.XDP) {
            return Optional.empty();
        }
        int etherType = (packet[12] & 0xff) << 8 | packet[13] & 0xff;
        int least = switch (etherType) {
            case 0x0800 -> MIN_PACKET + 20;
            case 0x86dd -> MIN_PACKET + 40;
            default -> 0;
        };
        return packet.length < least ? Optional.of("a packet of " + packet.length + " bytes: the kernel's test run of "
                + type.name() + " refuses " + (etherType == 0x0800 ? "IPv4" : "IPv6") + " frames under " + least + " bytes")
                : Optional.empty();
    }

    private static final int TIMER_START = 171;

    private static boolean callsHelper(BpfProgram program, int id) {
        return program.program().instructions().stream()
                .anyMatch(i -> i instanceof Instruction.Call c && c.kind() == Instruction.CallKind.HELPER && c.imm() == id);
    }

    /** "ktime_get_ns (5), get_prandom_u32 (7)" for the nondeterministic helpers the program or its tail-call targets call. */
    static Optional<String> nondeterministicCalls(BpfObject object, BpfProgram program, MapSeed seed) {
        TreeSet<Integer> ids = new TreeSet<>();
        List<BpfProgram> reached = new ArrayList<>(List.of(program));
        seed.programSlots().values().forEach(slots -> slots.values().forEach(n -> object.program(n).ifPresent(reached::add)));
        for (BpfProgram p : reached) {
            for (Instruction i : p.program().instructions()) {
                if (i instanceof Instruction.Call c && c.kind() == Instruction.CallKind.HELPER
                        && NONDETERMINISTIC.containsKey(c.imm())) {
                    ids.add(c.imm());
                }
            }
        }
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join(", ", ids.stream().map(id -> "bpf_" + NONDETERMINISTIC.get(id) + " (" + id + ")").toList()));
    }

    /** What the kernel gave: r0, the output packet, each map's contents by declaration order. */
    private record KernelSide(int r0, byte[] packet, List<MapSnapshot> maps) {}

    /** The kernel cannot run the comparison (rejected program, failed test run): a reason to skip, not a difference. */
    private static final class KernelRefusal extends Exception {
        KernelRefusal(String message) {
            super(message, null, false, false);
        }
    }

    private static KernelSide runKernel(BpfObject object, BpfProgram program, LinuxProgramType type, byte[] packet,
                                        MapSeed seed) throws KernelRefusal {
        ProgType pt = progType(type);
        List<KernelProgram> loaded = new ArrayList<>();
        KernelMaps maps;
        try {
            maps = KernelMaps.create(object);
        } catch (IllegalStateException e) {
            throw new KernelRefusal("the kernel cannot create the object's maps: " + e.getMessage());
        }
        try {
            List<BpfMap> decls = maps.declarations();
            List<Integer> fds = maps.fds();
            TestRunResult result;
            // Seeding runs pinned too: an LRU hash hands its free elements to the lists of the CPU
            // that first updates it, so a seed written from another CPU can make the test run on
            // CPU 0 evict below capacity (a test flaked on it), which Warden's one CPU never does.
            try (CpuPin pin = CpuPin.toCpuZero()) {
                if (!pin.pinned()) {
                    throw new KernelRefusal("cannot pin the kernel side to CPU 0 (sched_setaffinity failed)");
                }
                for (int i = 0; i < decls.size(); i++) {
                    BpfMap m = decls.get(i);
                    for (MapEntry e : seed.elements().getOrDefault(m.name(), List.of())) {
                        byte[] v = MapSnapshot.perCpu(m.type()) ? KernelMapAccess.perCpuValue(m, e.value()) : e.value();
                        check(KernelMapAccess.update(fds.get(i), m, e.key(), v, 0), "seeding map " + m.name());
                    }
                    for (byte[] v : seed.pushes().getOrDefault(m.name(), List.of())) {
                        check(KernelMapAccess.update(fds.get(i), m, new byte[0], v, 0), "pushing onto map " + m.name());
                    }
                    for (Map.Entry<Integer, String> slot : seed.programSlots().getOrDefault(m.name(), Map.of()).entrySet()) {
                        BpfProgram target = object.program(slot.getValue()).orElseThrow(() ->
                                new IllegalArgumentException("the object has no program " + slot.getValue()));
                        KernelProgram t = load(pt, maps, target, loaded);
                        check(KernelMapAccess.update(fds.get(i), m, u32(slot.getKey()), u32(t.fd()), 0),
                                "putting " + target.name() + " into map " + m.name());
                    }
                }
                KernelProgram entry = load(pt, maps, program, loaded);
                result = entry.testRun(packet, packet.length + GROWTH, context(pt));
            }
            return switch (result) {
                case TestRunResult.Failed f -> throw new KernelRefusal("the kernel's test run failed: " + f.error());
                case TestRunResult.Ran r -> {
                    List<MapSnapshot> snapshots = new ArrayList<>();
                    for (int i = 0; i < decls.size(); i++) {
                        snapshots.add(KernelMapAccess.read(fds.get(i), decls.get(i)));
                    }
                    yield new KernelSide(r.retval(), r.dataOut(), snapshots);
                }
            };
        } finally {
            loaded.forEach(KernelProgram::close);
            maps.close();
        }
    }

    /**
     * The test run's {@code ctx_in}: for the {@code __sk_buff} types, {@code ingress_ifindex} and
     * {@code ifindex} 1, the interface Warden's runs arrive on (without it the kernel's packet was
     * never received: {@code ingress_ifindex} 0); xdp's defaults already match (loopback, queue 0).
     */
    private static byte[] context(ProgType pt) {
        if (pt == ProgType.XDP) {
            return new byte[0];
        }
        byte[] skb = new byte[SK_BUFF_SIZE];
        skb[SK_BUFF_INGRESS_IFINDEX] = 1;
        skb[SK_BUFF_IFINDEX] = 1;
        return skb;
    }

    private static final int SK_BUFF_SIZE = 192;
    private static final int SK_BUFF_INGRESS_IFINDEX = 36;
    private static final int SK_BUFF_IFINDEX = 40;

    private static KernelProgram load(ProgType pt, KernelMaps maps, BpfProgram p, List<KernelProgram> loaded)
            throws KernelRefusal {
        return switch (KernelOracle.loadWithMaps(pt, maps, p.program())) {
            case LoadResult.Rejected r -> throw new KernelRefusal("the kernel rejects " + p.name() + ": " + r.reason());
            case LoadResult.Loaded l -> {
                loaded.add(l.program());
                yield l.program();
            }
        };
    }

    private static void check(long rc, String what) throws KernelRefusal {
        if (rc != 0) {
            throw new KernelRefusal(what + " failed in the kernel: errno " + -rc);
        }
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static RunComparison compareOne(BpfObject object, BpfProgram program, LinuxProgramType type, byte[] packet,
                                            MapSeed seed, Engine engine, KernelSide kernel, StableParts stable) {
        String name = program.name();
        String e = engine.name();
        boolean socket = progType(type) == ProgType.SOCKET_FILTER;
        byte[] wardenPacket = socket ? Arrays.copyOfRange(packet, MIN_PACKET, packet.length) : packet;
        List<RunComparison.Difference> diffs = new ArrayList<>();
        List<String> notCompared = new ArrayList<>(stable.notes());
        try (LinuxEnvironment env = LinuxEnvironment.load(object, program, type, LinuxEnvironment.DEFAULT_BUDGET, engine)) {
            seedWarden(env, seed);
            ExecResult result = env.run(LinuxInput.ofPacket(wardenPacket), MapsBefore.KEPT);
            switch (result) {
                case ExecResult.Faulted f -> diffs.add(new RunComparison.Difference(name, e, "run",
                        "returned r0 = " + kernel.r0(), "faulted: " + f.fault()));
                case ExecResult.Returned r -> {
                    if (stable.r0() && (int) r.r0() != kernel.r0()) {
                        diffs.add(new RunComparison.Difference(name, e, "r0", "0x" + Integer.toHexString(kernel.r0()),
                                "0x" + Integer.toHexString((int) r.r0())));
                    }
                }
            }
            byte[] out = env.packet();
            if (socket) {
                out = concat(new byte[MIN_PACKET], out);
            }
            if (stable.packet() && !Arrays.equals(out, kernel.packet())) {
                diffs.add(new RunComparison.Difference(name, e, "packet", describe(kernel.packet()), describe(out)));
            }
            for (MapSnapshot k : kernel.maps()) {
                if (k.shape() == MapSnapshot.Shape.NOT_COMPARED) {
                    notCompared.add("map " + k.name() + " (a program array)");
                    continue;
                }
                if (stable.unstableMaps().contains(k.name())) {
                    continue;
                }
                HostMap h = env.map(k.name()).orElseThrow();
                MapComparison.compare(name, e, k, wardenSnapshot(h, k.shape()), seed,
                        stable.unstableKeys().getOrDefault(k.name(), java.util.Set.of()), diffs);
            }
        } catch (ProgramRefusedException | IllegalArgumentException | IllegalStateException x) {
            diffs.add(new RunComparison.Difference(name, e, "load", "loads and runs", "cannot run it: " + x.getMessage()));
        }
        if (diffs.isEmpty()) {
            return new RunComparison.Agreed(name, e, notCompared);
        }
        return new RunComparison.Differed(name, e, diffs.subList(0, Math.min(diffs.size(), MAX_DIFFERENCES)));
    }

    private static void seedWarden(LinuxEnvironment env, MapSeed seed) {
        seed.elements().forEach((map, entries) -> {
            HostMap h = env.map(map).orElseThrow(() -> new IllegalArgumentException("no map " + map));
            for (MapEntry e : entries) {
                long rc = h.update(e.key(), e.value(), HostMap.ANY);
                if (rc != 0) {
                    throw new IllegalStateException("seeding map " + map + " failed: " + rc);
                }
            }
        });
        seed.pushes().forEach((map, values) -> {
            HostMap h = env.map(map).orElseThrow(() -> new IllegalArgumentException("no map " + map));
            values.forEach(v -> h.push(v, HostMap.ANY));
        });
        seed.programSlots().forEach((map, slots) -> {
            HostMap h = env.map(map).orElseThrow(() -> new IllegalArgumentException("no map " + map));
            slots.forEach(h::setProgram);
        });
    }

    private static MapSnapshot wardenSnapshot(HostMap h, MapSnapshot.Shape shape) {
        if (shape == MapSnapshot.Shape.SEQUENCE) {
            return new MapSnapshot(h.name(), shape, Map.of(), h.entries().stream().map(MapEntry::value).toList());
        }
        Map<String, List<byte[]>> elements = new LinkedHashMap<>();
        for (MapEntry e : h.entries()) {
            elements.put(MapSnapshot.hex(e.key()), h.lookupPerCpu(e.key()));
        }
        return new MapSnapshot(h.name(), shape, elements, List.of());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** "N bytes: hex" with at most the first 64 bytes. */
    static String describe(byte[] b) {
        String hex = MapSnapshot.hex(b.length > 64 ? Arrays.copyOf(b, 64) : b);
        return b.length + " bytes " + hex + (b.length > 64 ? "..." : "");
    }
}
