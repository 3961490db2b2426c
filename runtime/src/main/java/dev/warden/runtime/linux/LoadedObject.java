package dev.warden.runtime.linux;

import dev.warden.isa.Program;
import dev.warden.mpk.IsolationMode;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.jit.CheckElision;
import dev.warden.jit.JitEngine;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.ExecResult;
import dev.warden.vm.HeapSandbox;
import dev.warden.vm.Helpers;
import dev.warden.vm.StackInit;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

/**
 * One version of an object attached for a host: its verified programs loaded into an engine on
 * {@code cpus} CPUs, its maps shared by all of them. The building block of
 * {@code dev.warden.runtime.host.Extension}, which swaps versions atomically (hot reload).
 *
 * <p><b>CPUs.</b> A caller {@linkplain #acquire acquires} a CPU, runs on it, and releases it; a
 * CPU runs one invocation at a time, so per-CPU map values and the CPU's context, packet buffer
 * and stack are never shared by two runs. Acquisition is one compare-and-set, starting from the
 * CPU the thread last took (a hint kept by thread id, see {@link #home}); when every CPU is busy
 * the caller spins.
 *
 * <p><b>Stack.</b> Runs do not zero the stack ({@link StackInit#UNSPECIFIED}), as Linux does not:
 * the verifier proved that no program reads stack it did not write.
 *
 * <p><b>Retiring.</b> {@link #retire} stops new acquisitions and waits until every CPU is free;
 * after that the version can be closed. Only programs the verifier proved
 * ({@link VerifiedProgram}) are ever loaded here.
 */
public final class LoadedObject implements AutoCloseable {
    private static final int FREE = 0;
    private static final int BUSY = 1;
    /**
     * Ints between two CPUs' flags in {@link #busy}: 128 bytes, so that threads taking and
     * freeing different CPUs (every invocation does both) do not pass one cache line (or its
     * prefetched neighbour) back and forth between their cores.
     */
    private static final int SLOT = 32;
    /**
     * Slots of {@link #home}: threads whose ids are equal modulo this share a hint (harmless: a
     * hint only decides which CPU is tried first).
     */
    private static final int HOME_SLOTS = 64;

    private final BpfObject object;
    private final LinuxMaps maps;
    /** By program index in the object: the index of its type in {@link #types}, or -1. */
    private final int[] typeOfProgram;
    private final List<LinuxProgramType> types = new ArrayList<>();
    /** [cpu][type index]. */
    private final LinuxCpu[][] cpus;
    private final AtomicIntegerArray busy;
    /**
     * By flag index (as {@link #busy}): the id of the thread that holds the CPU, 0 when free.
     * Plain writes, each by the holding thread only; read only by a thread looking for its own id.
     */
    private final long[] owner;
    /**
     * By thread id modulo {@link #HOME_SLOTS}: the CPU the thread tries first, the one it took
     * last. Without it, two threads whose ids are equal modulo the CPU count both try the same
     * CPU first, and as long as their runs do not overlap both get it: its context, stack and
     * argument memory, and its copy of the compiled program, then move between the two cores
     * on (nearly) every invocation (measured: ~100-150 ns more per invocation with two threads).
     * With the hint, the first time they overlap one of them moves to another CPU and stays there.
     * Plain reads and writes: a stale or torn-between-threads hint costs one more compare-and-set,
     * never correctness; it is written only when it changes, so in steady state it is read-only.
     */
    private final int[] home = new int[HOME_SLOTS];
    /**
     * The extension's heap (KFlex), when a proof assumed one: shared by every CPU, kept by the next
     * version when that one's proofs assume a heap of the same size (its state, like a kept map),
     * freed with the maps' memory when the last version that uses them closes.
     */
    private final Optional<KflexHeap> heap;
    private volatile boolean retired;
    /** By program index: what the JIT leaves unchecked in it (the numbers a host reports). */
    private final Map<Integer, ProvedChecks> checks = new java.util.TreeMap<>();

    /**
     * A verified program to attach, with the Linux program type whose context it gets and the
     * links to what its host binds by name (host functions called as kfuncs, host variables).
     */
    public record Attach(VerifiedProgram program, LinuxProgramType type, HostLinks links) {
        /** A program that reaches nothing by name. */
        public Attach(VerifiedProgram program, LinuxProgramType type) {
            this(program, type, HostLinks.NONE);
        }
    }

    private LoadedObject(BpfObject object, List<Attach> programs, int cpuCount, long budget, Helpers extra,
                         Consumer<String> trace, Optional<LoadedObject> previous, List<ArgumentRegion> arguments,
                         long timeBudgetNanos, ExtensionEngine engineKind, IsolationMode isolation, TimerClock timerClock) {
        this.object = object;
        this.trace = trace;
        this.maps = previous.isPresent()
                ? new LinuxMaps(object.maps(), cpuCount, previous.get().maps.slots(), m -> previous.get().keepable(m, cpuCount))
                : new LinuxMaps(object.maps(), cpuCount, isolation);
        this.typeOfProgram = new int[object.programs().size()];
        java.util.Arrays.fill(typeOfProgram, -1);
        Map<LinuxProgramType, Map<Integer, Program>> byType = new LinkedHashMap<>();
        // Each program compiled with the checks its own proof makes redundant left out (by identity of the code).
        Map<Program, CheckElision> elisions = new IdentityHashMap<>();
        Map<Program, HeapSandbox> sandboxes = new IdentityHashMap<>();
        long heapBytes = programs.stream().mapToLong(a -> a.program().heap().orElse(0)).max().orElse(0);
        try {
            this.heap = heapBytes > 0 ? Optional.of(heapFor(heapBytes, isolation, previous, maps)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            maps.close();
            throw e;
        }
        for (Attach a : programs) {
            int index = object.programs().indexOf(a.program().bpfProgram());
            if (index < 0) {
                maps.close();
                throw new IllegalArgumentException("program " + a.program().bpfProgram().name() + " is not a program of this object");
            }
            if (!types.contains(a.type())) {
                types.add(a.type());
            }
            typeOfProgram[index] = types.indexOf(a.type());
            Program code = a.links().apply(MapReferences.resolve(a.program().program(), maps));
            ProvedChecks checks = ProvedChecks.of(a.program(), a.type(), maps,
                    engineKind == ExtensionEngine.JIT_HOST_MEMORY_CHECKED ? a.links().uncovered() : a.links());
            elisions.put(code, checks.elision());
            this.checks.put(index, checks);
            heap.ifPresent(h -> sandboxes.put(code, h.sandbox(checks.heapAccesses())));
            byType.computeIfAbsent(a.type(), t -> new LinkedHashMap<>()).put(index, code);
        }
        dev.warden.vm.Cancellation cancellation = timeBudgetNanos > 0 ? dev.warden.vm.Cancellation.POLLED : dev.warden.vm.Cancellation.OFF;
        Engine engine = switch (engineKind) {
            case JIT, JIT_HOST_MEMORY_CHECKED -> new ProvedJit(elisions, sandboxes, cancellation);
            case INTERPRETER -> new Interpreted(sandboxes, cancellation);
        };
        Helpers helpers = heap.map(h -> withAll(h.helpers(), extra)).orElse(extra);
        this.cpus = new LinuxCpu[cpuCount][types.size()];
        // Flag c at (c + 1) * SLOT: none on the array header's cache line, which every bounds check reads.
        this.busy = new AtomicIntegerArray((cpuCount + 1) * SLOT);
        this.owner = new long[(cpuCount + 1) * SLOT];
        for (int i = 0; i < HOME_SLOTS; i++) {
            home[i] = i % cpuCount;
        }
        try {
            for (int c = 0; c < cpuCount; c++) {
                for (int t = 0; t < types.size(); t++) {
                    LinuxCpu cpu = new LinuxCpu(c, types.get(t), maps, byType.get(types.get(t)), typeOfProgram.length, engine,
                            budget, helpers, trace, StackInit.UNSPECIFIED, arguments);
                    cpu.setTimeBudget(timeBudgetNanos);
                    heap.ifPresent(cpu::protect);
                    cpu.state().recordMisses = false;
                    cpu.state().readClock(timerClock);
                    cpus[c][t] = cpu;
                }
            }
        } catch (RuntimeException e) {
            closeCpus();
            maps.close();
            throw e;
        }
        maps.useTimers(timerClock, this::fireTimer, object.programs().isEmpty() ? "object" : object.programs().get(0).name());
    }

    private final Consumer<String> trace;

    /**
     * Runs a due timer's callback on a free CPU, or on CPU {@code pinned} for a start with
     * {@code BPF_F_TIMER_CPU_PIN} (the scheduler thread waits for it, as a caller does), unless this
     * version is retired or the timer was cancelled, restarted or freed while it waited. A callback
     * that faults (its budget, a cancellation) is reported on the trace sink.
     */
    private void fireTimer(BpfTimers.Timer timer, long generation, int pinned) {
        int cpu = pinned == BpfTimers.ANY_CPU ? acquire() : acquire(pinned);
        if (cpu < 0) {
            return; // retired: its timers are freed
        }
        try {
            Optional<BpfTimers.Callback> callback = maps.timers().begin(timer, generation);
            if (callback.isEmpty()) {
                return;
            }
            try {
                int program = callback.get().program();
                ExecResult r = cpus[cpu][typeOfProgram[program]].invokeCallback(program, callback.get().function(), timer.mapHandle,
                        timer.home.key(), timer.home.value());
                if (r instanceof ExecResult.Faulted f) {
                    trace.accept("timer callback of map " + timer.map.name() + " faulted: " + f.fault());
                    timerFaults.incrementAndGet(); // after the line: a host that sees the count finds the line
                }
            } catch (RuntimeException e) {
                // A host function called by the callback threw: the callback's failure, not the scheduler's end.
                trace.accept("timer callback of map " + timer.map.name() + " failed: " + e);
                timerFaults.incrementAndGet();
            } finally {
                maps.timers().end(timer);
            }
        } finally {
            release(cpu);
        }
    }

    /** Timer callbacks that faulted (budget, cancellation): Linux's never do, so a host may want to know. */
    private final java.util.concurrent.atomic.AtomicLong timerFaults = new java.util.concurrent.atomic.AtomicLong();

    /** How many timer callbacks of this version faulted (ran out of budget, were cancelled). */
    public long timerFaults() {
        return timerFaults.get();
    }

    /** Timers of this version's programs initialised now (in values of its maps, not freed). */
    public int timers() {
        return maps.timers().count();
    }

    /**
     * The previous version's heap when it has {@code bytes} (its objects and allocator state kept:
     * the new version's proofs assume a heap of this size and nothing of its contents, whose
     * pointers the guard confines); otherwise a new heap, registered with the maps' memory, which
     * frees it with the last version (its region stays in their registry until then).
     */
    private static KflexHeap heapFor(long bytes, IsolationMode isolation, Optional<LoadedObject> previous, LinuxMaps maps) {
        Optional<KflexHeap> kept = previous.flatMap(LoadedObject::heap).filter(h -> h.size() == bytes && h.isolation() == isolation);
        if (kept.isPresent()) {
            return kept.get();
        }
        KflexHeap h = KflexHeap.allocate(bytes, isolation);
        maps.slots().own(h);
        h.attach(maps.slots().regions());
        return h;
    }

    /** {@code base} with every helper of {@code extra} added (the host's functions win). */
    private static Helpers withAll(Helpers base, Helpers extra) {
        Helpers out = base;
        for (Map.Entry<Integer, String> h : extra.names().entrySet()) {
            out = out.with(h.getKey(), h.getValue(), extra.get(h.getKey()));
        }
        return out;
    }

    /**
     * Loads {@code programs} of {@code object} on {@code cpus} CPUs, compiled by the JIT without
     * the checks each program's proof makes redundant ({@link ProvedChecks}); {@code extra} helpers (the
     * host's functions) are added to Linux's, {@code trace} receives {@code bpf_trace_printk} lines.
     * With a {@code previous} version, maps of the same name and definition are kept (their
     * contents survive the reload), others are new.
     *
     * @throws dev.warden.vm.ProgramRefusedException if the engine refuses a program
     * @throws IllegalArgumentException for a map Linux would refuse too, or a program not of the object
     */
    public static LoadedObject load(BpfObject object, List<Attach> programs, int cpus, long budget,
                                    Helpers extra, Consumer<String> trace, Optional<LoadedObject> previous) {
        return load(object, programs, cpus, budget, extra, trace, previous, List.of());
    }

    /**
     * As above, and every CPU gets a region of its own for each of {@code arguments} (the pointees
     * of an entry's pointer arguments), for {@link #runWithArguments}.
     */
    public static LoadedObject load(BpfObject object, List<Attach> programs, int cpus, long budget, Helpers extra,
                                    Consumer<String> trace, Optional<LoadedObject> previous, List<ArgumentRegion> arguments) {
        if (cpus < 1 || cpus > 1024) {
            throw new IllegalArgumentException("cpus must be 1..1024, not " + cpus);
        }
        return load(object, programs, cpus, budget, extra, trace, previous, arguments, 0);
    }

    /**
     * As above, with KFlex's runtime: a heap of the size the proofs assumed ({@link VerifiedProgram#heap()},
     * shared by every CPU, its accesses confined by the guard where not proved) when any proof assumed
     * one, and a time budget of {@code timeBudgetNanos} per invocation (0: none), checked at back
     * edges and calls.
     */
    public static LoadedObject load(BpfObject object, List<Attach> programs, int cpus, long budget, Helpers extra,
                                    Consumer<String> trace, Optional<LoadedObject> previous, List<ArgumentRegion> arguments,
                                    long timeBudgetNanos) {
        return load(object, programs, cpus, budget, extra, trace, previous, arguments, timeBudgetNanos, ExtensionEngine.JIT,
                ExtensionKey.defaultMode());
    }

    /**
     * As above, run by {@code engine} (the interpreter keeps every check and ignores the proofs'
     * elisions), with the heap isolated by {@code isolation} outside runs ({@link KflexHeap#allocate(long, IsolationMode)}).
     */
    public static LoadedObject load(BpfObject object, List<Attach> programs, int cpus, long budget, Helpers extra,
                                    Consumer<String> trace, Optional<LoadedObject> previous, List<ArgumentRegion> arguments,
                                    long timeBudgetNanos, ExtensionEngine engine, IsolationMode isolation) {
        if (cpus < 1 || cpus > 1024) {
            throw new IllegalArgumentException("cpus must be 1..1024, not " + cpus);
        }
        return load(object, programs, cpus, budget, extra, trace, previous, arguments, timeBudgetNanos, engine, isolation,
                TimerClock.SYSTEM);
    }

    /** As above, with the programs' {@code bpf_timer}s due on {@code timerClock} (tests move a clock by hand). */
    public static LoadedObject load(BpfObject object, List<Attach> programs, int cpus, long budget, Helpers extra,
                                    Consumer<String> trace, Optional<LoadedObject> previous, List<ArgumentRegion> arguments,
                                    long timeBudgetNanos, ExtensionEngine engine, IsolationMode isolation, TimerClock timerClock) {
        if (cpus < 1 || cpus > 1024) {
            throw new IllegalArgumentException("cpus must be 1..1024, not " + cpus);
        }
        return new LoadedObject(object, programs, cpus, budget, extra, trace, previous, arguments, timeBudgetNanos, engine, isolation,
                timerClock);
    }

    /** The JIT, given each verified program's elision ({@link ProvedChecks}); code it was not given keeps every check. */
    private record ProvedJit(Map<Program, CheckElision> elisions, Map<Program, HeapSandbox> sandboxes,
                             dev.warden.vm.Cancellation cancellation) implements Engine {
        @Override
        public String name() {
            return JitEngine.NAME;
        }

        @Override
        public LoadedProgram load(Program program, ExecOptions options) {
            ExecOptions o = options.withSandbox(sandboxes.getOrDefault(program, HeapSandbox.NONE)).withCancellation(cancellation);
            return new JitEngine().load(program, o, elisions.getOrDefault(program, CheckElision.NONE));
        }
    }

    /** The reference interpreter, with the heap's guard and the cancellation the JIT would get (it checks every access itself). */
    private record Interpreted(Map<Program, HeapSandbox> sandboxes, dev.warden.vm.Cancellation cancellation) implements Engine {
        @Override
        public String name() {
            return dev.warden.runtime.Interpreter.NAME;
        }

        @Override
        public LoadedProgram load(Program program, ExecOptions options) {
            ExecOptions o = options.withSandbox(sandboxes.getOrDefault(program, HeapSandbox.NONE)).withCancellation(cancellation);
            return new dev.warden.runtime.Interpreter().load(program, o);
        }
    }

    /** The checks the JIT leaves out of program {@code program} (an index from {@link #programIndex}), as its proof and this runtime's memory allow. */
    public ProvedChecks checks(int program) {
        ProvedChecks c = checks.get(program);
        if (c == null) {
            throw new IllegalArgumentException("program " + program + " is not attached");
        }
        return c;
    }

    /** How the maps' values are protected outside runs (the heap's mode is {@link KflexHeap#isolation}). */
    public IsolationMode isolation() {
        return maps.slots().isolation();
    }

    /**
     * Regions of the extension key the maps' values take now (0 without isolation): under the
     * {@code MPROTECT} fallback every run and host write toggles each of them (docs/mpk.md, "Cost").
     */
    public int protectedRegions() {
        return maps.slots().protectedRegions();
    }

    /** The extension's heap, when its proofs assumed one. */
    public Optional<KflexHeap> heap() {
        return heap;
    }

    /** Asks the invocation running on {@code cpu} (on another thread) to stop at its next cancellation point. */
    public void cancel(int cpu) {
        for (LinuxCpu c : cpus[cpu]) {
            c.cancel();
        }
    }

    /** The map this version declares as {@code m} if it can be kept for a new version with {@code cpuCount} CPUs. */
    private Optional<LinuxMap> keepable(BpfMap m, int cpuCount) {
        return maps.byName(m.name()).filter(old -> {
            BpfMap d = old.declaration();
            if (old instanceof ProgArrayMap) {
                return false; // its slots name the old object's programs
            }
            return d.type() == m.type() && d.keySize() == m.keySize() && d.valueSize() == m.valueSize()
                    && d.maxEntries() == m.maxEntries() && d.flags() == m.flags() && d.kind() == m.kind()
                    && (!old.perCpu() || old.cpuCount() == cpuCount);
        });
    }

    public BpfObject object() {
        return object;
    }

    public int cpuCount() {
        return cpus.length;
    }

    /** The index of the attached program called {@code name} (or in section {@code name}), or -1. */
    public int programIndex(String name) {
        List<BpfProgram> all = object.programs();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < all.size(); i++) {
                String n = pass == 0 ? all.get(i).name() : all.get(i).section();
                if (n.equals(name) && typeOfProgram[i] >= 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * A free CPU, now owned by the caller until {@link #release}; -1 once this version is retired
     * (the caller then uses the newer version); {@link #OWN_CPU_TAKEN} when every CPU is busy and
     * the calling thread holds one of them (a host function invoking its own extension), which
     * waiting would never free.
     */
    public int acquire() {
        int n = cpus.length;
        long me = Thread.currentThread().threadId();
        int slot = (int) (me & (HOME_SLOTS - 1));
        int start = home[slot];
        while (true) {
            if (retired) {
                return -1;
            }
            for (int k = 0; k < n; k++) {
                int c = start + k < n ? start + k : start + k - n;
                if (busy.get(flag(c)) == FREE && busy.compareAndSet(flag(c), FREE, BUSY)) {
                    if (c != start) {
                        home[slot] = c;
                    }
                    owner[flag(c)] = me;
                    return c;
                }
            }
            if (heldByCurrentThread()) {
                return OWN_CPU_TAKEN;
            }
            Thread.onSpinWait();
        }
    }

    /** CPU {@code cpu} once it is free (a pinned timer's callback waits for it); -1 once this version is retired. */
    private int acquire(int cpu) {
        while (true) {
            if (retired) {
                return -1;
            }
            if (busy.get(flag(cpu)) == FREE && busy.compareAndSet(flag(cpu), FREE, BUSY)) {
                owner[flag(cpu)] = Thread.currentThread().threadId();
                return cpu;
            }
            Thread.onSpinWait();
        }
    }

    /** What {@link #acquire} gives when the only way to a CPU is through one the caller holds. */
    public static final int OWN_CPU_TAKEN = -2;

    public void release(int cpu) {
        owner[flag(cpu)] = 0; // before the flag: once free, the next owner's id is the only one written
        // Release order suffices for a lock's unlock (the run's writes stay before it), without a full fence.
        busy.setRelease(flag(cpu), FREE);
    }

    /**
     * Whether the calling thread holds one of this version's CPUs: it is inside a run of it (a
     * host function), so waiting for every CPU to be free ({@link #retire}) would wait for itself.
     * Exact for the calling thread: only a thread writes its own id, and it clears it before
     * releasing the CPU.
     */
    public boolean heldByCurrentThread() {
        long me = Thread.currentThread().threadId();
        for (int c = 0; c < cpus.length; c++) {
            if (owner[flag(c)] == me) {
                return true;
            }
        }
        return false;
    }

    /** Index of CPU {@code cpu}'s flag in {@link #busy}. */
    private static int flag(int cpu) {
        return (cpu + 1) * SLOT;
    }

    /**
     * Runs program {@code program} (an index from {@link #programIndex}) on {@code cpu}, which the
     * caller acquired, with {@code packet} as the packet (copied in; empty for contexts without
     * one) and interface index 1. Faults are results; tail calls are followed.
     */
    public ExecResult run(int cpu, int program, byte[] packet) {
        LinuxCpu c = cpus[cpu][typeOfProgram[program]];
        MemorySegment bytes = c.prepare(packet, 1);
        return c.invoke(program, bytes);
    }

    /**
     * The memory of every argument region (as given to {@link #load}) on {@code cpu} for the
     * programs of {@code program}'s type, made once per CPU: each region exactly its size; fill
     * them, limit a sliced one to the run's bytes, run, read them back.
     */
    public CpuArguments arguments(int cpu, int program) {
        return cpus[cpu][typeOfProgram[program]].arguments();
    }

    /**
     * Runs program {@code program} on {@code cpu}, which the caller acquired, with r1-r5 =
     * {@code registers} (at most five) in place of a context, and no packet. Faults are results;
     * tail calls are followed with the same registers.
     */
    public ExecResult runWithArguments(int cpu, int program, long[] registers) {
        LinuxCpu c = cpus[cpu][typeOfProgram[program]];
        return c.invokeWithArguments(program, registers, c.prepareWithoutContext());
    }

    /** The lines {@code bpf_trace_printk} wrote in {@code cpu}'s last run of a program of the type of {@code program}. */
    public List<String> lastTrace(int cpu, int program) {
        return List.copyOf(cpus[cpu][typeOfProgram[program]].state().log);
    }

    /**
     * Stops new acquisitions, frees every timer (none fires again) and waits until no CPU runs (each
     * is acquired by this call), a timer callback's included.
     */
    public void retire() {
        retired = true;
        maps.timers().close(); // waits for a running callback; a firing waiting for a CPU now gets none
        for (int c = 0; c < cpus.length; c++) {
            while (!busy.compareAndSet(flag(c), FREE, BUSY)) {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Makes host memory a region every CPU's programs may address (kept alive by the host; it
     * stays a region for the versions that follow this one, which share the maps' registry).
     */
    public void exposeHostRegion(MemorySegment segment, dev.warden.vm.Access access, String name) {
        maps.slots().regions().add(segment, access, "host state " + name);
    }

    /** The map called {@code name}, as the host sees it. */
    public Optional<HostMap> map(String name) {
        return maps.byName(name).map(m -> new HostMap(m, this::programIndex, maps.slots()));
    }

    /** The maps' names, in the object's order. */
    public List<String> mapNames() {
        return maps.all().stream().map(LinuxMap::name).toList();
    }

    private void closeCpus() {
        for (LinuxCpu[] perType : cpus) {
            for (LinuxCpu c : perType) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /** Frees the programs and (with the last version that uses them) the maps. Retire first while callers may run. */
    @Override
    public void close() {
        maps.timers().close(); // no callback runs on the CPUs closed next (a no-op after retire)
        closeCpus();
        maps.close(); // with the last version, frees the heap too
    }
}
