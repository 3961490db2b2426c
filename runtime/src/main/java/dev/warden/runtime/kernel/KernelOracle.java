package dev.warden.runtime.kernel;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.elf.BpfProgram;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Linux kernel as an oracle: loads eBPF programs with {@code BPF_PROG_LOAD} (the kernel
 * verifier and JIT) and runs them with {@code BPF_PROG_TEST_RUN}, all through the bpf(2)
 * system call bound with {@code java.lang.foreign}. Needs Linux on x86-64 or arm64 and root (or
 * CAP_BPF with CAP_NET_ADMIN); {@link #available()} says whether that holds here.
 */
public final class KernelOracle {
    private KernelOracle() {}

    /** Bytes of verifier log kept when a program is rejected; the kernel keeps the tail. */
    private static final int LOG_BYTES = 1 << 20;

    private static final class Probe {
        static final Availability RESULT = probe();
    }

    /**
     * Whether bpf() works here: the platform is Linux x86-64 or arm64, no kernel task is stuck in
     * the BPF JIT's allocator (a deadlock after which every load hangs; see {@link StuckJit}), and a
     * two-instruction {@link ProgType#SCHED_CLS} program loads and test-runs with the expected
     * result within 20 seconds. Computed once.
     */
    public static Availability available() {
        return Probe.RESULT;
    }

    private static final class V4Probe {
        static final boolean RESULT = probeCpuV4();
    }

    /**
     * Whether the kernel implements CPU v4 (Linux 6.6+): it accepts a program using sdiv, smod,
     * movsx, bswap, a sign-extending load and {@code gotol}. False when the oracle is unavailable.
     */
    public static boolean supportsCpuV4() {
        return V4Probe.RESULT;
    }

    private static boolean probeCpuV4() {
        if (!(available() instanceof Availability.Available)) {
            return false;
        }
        try {
            Program v4 = Program.of(
                    new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(-7)),
                    new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(2)),
                    new Instruction.Alu(Width.W64, AluOp.SDIV, Reg.R0, Reg.R1),
                    new Instruction.Alu(Width.W32, AluOp.SMOD, Reg.R0, new Imm(3)),
                    new Instruction.Alu(Width.W64, AluOp.MOVSX8, Reg.R0, Reg.R0),
                    new Instruction.Endian(Instruction.ByteOrder.SWAP, 16, Reg.R0),
                    new Instruction.StoreReg(Size.DW, Reg.R10, Reg.R0, -8),
                    new Instruction.Load(Size.B, Instruction.Extension.SIGN, Reg.R0, Reg.R10, -8),
                    new Instruction.Goto(0, Instruction.GotoForm.LONG),
                    new Instruction.Exit());
            return accepts(ProgType.SCHED_CLS, v4);
        } catch (InvalidProgramException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether the running kernel's verifier accepts {@code program}, as a load that is closed at once. */
    public static boolean accepts(ProgType type, Program program) {
        return switch (load(type, program)) {
            case LoadResult.Loaded l -> {
                l.program().close();
                yield true;
            }
            case LoadResult.Rejected r -> false;
        };
    }

    /**
     * Loads {@code program} under the "GPL" license. The verifier runs without a log first (a
     * log costs time on every accepted program); a rejected program is loaded again with a
     * log so that the rejection carries the verifier's reason.
     */
    public static LoadResult load(ProgType type, Program program) {
        byte[] code = program.encode();
        // One load at a time per JVM, with the anchor in place: see Anchor.
        synchronized (Anchor.class) {
            Anchor.ensureLoaded();
            return loadLocked(type, code);
        }
    }

    private static LoadResult loadLocked(ProgType type, byte[] code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, insns, ValueLayout.JAVA_BYTE, 0, code.length);
            MemorySegment license = arena.allocateFrom("GPL");
            Bpf.Ret r = loadOnce(arena, type, insns, code.length / 8, license, MemorySegment.NULL);
            if (!r.failed()) {
                return new LoadResult.Loaded(new KernelProgram((int) r.value(), type));
            }
            MemorySegment log = arena.allocate(LOG_BYTES);
            Bpf.Ret again = loadOnce(arena, type, insns, code.length / 8, license, log);
            if (!again.failed()) {
                // Accepted the second time: the first refusal was transient (e.g. ENOMEM), not the verifier.
                return new LoadResult.Loaded(new KernelProgram((int) again.value(), type));
            }
            return new LoadResult.Rejected("BPF_PROG_LOAD: " + Bpf.describe(r.errno()), log.getString(0));
        }
    }

    /**
     * Loads one program of an object the way libbpf would: each of the object's maps is created
     * ({@code BPF_MAP_CREATE}, with its type, sizes and flags; global data as the one-entry
     * arrays they are), {@code MAP_IDX} loads become {@code MAP_FD} loads of the new map and
     * {@code MAP_IDX_VALUE} loads {@code MAP_VALUE} loads, and the program is loaded. The maps'
     * descriptors are closed afterwards (a loaded program keeps its maps alive). Throws
     * {@link IllegalStateException} when a map cannot be created: that is not a verdict.
     */
    public static LoadResult loadObject(ProgType type, BpfObject object, BpfProgram program) {
        synchronized (Anchor.class) {
            Anchor.ensureLoaded();
            try (KernelMaps maps = KernelMaps.create(object)) {
                return loadLocked(type, maps.patch(program.program()).encode());
            }
        }
    }

    /**
     * Loads {@code program} with its map references bound to {@code maps} (which stay open: the
     * caller seeds, reads and closes them), for a harness that runs an object's program; a program
     * of several functions goes with their BTF ({@link FunctionsBtf}), which the kernel wants for
     * callbacks ("missing btf func_info") and for tail calls from subprograms.
     */
    static LoadResult loadWithMaps(ProgType type, KernelMaps maps, Program program) {
        synchronized (Anchor.class) {
            Anchor.ensureLoaded();
            if (ControlFlowGraph.of(program).functions().size() == 1) {
                return loadLocked(type, maps.patch(program).encode());
            }
            return loadWithFunctions(type, maps, program);
        }
    }

    /**
     * Runs {@code entry} of {@code object} once on {@code packet} with program array
     * {@code arrayIndex} (one of the object's maps) filled as {@code slots} says (slot → a program
     * of the object): the maps are created as {@link #loadObject} does, each slot's program is
     * loaded and put in its slot by descriptor, then the entry is loaded and test-run. Everything is
     * closed afterwards. Throws {@link IllegalStateException} when a program is rejected (with the
     * verifier's log) or a map cannot be made: the caller expected all of them to load.
     */
    public static TestRunResult runWithTailTargets(ProgType type, BpfObject object, BpfProgram entry, int arrayIndex,
                                                   java.util.SortedMap<Integer, BpfProgram> slots, byte[] packet) {
        synchronized (Anchor.class) {
            Anchor.ensureLoaded();
            List<KernelProgram> targets = new java.util.ArrayList<>();
            try (KernelMaps maps = KernelMaps.create(object.maps())) {
                for (java.util.Map.Entry<Integer, BpfProgram> slot : slots.entrySet()) {
                    KernelProgram target = loaded(type, maps, slot.getValue());
                    targets.add(target);
                    maps.setProgram(arrayIndex, slot.getKey(), target.fd());
                }
                try (KernelProgram p = loaded(type, maps, entry)) {
                    // Room for a packet a program grew at its head (XDP's 256 bytes of headroom).
                    return p.testRun(packet, packet.length + 256);
                }
            } finally {
                targets.forEach(KernelProgram::close);
            }
        }
    }

    /**
     * As {@link #loadObject}, with the BTF of the program's functions ({@link FunctionsBtf}), which
     * the kernel requires before a subprogram may tail-call.
     */
    public static LoadResult loadObjectWithFunctions(ProgType type, BpfObject object, BpfProgram program) {
        synchronized (Anchor.class) {
            Anchor.ensureLoaded();
            try (KernelMaps maps = KernelMaps.create(object.maps())) {
                return loadWithFunctions(type, maps, program.program());
            }
        }
    }

    private static LoadResult loadWithFunctions(ProgType type, KernelMaps maps, Program program) {
        byte[] code = maps.patch(program).encode();
        try (Arena arena = Arena.ofConfined(); FunctionsBtf btf = FunctionsBtf.load(program, arena)) {
            MemorySegment insns = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, insns, ValueLayout.JAVA_BYTE, 0, code.length);
            MemorySegment log = arena.allocate(LOG_BYTES);
            Bpf.Ret r = loadOnce(arena, type, insns, code.length / 8, arena.allocateFrom("GPL"), log, 1, btf::describe);
            if (r.failed()) {
                return new LoadResult.Rejected("BPF_PROG_LOAD: " + Bpf.describe(r.errno()), log.getString(0));
            }
            return new LoadResult.Loaded(new KernelProgram((int) r.value(), type));
        }
    }

    /** Loads {@code program} with its maps' descriptors and the BTF of its functions, or throws. */
    private static KernelProgram loaded(ProgType type, KernelMaps maps, BpfProgram program) {
        return switch (loadWithFunctions(type, maps, program.program())) {
            case LoadResult.Loaded l -> l.program();
            case LoadResult.Rejected r -> throw new IllegalStateException("the kernel rejected program " + program.name() + ": "
                    + r.error() + "\n" + r.log());
        };
    }

    /**
     * The verifier's full log of {@code program} (log level 2: the state after every instruction),
     * whether it is accepted or not; the program is closed at once. For explaining a mismatch:
     * it shows what the verifier believed and which branches it found dead and removed.
     */
    public static String verifierLog(ProgType type, Program program) {
        byte[] code = program.encode();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, insns, ValueLayout.JAVA_BYTE, 0, code.length);
            MemorySegment log = arena.allocate(16 * LOG_BYTES);
            Bpf.Ret r = loadOnce(arena, type, insns, code.length / 8, arena.allocateFrom("GPL"), log, 2);
            if (!r.failed()) {
                Bpf.close((int) r.value());
            }
            return log.getString(0);
        }
    }

    private static Bpf.Ret loadOnce(Arena arena, ProgType type, MemorySegment insns, int insnCount,
                                    MemorySegment license, MemorySegment log) {
        return loadOnce(arena, type, insns, insnCount, license, log, 1);
    }

    private static Bpf.Ret loadOnce(Arena arena, ProgType type, MemorySegment insns, int insnCount,
                                    MemorySegment license, MemorySegment log, int logLevel) {
        return loadOnce(arena, type, insns, insnCount, license, log, logLevel, attr -> { });
    }

    /** As above; {@code extra} sets further fields of the attribute (BTF). */
    private static Bpf.Ret loadOnce(Arena arena, ProgType type, MemorySegment insns, int insnCount,
                                    MemorySegment license, MemorySegment log, int logLevel,
                                    java.util.function.Consumer<MemorySegment> extra) {
        MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
        extra.accept(attr);
        attr.set(ValueLayout.JAVA_INT, Bpf.LOAD_PROG_TYPE, type.code());
        attr.set(ValueLayout.JAVA_INT, Bpf.LOAD_INSN_CNT, insnCount);
        attr.set(ValueLayout.JAVA_LONG, Bpf.LOAD_INSNS, insns.address());
        attr.set(ValueLayout.JAVA_LONG, Bpf.LOAD_LICENSE, license.address());
        if (!log.equals(MemorySegment.NULL)) {
            attr.set(ValueLayout.JAVA_INT, Bpf.LOAD_LOG_LEVEL, logLevel);
            attr.set(ValueLayout.JAVA_INT, Bpf.LOAD_LOG_SIZE, (int) log.byteSize());
            attr.set(ValueLayout.JAVA_LONG, Bpf.LOAD_LOG_BUF, log.address());
        }
        MemorySegment.copy("warden".getBytes(StandardCharsets.US_ASCII), 0, attr, ValueLayout.JAVA_BYTE,
                Bpf.LOAD_PROG_NAME, 6);
        return Bpf.call(Bpf.BPF_PROG_LOAD, attr);
    }

    /**
     * A two-instruction program kept loaded for the life of the JVM, so that quick load/close
     * cycles cannot wedge the kernel. The kernel packs JIT images into shared executable pages
     * and frees a pack with its last program; the next load maps a new pack and, holding the
     * pack mutex, waits for a vmap purge queued on the system workqueue. When that queue is full
     * of deferred program frees that wait for the same mutex, bpf() deadlocks for good (seen
     * here on Linux 6.18.44 with three test JVMs loading and closing thousands of programs under
     * heavy load: a thousand kworkers in D state in {@code bpf_prog_pack_free}, every later
     * BPF_PROG_LOAD stuck). With a program that never goes, a pack is never emptied, so
     * load/close cycles reuse its space instead of remapping.
     */
    private static final class Anchor {
        private static boolean tried;

        static void ensureLoaded() {
            if (tried) {
                return;
            }
            tried = true;
            try {
                byte[] code = Program.of(
                        new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)),
                        new Instruction.Exit()).encode();
                // Deliberately never closed; a failure here shows up again in the caller's own load.
                loadLocked(ProgType.SCHED_CLS, code);
            } catch (InvalidProgramException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** {@code -Dwarden.kernel=off} turns the oracle off (its tests then report themselves skipped). */
    private static final String SWITCH = "warden.kernel";

    private static Availability probe() {
        if ("off".equals(System.getProperty(SWITCH))) {
            return new Availability.Unavailable("turned off with -D" + SWITCH + "=off");
        }
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || Bpf.SYS_BPF < 0) {
            return new Availability.Unavailable("the kernel oracle needs Linux on x86-64 or arm64; this is "
                    + os + " on " + arch);
        }
        Program answer;
        try {
            answer = Program.of(
                    new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(42)),
                    new Instruction.Exit());
        } catch (InvalidProgramException e) {
            throw new AssertionError(e);
        }
        Optional<String> stuck = StuckJit.check();
        if (stuck.isPresent()) {
            return new Availability.Unavailable(stuck.get());
        }
        // A bpf() that blocks for good must not hang the caller: the probe runs on a daemon thread.
        CompletableFuture<Availability> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("warden-bpf-probe").start(() -> {
            try {
                result.complete(probeLoadAndRun(answer));
            } catch (RuntimeException | LinkageError e) {
                // No syscall() symbol, a restricted native access: the oracle is unusable, not the caller broken.
                result.complete(new Availability.Unavailable("bpf() could not be called: " + e));
            }
        });
        try {
            return result.get(PROBE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return new Availability.Unavailable("bpf() did not return within " + PROBE_SECONDS
                    + " s (thread " + t.getName() + " is stuck in the kernel)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Availability.Unavailable("interrupted while probing bpf()");
        } catch (ExecutionException e) {
            return new Availability.Unavailable("bpf() probe failed: " + e.getCause());
        }
    }

    private static final int PROBE_SECONDS = 20;

    private static Availability probeLoadAndRun(Program answer) {
        return switch (load(ProgType.SCHED_CLS, answer)) {
            case LoadResult.Rejected r -> new Availability.Unavailable(
                    "the kernel refused a trivial program (" + r.error() + "): bpf() needs root, or CAP_BPF and "
                            + "CAP_NET_ADMIN, and no seccomp filter on bpf()" + (r.log().isBlank() ? "" : "; log: " + r.reason()));
            case LoadResult.Loaded l -> {
                try (KernelProgram p = l.program()) {
                    yield switch (p.testRun(new byte[64])) {
                        case TestRunResult.Failed f -> new Availability.Unavailable(
                                "the kernel loaded a trivial program but could not test-run it: " + f.error());
                        case TestRunResult.Ran ran when ran.retval() != 42 -> new Availability.Unavailable(
                                "a test run of 'r0 = 42; exit' returned " + ran.retval());
                        case TestRunResult.Ran ran -> new Availability.Available(kernelRelease());
                    };
                }
            }
        };
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown release";
        }
    }
}
