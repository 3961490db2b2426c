package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.Program;
import dev.warden.jit.JitEngine;
import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.Interpreter;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Cancellation;
import dev.warden.vm.HeapSandbox;
import dev.warden.vm.Helpers;
import dev.warden.vm.StackInit;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One program of an object, loaded into the checking interpreter the way Linux runs it at its
 * hook: r1 points to the program type's context structure, the packet lies in its own region
 * below 4 GiB (see {@link LinuxProgramType} for why), the object's maps exist in native memory
 * with Linux's semantics, and {@code call N} reaches Linux helper N ({@link LinuxHelpers}).
 *
 * <p>Regions of a run: the stack frames, the context ({@code contextSize} bytes; read-only for
 * xdp), the packet (exactly {@code [data, data_end)}), each map value (exactly its size;
 * {@code .rodata} read-only). Any access outside them faults, which is what makes a run a
 * soundness check of the verifier: a program the verifier accepted must never fault.
 *
 * <p>Every program of the object is loaded, so that {@code bpf_tail_call} reaches the programs the
 * host put in a program array ({@link #map}). Not thread-safe; one run at a time (one CPU; the
 * host API, {@code dev.warden.runtime.host}, runs on many). Closing frees the native memory.
 */
public final class LinuxEnvironment implements AutoCloseable {
    /** The kernel verifier's bound on executed instructions, used as the run's budget by default. */
    public static final long DEFAULT_BUDGET = 1_000_000;
    /** The most bytes a run's packet may have (an IPv4 packet's largest total length). */
    public static final int MAX_PACKET = PacketBuffer.MAX_PACKET;

    private final BpfObject object;
    private final LinuxProgramType type;
    private final LinuxMaps maps;
    private final LinuxCpu cpu;
    private final RunState state;
    private final int entry;

    private Optional<ProvedChecks> elision = Optional.empty();
    private final Optional<KflexHeap> heap;

    private LinuxEnvironment(BpfObject object, BpfProgram program, LinuxProgramType type, long budget, Engine engine) {
        this(object, program, type, budget, engine, Optional.empty(), KflexOptions.NONE, ExtensionKey.defaultMode());
    }

    /**
     * With a proof, {@code program} runs compiled by the JIT with the checks the proof made
     * redundant left out ({@link ProvedChecks}); the object's other programs (tail-call targets,
     * not covered by this proof) keep every check.
     */
    private LinuxEnvironment(BpfObject object, BpfProgram program, LinuxProgramType type, long budget, Engine engine,
                             Optional<VerifiedProgram> proof, KflexOptions kflex, IsolationMode isolation) {
        this.object = object;
        this.type = type;
        this.maps = new LinuxMaps(object.maps(), 1, isolation);
        // The heap the options give, or else the one the proof assumed.
        long heapBytes = kflex.heapBytes() > 0 ? kflex.heapBytes() : proof.flatMap(p -> p.heap().isPresent()
                ? Optional.of(p.heap().getAsLong()) : Optional.empty()).orElse(0L);
        this.heap = heapBytes > 0 ? Optional.of(KflexHeap.allocate(heapBytes, isolation)) : Optional.empty();
        heap.ifPresent(h -> h.attach(maps.slots().regions()));
        // Every program of the object is loaded, so that tail calls find their targets; the
        // interpreter only pre-decodes, which is cheap.
        Map<Integer, Program> programs = new LinkedHashMap<>();
        List<BpfProgram> all = object.programs();
        int index = all.indexOf(program);
        for (int i = 0; i < all.size(); i++) {
            programs.put(i, MapReferences.resolve(all.get(i).program(), maps));
        }
        if (index < 0) {
            index = all.size();
            programs.put(index, MapReferences.resolve(program.program(), maps));
        }
        this.entry = index;
        Engine chosen = engine;
        if (proof.isPresent()) {
            ProvedChecks checks = ProvedChecks.of(proof.get(), type, maps);
            this.elision = Optional.of(checks);
            HeapSandbox sandbox = heap.map(h -> h.sandbox(checks.heapAccesses())).orElse(HeapSandbox.NONE);
            if (heap.isEmpty() && !checks.heapAccesses().isEmpty()) {
                maps.close();
                throw new IllegalArgumentException("the program was verified with a heap (KFlex), but none was given to run it");
            }
            chosen = new ProvedEngine(programs.get(index), checks, engine, sandbox, kflex.cancellation());
        }
        try {
            this.cpu = new LinuxCpu(0, type, maps, programs, programs.size(), chosen, budget,
                    heap.map(KflexHeap::helpers).orElse(Helpers.none()), line -> { }, StackInit.ZEROED);
            heap.ifPresent(cpu::protect);
        } catch (RuntimeException e) {
            maps.close();
            heap.ifPresent(KflexHeap::close);
            throw e;
        }
        cpu.setTimeBudget(kflex.timeBudgetNanos());
        this.state = cpu.state();
    }

    /** Loads {@code program} of {@code object} for {@code type}, with a budget of {@link #DEFAULT_BUDGET} instructions. */
    public static LinuxEnvironment load(BpfObject object, BpfProgram program, LinuxProgramType type) {
        return new LinuxEnvironment(object, program, type, DEFAULT_BUDGET, new Interpreter());
    }

    /** The same with another instruction budget. */
    public static LinuxEnvironment load(BpfObject object, BpfProgram program, LinuxProgramType type, long budget) {
        return new LinuxEnvironment(object, program, type, budget, new Interpreter());
    }

    /**
     * The same on another engine (the JIT: {@code Engines.find("jit")}).
     *
     * @throws dev.warden.vm.ProgramRefusedException if the engine refuses a program of the object
     */
    public static LinuxEnvironment load(BpfObject object, BpfProgram program, LinuxProgramType type, long budget, Engine engine) {
        return new LinuxEnvironment(object, program, type, budget, engine);
    }

    /**
     * The same with the maps (and a heap) isolated by {@code isolation} outside runs instead of
     * the default (protection keys where the CPU has them, else none): see docs/mpk.md.
     *
     * @throws IllegalArgumentException for a mode this machine cannot give, with the probe's reason
     */
    public static LinuxEnvironment load(BpfObject object, BpfProgram program, LinuxProgramType type, long budget, Engine engine,
                                        IsolationMode isolation) {
        return new LinuxEnvironment(object, program, type, budget, engine, Optional.empty(), KflexOptions.NONE, isolation);
    }

    /**
     * Loads a verified program compiled by the JIT, with every load and store the proof shows
     * cannot leave its region compiled without a check (see {@link ProvedChecks} for which).
     *
     * @throws dev.warden.vm.ProgramRefusedException if the JIT refuses a program of the object
     */
    public static LinuxEnvironment loadVerified(BpfObject object, VerifiedProgram proof, LinuxProgramType type, long budget) {
        return new LinuxEnvironment(object, proof.bpfProgram(), type, budget, new JitEngine(), Optional.of(proof), KflexOptions.NONE,
                ExtensionKey.defaultMode());
    }

    /**
     * Loads a verified program on {@code engine} (the JIT compiles it with the proof's elision, as
     * {@link #loadVerified(BpfObject, VerifiedProgram, LinuxProgramType, long)}; the interpreter
     * checks every access) with KFlex's runtime: the extension's heap, whose accesses the proof lists
     * are confined by the guard ({@link dev.warden.vm.HeapSandbox}), and a time budget per run,
     * checked at the cancellation points.
     *
     * @throws IllegalArgumentException if the program addresses a heap and {@code kflex} gives none
     * @throws dev.warden.vm.ProgramRefusedException if the engine refuses a program of the object
     */
    public static LinuxEnvironment loadVerified(BpfObject object, VerifiedProgram proof, LinuxProgramType type, long budget,
                                                Engine engine, KflexOptions kflex) {
        return new LinuxEnvironment(object, proof.bpfProgram(), type, budget, engine, Optional.of(proof), kflex, ExtensionKey.defaultMode());
    }

    /** The extension's heap, when loaded with one. */
    public Optional<KflexHeap> heap() {
        return heap;
    }

    /** The checks the JIT left out of the entry program, when loaded with {@link #loadVerified}. */
    public Optional<ProvedChecks> elision() {
        return elision;
    }

    /**
     * {@code base} with the proof's elision (the JIT) and the heap's guard for the verified program
     * (by identity), every check for the others; every program polls for cancellation as asked.
     */
    private record ProvedEngine(Program verified, ProvedChecks checks, Engine base, HeapSandbox sandbox,
                                Cancellation cancellation) implements Engine {
        @Override
        public String name() {
            return base.name();
        }

        @Override
        public dev.warden.vm.LoadedProgram load(Program program, dev.warden.vm.ExecOptions options) {
            dev.warden.vm.ExecOptions o = options.withCancellation(cancellation);
            if (program != verified) {
                return base.load(program, o);
            }
            o = o.withSandbox(sandbox);
            return base instanceof JitEngine jit ? jit.load(program, o, checks.elision()) : base.load(program, o);
        }
    }

    public LinuxProgramType type() {
        return type;
    }

    /** Runs once on {@code input}; the maps start as {@code before} says. */
    public ExecResult run(LinuxInput input, MapsBefore before) {
        state.start(input, maps.all().size());
        if (before == MapsBefore.FROM_INPUT) {
            maps.reset();
        }
        for (Map.Entry<String, List<MapEntry>> e : input.maps().entrySet()) {
            LinuxMap m = maps.byName(e.getKey()).orElseThrow(() ->
                    new IllegalArgumentException("the object has no map named " + e.getKey()));
            // The input's entries are the host's writes, before the run opens its own scope.
            maps.slots().protection().write(() -> {
                for (MapEntry entry : e.getValue()) {
                    m.update(entry.key(), entry.value(), LinuxMap.BPF_ANY, 0);
                }
                return 0;
            });
        }
        MemorySegment bytes = cpu.prepare(input.packet(), input.ifindex());
        return cpu.invoke(entry, bytes);
    }

    /**
     * Runs {@code code}, a program that is not the object's, on an empty packet with this
     * environment's maps as earlier runs left them (its map references resolved against this
     * object's maps): for tests and for a host poking at maps the way a program would.
     */
    public ExecResult runProgram(Program code) {
        state.start(LinuxInput.ofPacket(new byte[0]), maps.all().size());
        MemorySegment bytes = cpu.prepare(new byte[0], 1);
        return cpu.invokeOnce(MapReferences.resolve(code, maps), bytes);
    }

    /** Runs on a packet with the maps as earlier runs left them. */
    public ExecResult run(byte[] packetBytes) {
        return run(LinuxInput.ofPacket(packetBytes), MapsBefore.KEPT);
    }

    /** Every map's entries now, by name in index order (arrays: the elements touched or initialised). */
    public Map<String, List<MapEntry>> maps() {
        Map<String, List<MapEntry>> out = new LinkedHashMap<>();
        for (LinuxMap m : maps.all()) {
            out.put(m.name(), maps.slots().protection().read(m::entries));
        }
        return out;
    }

    /** The maps' names in index order. */
    public List<String> mapNames() {
        return maps.all().stream().map(LinuxMap::name).toList();
    }

    /**
     * The packet as the last run left it, from {@code data_meta} to {@code data_end} (moved and
     * resized by the packet helpers, written by direct packet access): what Linux's
     * {@code BPF_PROG_TEST_RUN} returns as its output packet, the XDP metadata
     * ({@code bpf_xdp_adjust_meta}) first when there is any.
     */
    public byte[] packet() {
        long length = state.packetEnd - state.packetMeta;
        if (length <= 0) {
            return new byte[0];
        }
        return MemorySegment.ofAddress(state.packetMeta).reinterpret(length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /**
     * The instructions the entry program's last run executed, where its engine counts them (the
     * interpreter; tail-call targets count their own): a survey's measure of how far inputs drive a program.
     */
    java.util.OptionalLong lastRunInstructions() {
        return cpu.executedInstructions(entry);
    }

    /**
     * The branch edges the entry program's runs executed, when it was loaded on an interpreter
     * made with {@code Interpreter.Coverage.BRANCH_EDGES}: a coverage-guided search's feedback.
     */
    java.util.Optional<dev.warden.runtime.BranchEdges> branchEdges() {
        return cpu.branchEdges(entry);
    }

    /**
     * The timers the last run left armed: this environment runs a program once, so they never
     * fire here ({@code warden exec} reports them); by map and key.
     */
    public List<ArmedTimer> armedTimers() {
        return maps.timers().armed();
    }

    /** Lines {@code bpf_trace_printk} wrote in the last run. */
    public List<String> traceLog() {
        return List.copyOf(state.log);
    }

    /** Per map name, the keys lookups of the last run did not find (input searches put them in later inputs). */
    public Map<String, List<byte[]>> missedKeys() {
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        List<LinuxMap> all = maps.all();
        for (int i = 0; i < all.size(); i++) {
            if (i < state.missedKeys.size() && !state.missedKeys.get(i).isEmpty()) {
                out.put(all.get(i).name(), new ArrayList<>(state.missedKeys.get(i)));
            }
        }
        return out;
    }

    /** Declarations of the maps whose values a program can address (arrays and hashes). */
    List<dev.warden.isa.elf.BpfMap> valueMaps() {
        return maps.all().stream().filter(LinuxMap::hasValues).map(LinuxMap::declaration).toList();
    }

    BpfObject object() {
        return object;
    }

    /**
     * The map called {@code name}, for the host: read and change it between runs, fill a
     * program array (tail calls), poll a ring buffer.
     */
    public java.util.Optional<HostMap> map(String name) {
        List<BpfProgram> all = object.programs();
        return maps.byName(name).map(m -> new HostMap(m, n -> {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).name().equals(n) && cpu.loads(i)) {
                    return i;
                }
            }
            return -1;
        }, maps.slots()));
    }

    /** How the maps' values are protected outside runs. */
    public IsolationMode isolation() {
        return maps.slots().isolation();
    }

    @Override
    public void close() {
        cpu.close();
        maps.close();
        heap.ifPresent(KflexHeap::close);
    }
}
