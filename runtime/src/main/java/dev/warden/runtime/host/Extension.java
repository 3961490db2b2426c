package dev.warden.runtime.host;

import dev.warden.isa.elf.BpfObject;
import dev.warden.runtime.linux.CpuArguments;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LoadedObject;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.vm.ExecResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded, verified, compiled and attached extension: invoke its entries from any number of
 * threads at once, read and change its maps, replace it by a new version atomically (hot
 * reload), detach it. Made by {@link Extensions#load}.
 *
 * <p><b>Invocation.</b> Each invocation runs on one of the spec's {@code cpus} "CPUs", acquired
 * with one compare-and-set and released at the end; when all are busy the caller spins until one
 * is free. A fault is a result ({@link ExecResult.Faulted}), never an exception.
 *
 * <p><b>Hot reload.</b> {@link #replace} verifies and compiles the new version while the old one
 * keeps serving, then switches: every invocation that starts after {@code replace} returns runs
 * the new version; invocations already running finish on the old one, which {@code replace}
 * waits for before freeing it. Maps with the same name and definition are kept (their contents
 * survive), others start empty; program arrays are refilled from the spec.
 */
public final class Extension implements AutoCloseable {
    /** A loaded version and, per declared entry (by ordinal), the index of its program. */
    private record Version(LoadedObject object, int[] entryProgram) {}

    /** An entry resolved once, for invoking without a name lookup. */
    public record Entry(String name, int ordinal) {}

    private final ExtensionSpec spec;
    private final VerificationPolicy policy;
    /** The EIM entry's arguments, when the policy is an EIM class. */
    private final Optional<EntryShape> shape;
    private volatile Version current;
    private final Object writers = new Object();
    /** {@link #runEntry(LoadedObject, int, int, EntryArguments)}, made once. */
    private final OnCpu<EntryArguments> runEntry;

    Extension(ExtensionSpec spec, VerificationPolicy policy, LoadedObject first) {
        this.spec = spec;
        this.policy = policy;
        this.shape = policy instanceof EimClassPolicy e ? Optional.of(e.shape()) : Optional.empty();
        this.current = version(first);
        this.runEntry = this::runEntry;
    }

    private Version version(LoadedObject o) {
        int[] programs = new int[spec.entries().size()];
        for (int i = 0; i < programs.length; i++) {
            programs[i] = o.programIndex(spec.entries().get(i).program());
        }
        return new Version(o, programs);
    }

    /**
     * The declared entry called {@code name}.
     *
     * @throws IllegalArgumentException if the spec declares no such entry
     */
    public Entry entry(String name) {
        List<EntryPoint> e = spec.entries();
        for (int i = 0; i < e.size(); i++) {
            if (e.get(i).name().equals(name)) {
                return new Entry(name, i);
            }
        }
        throw new IllegalArgumentException("no entry called " + name + "; declared: "
                + e.stream().map(EntryPoint::name).toList());
    }

    /**
     * Runs {@code entry} with {@code packet} (copied; the context the entry's program type gets
     * points to it; empty for none). For a tracing type (kprobe, tracepoint, raw_tracepoint,
     * perf_event, fentry, fexit, tp_btf) the bytes are the context's first bytes instead, the rest
     * zero; more than the context holds is an {@link IllegalArgumentException}. Thread-safe.
     *
     * @throws IllegalStateException once detached, or from a host function of this extension when
     *     every CPU is busy, one with the calling thread's own run (waiting would never end)
     * @throws IllegalArgumentException for an EIM entry that takes arguments (use
     *     {@link #invoke(Entry, EntryArguments)})
     * @throws RuntimeException whatever a host function throws (other than its failure signal)
     */
    public ExecResult invoke(Entry entry, byte[] packet) {
        if (shape.isPresent() && shape.get().takesArguments()) {
            throw new IllegalArgumentException(shape.get().describe() + " takes arguments: invoke(entry, EntryArguments)");
        }
        return onCpu(entry, packet, (object, cpu, program, p) -> object.run(cpu, program, p));
    }

    /** A run of an entry's program with {@code input} on a CPU the caller holds. */
    @FunctionalInterface
    private interface OnCpu<A> {
        ExecResult run(LoadedObject object, int cpu, int program, A input);
    }

    /**
     * Runs {@code body} with {@code input} for {@code entry} on a CPU of the current version,
     * acquired and released around it. The input is a parameter, not captured, so that no call
     * allocates a lambda.
     */
    private <A> ExecResult onCpu(Entry entry, A input, OnCpu<A> body) {
        while (true) {
            Version v = current;
            if (v == null) {
                throw new IllegalStateException("the extension was detached");
            }
            int cpu = v.object().acquire();
            if (cpu == LoadedObject.OWN_CPU_TAKEN) {
                throw insideOwnRun("invoked with every CPU busy");
            }
            if (cpu < 0) {
                Thread.onSpinWait(); // retired by a replace: the new version is (about to be) current
                continue;
            }
            try {
                return body.run(v.object(), cpu, v.entryProgram()[entry.ordinal()], input);
            } catch (HostFunctions.HostStackOverflow e) {
                throw e.error(); // the host's own code overflowed its stack: the host's error, not the extension's fault
            } finally {
                v.object().release(cpu);
            }
        }
    }

    /**
     * Runs {@code entry} of an extension loaded with an {@link EimClassPolicy} with the entry's
     * arguments in r1..r5, as the verifier assumed them (see {@link EntryArguments}): each pointer
     * argument's object is copied into a region of the CPU's own of exactly its type's size, each
     * scalar must be a value of its C type, and the entry's constraints on the arguments
     * ({@code constraints = { len <= 4096 }}, also on fields of a pointer argument's object) are
     * checked on exactly what the extension will see. The objects the class lets the extension
     * write are copied back after the run. Thread-safe.
     *
     * @throws IllegalArgumentException, and nothing runs, for arguments of the wrong number, kind
     *     or size, a scalar outside its C type, or arguments that break (or that this runtime
     *     cannot show keep) one of the entry's constraints; the message names the constraint and
     *     its policy line
     * @throws IllegalStateException once detached, or for an extension not loaded against an EIM class
     * @throws RuntimeException whatever a host function throws (other than its failure signal)
     */
    public ExecResult invoke(Entry entry, EntryArguments arguments) {
        if (shape.isEmpty()) {
            throw new IllegalStateException("entry " + entry.name() + " gets a Linux context, not an EIM entry's arguments: invoke(entry, packet)");
        }
        return onCpu(entry, arguments, runEntry);
    }

    /**
     * An EIM entry's run on a CPU the caller holds: its arguments copied into the CPU's regions and
     * checked, the program, what it may write copied back ({@link #runEntry}, as made once per
     * extension: an invocation allocates no lambda).
     */
    private ExecResult runEntry(LoadedObject object, int cpu, int program, EntryArguments arguments) {
        EntryShape s = shape.orElseThrow();
        CpuArguments region = object.arguments(cpu, program);
        long[] registers = s.enter(arguments, region);
        try {
            return object.runWithArguments(cpu, program, registers);
        } finally {
            s.leave(arguments, region);
        }
    }

    /**
     * The checks the JIT leaves out of {@code entry}'s program in the current version: the
     * accesses its proof showed inside memory the runtime lays out with the verifier's bounds
     * ({@code ProvedChecks}; for an EIM class, the argument objects and host variables included).
     * The numbers are the proof's and the runtime's memory's, also when the spec runs the
     * interpreter, which checks every access anyway.
     */
    public ProvedChecks checks(Entry entry) {
        Version v = current;
        if (v == null) {
            throw new IllegalStateException("the extension was detached");
        }
        return v.object().checks(v.entryProgram()[entry.ordinal()]);
    }

    /** {@link #invoke(Entry, EntryArguments)} by name. */
    public ExecResult invoke(String entry, EntryArguments arguments) {
        return invoke(entry(entry), arguments);
    }

    /** {@link #invoke(Entry, byte[])} by name. */
    public ExecResult invoke(String entry, byte[] packet) {
        return invoke(entry(entry), packet);
    }

    /**
     * The map called {@code name} in the current version. After a {@link #replace}, ask again:
     * a handle of the old version sees the old map (the same one if it was kept).
     */
    public Optional<HostMap> map(String name) {
        Version v = current;
        if (v == null) {
            throw new IllegalStateException("the extension was detached");
        }
        return v.object().map(name);
    }

    /**
     * Regions of the extension key the current version's map values take (0 when the maps are not
     * isolated): under the {@code MPROTECT} fallback every run and every host write toggles all
     * regions of the key in the process, so this is what its cost grows with (docs/mpk.md).
     */
    public int protectedRegions() {
        Version v = current;
        if (v == null) {
            throw new IllegalStateException("the extension was detached");
        }
        return v.object().protectedRegions();
    }

    /** The maps' names in the current version. */
    public List<String> mapNames() {
        Version v = current;
        if (v == null) {
            throw new IllegalStateException("the extension was detached");
        }
        return v.object().mapNames();
    }

    /**
     * The address host state {@code name} has in the extension's address space.
     *
     * @throws IllegalArgumentException if the spec exposes no such state
     */
    public long stateAddress(String name) {
        ExtensionSpec.State s = spec.states().get(name);
        if (s == null) {
            throw new IllegalArgumentException("no host state called " + name);
        }
        return s.segment().address();
    }

    /**
     * Replaces the extension by the object at {@code path} (parse, verify, compile, then switch
     * atomically; see the class comment). On an error nothing changes.
     *
     * @throws LoadException with located messages, as {@link Extensions#load}
     * @throws IllegalStateException from a host function inside a run of this extension (replacing
     *     waits for every run to end)
     */
    public void replace(Path path) throws LoadException {
        replace(Extensions.read(path), path.toString());
    }

    /** The same with an object already read; {@code origin} names it in messages. */
    public void replace(BpfObject object, String origin) throws LoadException {
        synchronized (writers) {
            Version old = current;
            if (old == null) {
                throw new IllegalStateException("the extension was detached");
            }
            if (old.object().heldByCurrentThread()) {
                throw insideOwnRun("replaced"); // retire() would wait for this very run
            }
            LoadedObject next = Extensions.attach(object, origin, spec, policy, Optional.of(old.object()));
            current = version(next);
            old.object().retire();
            old.object().close();
        }
    }

    /**
     * Detaches: new invocations throw {@link IllegalStateException}; waits for running ones, then
     * frees the programs and maps. Idempotent.
     *
     * @throws IllegalStateException, changing nothing, from a host function inside a run of this
     *     extension (the wait would include that run)
     */
    public void detach() {
        synchronized (writers) {
            Version old = current;
            if (old == null) {
                return;
            }
            if (old.object().heldByCurrentThread()) {
                throw insideOwnRun("detached"); // retire() would wait for this very run
            }
            current = null;
            old.object().retire();
            old.object().close();
        }
    }

    /** A host function (on the invoking thread, inside a run) asked for what only the end of its own run would allow. */
    private static IllegalStateException insideOwnRun(String what) {
        return new IllegalStateException("the extension was " + what + " from inside one of its own runs (a host function on the"
                + " invoking thread): that would wait for the run itself to end");
    }

    /** {@link #detach}. */
    @Override
    public void close() {
        detach();
    }
}
