package dev.warden.runtime.host;

import dev.warden.mpk.Fallback;
import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.ProtectionKeys;
import dev.warden.runtime.linux.ExtensionEngine;
import dev.warden.runtime.linux.ManualTimerClock;
import dev.warden.runtime.linux.TimerClock;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a host offers an extension and expects of it, declared before loading: the entries it
 * will invoke, the host functions it binds to helper ids, the host state (native memory) it
 * exposes, the tail-call targets it puts in program arrays, how many invocations may run at once
 * ({@code cpus}), and where {@code bpf_trace_printk} lines go. Immutable: each {@code with...}
 * returns a new spec.
 *
 * <pre>{@code
 * ExtensionSpec spec = ExtensionSpec.of()
 *         .withEntry(EntryPoint.of("xdp_count", LinuxProgramType.XDP))
 *         .withFunction(1000, "host_clock", (mem, r1, r2, r3, r4, r5) -> System.nanoTime())
 *         .withCpus(4);
 * }</pre>
 */
public final class ExtensionSpec {
    /** A host function bound to a helper id. */
    public record Bound(String name, HostFunction function) {
        public Bound {
            Objects.requireNonNull(name);
            Objects.requireNonNull(function);
        }
    }

    /** Native memory the host exposes to the extension ({@code access}: whether it may write). */
    public record State(String name, MemorySegment segment, Access access) {
        public State {
            Objects.requireNonNull(name);
            if (!segment.isNative()) {
                throw new IllegalArgumentException("host state " + name + " must be native memory");
            }
            Objects.requireNonNull(access);
        }
    }

    /** A program put into slot {@code slot} of program array {@code map} at every load (it is loaded and verified too). */
    public record TailCall(String map, int slot, EntryPoint program) {
        public TailCall {
            Objects.requireNonNull(map);
            Objects.requireNonNull(program);
        }
    }

    /** The largest helper id the vm's tables hold. */
    public static final int MAX_FUNCTION_ID = dev.warden.vm.Helpers.MAX_ID;

    private final List<EntryPoint> entries;
    private final Map<Integer, Bound> functions;
    private final Map<String, HostFunction> named;
    private final Map<String, State> states;
    private final List<TailCall> tailCalls;
    private final int cpus;
    private final long budget;
    private final Consumer<String> trace;
    private final long timeBudgetNanos;
    private final ExtensionEngine engine;
    private final IsolationMode isolation;
    private final TimerClock timerClock;

    private ExtensionSpec(List<EntryPoint> entries, Map<Integer, Bound> functions, Map<String, HostFunction> named,
                          Map<String, State> states, List<TailCall> tailCalls, int cpus, long budget, Consumer<String> trace, long timeBudgetNanos,
                          ExtensionEngine engine, IsolationMode isolation, TimerClock timerClock) {
        this.entries = List.copyOf(entries);
        this.functions = java.util.Collections.unmodifiableMap(new TreeMap<>(functions));
        this.named = java.util.Collections.unmodifiableMap(new TreeMap<>(named));
        this.states = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(states));
        this.tailCalls = List.copyOf(tailCalls);
        this.cpus = cpus;
        this.budget = budget;
        this.trace = trace;
        this.timeBudgetNanos = timeBudgetNanos;
        this.engine = engine;
        this.isolation = isolation;
        this.timerClock = timerClock;
    }

    /**
     * No entries yet, no host functions, as many CPUs as the JVM has processors, the default
     * instruction budget, and trace lines logged to the {@link System.Logger} {@code dev.warden.trace}.
     */
    public static ExtensionSpec of() {
        System.Logger log = System.getLogger("dev.warden.trace");
        return new ExtensionSpec(List.of(), Map.of(), Map.of(), Map.of(), List.of(), Runtime.getRuntime().availableProcessors(),
                ExecOptions.DEFAULT_BUDGET, line -> log.log(System.Logger.Level.INFO, line), 0, ExtensionEngine.JIT,
                ProtectionKeys.allocator(Fallback.NONE).isolation().mode(), TimerClock.SYSTEM);
    }

    public ExtensionSpec withEntry(EntryPoint entry) {
        if (entries.stream().anyMatch(e -> e.name().equals(entry.name()))) {
            throw new IllegalArgumentException("entry " + entry.name() + " is declared twice");
        }
        List<EntryPoint> e = new ArrayList<>(entries);
        e.add(entry);
        return new ExtensionSpec(e, functions, named, states, tailCalls, cpus, budget, trace, timeBudgetNanos, engine, isolation, timerClock);
    }

    /**
     * Binds {@code function} to helper id {@code id} under {@code name}: {@code call id} in the
     * extension calls it. An id of a Linux helper replaces that helper. The verifier must know the
     * id's prototype ({@link VerificationPolicy}).
     */
    public ExtensionSpec withFunction(int id, String name, HostFunction function) {
        if (id < 1 || id > MAX_FUNCTION_ID) {
            throw new IllegalArgumentException("host function id " + id + " is outside 1.." + MAX_FUNCTION_ID);
        }
        if (functions.containsKey(id)) {
            throw new IllegalArgumentException("helper id " + id + " is bound twice (" + functions.get(id).name() + ", " + name + ")");
        }
        Map<Integer, Bound> f = new TreeMap<>(functions);
        f.put(id, new Bound(name, function));
        return new ExtensionSpec(entries, f, named, states, tailCalls, cpus, budget, trace, timeBudgetNanos, engine, isolation, timerClock);
    }

    /**
     * Binds {@code function} to the host function {@code name} of an EIM policy: an extension
     * loaded with an {@link EimClassPolicy} calls it as a kfunc ({@code extern T name(...) __ksym;}
     * in C), with the arguments of the prototype the class grants in r1..r5 (already checked
     * against the capability's argument constraints by the verifier). After it returns, its result
     * must satisfy what the verifier assumed of it: a value of the declared return type (as a
     * register holds it: sign-extended for signed types) within the capability's bounds on
     * {@code rtn} ({@code rtn > 0}); a result outside them ends the run with a
     * {@code HELPER_FAILED} fault at the call, since the code after the call was proved under
     * that assumption.
     */
    public ExtensionSpec withFunction(String name, HostFunction function) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a host function needs a name");
        }
        if (named.containsKey(name)) {
            throw new IllegalArgumentException("host function " + name + " is bound twice");
        }
        Map<String, HostFunction> n = new TreeMap<>(named);
        n.put(name, Objects.requireNonNull(function));
        return new ExtensionSpec(entries, functions, n, states, tailCalls, cpus, budget, trace, timeBudgetNanos, engine, isolation, timerClock);
    }

    /**
     * Exposes {@code segment} (native memory the host keeps alive while the extension is loaded)
     * to the extension: it becomes a region the extension may read, and write with
     * {@link Access#READ_WRITE}. Its address reaches the extension through a host function or a
     * map ({@link Extension#stateAddress}), or, under an {@link EimClassPolicy}, as the host
     * variable {@code name} of the policy: the extension's {@code extern T name __ksym;} is linked
     * to the segment, which must hold at least {@code sizeof(T)} bytes laid out as the policy's
     * {@code T}, and be {@link Access#READ_WRITE} when the class grants a write of any of them.
     */
    public ExtensionSpec withState(String name, MemorySegment segment, Access access) {
        if (states.containsKey(name)) {
            throw new IllegalArgumentException("host state " + name + " is declared twice");
        }
        Map<String, State> s = new LinkedHashMap<>(states);
        s.put(name, new State(name, segment, access));
        return new ExtensionSpec(entries, functions, named, s, tailCalls, cpus, budget, trace, timeBudgetNanos, engine, isolation, timerClock);
    }

    public ExtensionSpec withTailCall(String map, int slot, EntryPoint program) {
        List<TailCall> t = new ArrayList<>(tailCalls);
        t.add(new TailCall(map, slot, program));
        return new ExtensionSpec(entries, functions, named, states, t, cpus, budget, trace, timeBudgetNanos, engine, isolation, timerClock);
    }

    /** How many invocations may run at once (each on its own "CPU"; per-CPU maps have this many values). */
    public ExtensionSpec withCpus(int n) {
        if (n < 1 || n > 1024) {
            throw new IllegalArgumentException("cpus must be 1..1024, not " + n);
        }
        return new ExtensionSpec(entries, functions, named, states, tailCalls, n, budget, trace, timeBudgetNanos, engine, isolation, timerClock);
    }

    /**
     * The most instructions one invocation may execute, its tail calls and {@code bpf_loop}
     * callbacks included (an entry run with EIM arguments starts each tail call's program on a
     * fresh budget: {@code LinuxCpu.followTailCalls}).
     */
    public ExtensionSpec withBudget(long instructions) {
        if (instructions < 1) {
            throw new IllegalArgumentException("budget must be positive, not " + instructions);
        }
        return new ExtensionSpec(entries, functions, named, states, tailCalls, cpus, instructions, trace, timeBudgetNanos, engine, isolation, timerClock);
    }

    /**
     * A time budget for each invocation (KFlex's cancellation): a run still going after it stops at
     * its next back edge or call with {@code FaultKind.CANCELLED}, and what it held (spin locks, ring
     * buffer reservations) is given back. Checking costs a countdown at every back edge and call
     * (docs/runtime.md, "KFlex"); without a time budget no check is compiled in.
     */
    public ExtensionSpec withTimeBudget(java.time.Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("time budget must be positive, not " + budget);
        }
        return new ExtensionSpec(entries, functions, named, states, tailCalls, cpus, this.budget, trace, budget.toNanos(), engine, isolation, timerClock);
    }

    /**
     * Runs the extension in {@code engine}: the JIT (the default) or the reference interpreter,
     * which keeps every check; both run the same verified code with the same results.
     */
    public ExtensionSpec withEngine(ExtensionEngine engine) {
        return new ExtensionSpec(entries, functions, named, states, tailCalls, cpus, budget, trace, timeBudgetNanos,
                Objects.requireNonNull(engine), isolation, timerClock);
    }

    /**
     * How the extension's own memory (its KFlex heap) is protected from the host outside runs:
     * {@code PROTECTION_KEYS} (the default where the CPU has pku: writes outside a run fault, per
     * thread, at the cost of two register writes per run), {@code MPROTECT} (the explicit fallback:
     * two system calls per run, and while any run is inside, every thread may write), {@code NONE}
     * (the default elsewhere: no protection). A load with {@code PROTECTION_KEYS} where the CPU
     * has none is a {@code LoadException} with the probe's reason. Under {@code PROTECTION_KEYS}
     * an extension with a heap cannot be invoked from a virtual thread (the rights belong to the
     * OS thread).
     */
    public ExtensionSpec withIsolation(IsolationMode mode) {
        return new ExtensionSpec(entries, functions, named, states, tailCalls, cpus, budget, trace, timeBudgetNanos, engine,
                Objects.requireNonNull(mode), timerClock);
    }

    /**
     * The clock the extension reads and its {@code bpf_timer}s are due on: {@code bpf_ktime_get_ns}
     * and its kin read it, and a timer started for {@code n} ns fires once it has moved {@code n} ns
     * on. The default is {@link TimerClock#SYSTEM} (real time). A host's tests give a
     * {@link ManualTimerClock} and move it by hand, so that a timer-driven extension (an entry that
     * expires after 30 s) is tested without sleeping; callbacks still run on the extension's own
     * thread, so a test waits (bounded) for their effect after moving the clock. Every version of
     * a hot-reloaded extension should share one clock: the timers of a version run on its own.
     */
    public ExtensionSpec withTimerClock(TimerClock clock) {
        return new ExtensionSpec(entries, functions, named, states, tailCalls, cpus, budget, trace, timeBudgetNanos, engine, isolation,
                Objects.requireNonNull(clock));
    }

    /** The clock the extension reads and its timers are due on. */
    public TimerClock timerClock() {
        return timerClock;
    }

    /** How the extension's heap is protected outside runs. */
    public IsolationMode isolation() {
        return isolation;
    }

    /** The engine the extension runs in. */
    public ExtensionEngine engine() {
        return engine;
    }

    /** The time budget of each invocation in nanoseconds, 0 for none. */
    public long timeBudgetNanos() {
        return timeBudgetNanos;
    }

    /** Where {@code bpf_trace_printk} lines go (called on the invoking thread). */
    public ExtensionSpec withTrace(Consumer<String> sink) {
        return new ExtensionSpec(entries, functions, named, states, tailCalls, cpus, budget, Objects.requireNonNull(sink), timeBudgetNanos, engine, isolation, timerClock);
    }

    public List<EntryPoint> entries() {
        return entries;
    }

    public Map<Integer, Bound> functions() {
        return functions;
    }

    /** The host functions bound by name ({@link #withFunction(String, HostFunction)}), by name. */
    public Map<String, HostFunction> namedFunctions() {
        return named;
    }

    public Map<String, State> states() {
        return states;
    }

    public List<TailCall> tailCalls() {
        return tailCalls;
    }

    public int cpus() {
        return cpus;
    }

    public long budget() {
        return budget;
    }

    public Consumer<String> trace() {
        return trace;
    }
}
