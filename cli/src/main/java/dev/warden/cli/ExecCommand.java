package dev.warden.cli;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.asm.AssemblyException;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.ConformanceData;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.linux.KflexOptions;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.vm.Engine;
import dev.warden.vm.Engines;
import dev.warden.runtime.eim.BufferEntry;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.jit.JitEngine;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.Termination;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Helpers;
import dev.warden.vm.Fault;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.ProgramRefusedException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warden exec}: runs a program once (or many times, timing it) and prints r0. A fault is
 * printed with its pc, kind and message, and the exit status is 2.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Runs an eBPF program and prints r0 (exit status 2 on a fault).",
                "PROG is assembly (.s or .asm, either syntax), a bpf_conformance .data file (-- asm or -- raw,",
                "-- mem), an ELF object (clang -target bpf; pick a program with --section), or raw bytecode (any other file)."})
public final class ExecCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROG", description = "the program file")
    Path program;

    @Parameters(index = "1", arity = "0..1", paramLabel = "MEM",
            description = "input memory as hex bytes (the same as --mem HEX)")
    Optional<String> memArgument = Optional.empty();

    @Option(names = "--mem", paramLabel = "HEX|@FILE",
            description = "input memory: hex bytes, or @FILE for a file's raw bytes (default: the .data file's -- mem, else none)")
    Optional<String> mem = Optional.empty();

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = Interpreter.NAME,
            description = "execution engine: interp (default) or jit")
    String engine;

    @Option(names = "--section", paramLabel = "NAME", description = "the ELF program to run, by program or section name")
    Optional<String> section = Optional.empty();

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "0",
            description = "also time N runs after as many warm-up runs; print the median time per run")
    int repeat;

    @Option(names = "--budget", paramLabel = "N", description = "instruction budget (default 2^32)")
    Optional<Long> budget = Optional.empty();

    @Option(names = "--json", description = "print one JSON object: r0 (hex) or fault, median_ns, instructions"
            + " (with --type: r0 or fault, and the maps)")
    boolean json;

    @Option(names = "--type", paramLabel = "T",
            description = "run as a Linux program type (xdp, tc, socket; kprobe, tracepoint, raw_tracepoint, perf_event, fentry,"
                    + " fexit, tp_btf; section names such as uprobe or raw_tp are aliases) with its context, the --packet or"
                    + " --ctx, the object's maps and Linux's helpers (default for ELF objects with --packet or --ctx: from the"
                    + " section name)")
    Optional<String> type = Optional.empty();

    @Option(names = "--packet", paramLabel = "HEX|@FILE", description = "the packet of a --type run of xdp, tc or socket (default: empty)")
    Optional<String> packet = Optional.empty();

    @Option(names = "--ctx", paramLabel = "HEX|@FILE", description = "the context of a --type run of a tracing type: its first"
            + " bytes (struct pt_regs, the raw tracepoint record, the u64 arguments...), the rest zero (default: all zero)")
    Optional<String> ctx = Optional.empty();

    @Option(names = "--maps", description = "with --type: print the maps after the run")
    boolean maps;

    @Option(names = "--compare-kernel", description = "with --type: also run the program in the Linux kernel (BPF_PROG_TEST_RUN, as"
            + " root) on the same packet and compare r0, the output packet and every map with Warden's interpreter and JIT;"
            + " exit status 4 on a difference, 3 when the kernel cannot run it (docs/runtime.md, Comparing with Linux)")
    boolean compareKernel;

    @Option(names = "--count", description = "also count the instructions the run executes "
            + "(with --engine jit the interpreter runs the program once more to count them; --repeat implies it)")
    boolean count;

    @Option(names = "--policy", paramLabel = "P.eim",
            description = "verify against a class of this EIM policy (with --class) before running; the class's entry must be"
                    + " (T *data, uN len): r1 = the --mem buffer, r2 = its length (docs/eim.md, Running against a class)")
    Optional<Path> policy = Optional.empty();

    @Option(names = "--class", paramLabel = "C", description = "the class of --policy the program runs as")
    Optional<String> eimClass = Optional.empty();

    @Option(names = "--termination", paramLabel = "MODE", defaultValue = "proof",
            description = "with --policy: proof (default, every loop proved bounded) or runtime (loops allowed; --budget bounds them)")
    String termination;

    @Option(names = "--heap", paramLabel = "BYTES",
            description = "with --type: give the extension its own heap of BYTES (a power of two; KFlex): the program is verified"
                    + " first (runtime termination), its heap accesses are guarded where not proved")
    Optional<Long> heap = Optional.empty();

    /** The longest --time-budget whose nanoseconds fit a long (about 292 years). */
    static final long MAX_TIME_BUDGET_MS = Long.MAX_VALUE / 1_000_000;
    /** The largest --mem @FILE (256 MiB): far past any program's memory, and a read that ends. */
    static final int MAX_MEM = 256 << 20;

    @Option(names = "--time-budget", paramLabel = "MS",
            description = "with --type: stop the run after MS milliseconds at its next back edge or call (KFlex's cancellation);"
                    + " the program is verified first (runtime termination)")
    Optional<Long> timeBudget = Optional.empty();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (repeat < 0) {
            throw new UserError("--repeat must not be negative");
        }
        byte[] bytes = readFile(program);
        String what = program.toString();
        Optional<EimPlatform> eim = EimClassOption.load(policy, eimClass);
        if (eim.isPresent() && (type.isPresent() || packet.isPresent() || ctx.isPresent() || maps)) {
            throw new UserError("--policy runs take --mem; not --type, --packet, --ctx or --maps (a class's entry is not a Linux"
                    + " program type)", 2);
        }
        if (type.isPresent() || packet.isPresent() || ctx.isPresent() || heap.isPresent() || timeBudget.isPresent() || compareKernel) {
            return linux(out, bytes, what);
        }
        if (maps) {
            throw new UserError("--maps needs --type (a Linux program type run)");
        }
        Program prog;
        byte[] input = new byte[0];
        if (program.getFileName().toString().endsWith(".data")) {
            ConformanceData data;
            try {
                data = ConformanceData.parse(what, new String(bytes, StandardCharsets.UTF_8));
            } catch (ConformanceData.FormatException e) {
                throw new UserError(e.getMessage());
            }
            input = data.memory();
            if (data.raw().isPresent()) {
                prog = ProgramInputs.decode(what, data.raw().get());
            } else if (data.asm().isPresent()) {
                prog = assemble(what + ": -- asm section (lines counted from the section start)", data.asm().get());
            } else {
                throw new UserError(what + ": no -- asm or -- raw section");
            }
        } else if (isAssemblyFile(program)) {
            if (!FileProblems.isText(bytes)) {
                throw new UserError(what + ": not a text file (an assembly file is text; give raw bytecode a name not ending in .s or .asm)");
            }
            prog = assemble(what, new String(bytes, StandardCharsets.UTF_8));
        } else if (ProgramInputs.isElf(bytes)) {
            prog = ProgramInputs.fromElf(what, bytes, section);
        } else {
            prog = ProgramInputs.decode(what, bytes);
        }
        if (mem.isPresent() && memArgument.isPresent()) {
            throw new UserError("give the memory once: as the second argument or with --mem, not both");
        }
        if (memArgument.isPresent()) {
            input = ProgramInputs.hex("memory argument", memArgument.get());
        }
        if (mem.isPresent()) {
            String m = mem.get();
            input = m.startsWith("@") ? FileProblems.readAtMost(Path.of(m.substring(1)), MAX_MEM, "--mem") : ProgramInputs.hex("--mem", m);
        }
        ExecOptions options = ExecOptions.defaults();
        Optional<VerifiedProgram> proof = Optional.empty();
        if (eim.isPresent()) {
            Termination t = switch (termination) {
                case "proof" -> Termination.PROOF;
                case "runtime" -> Termination.RUNTIME;
                default -> throw new UserError("--termination is proof or runtime, not '" + termination + "'", 2);
            };
            ProgramInputs.ObjectProgram op = objectProgram(bytes, what, prog, eim.get());
            proof = Optional.of(EimExecGate.admit(what, op.object(), op.program(), eim.get(), input, t));
            prog = op.program().program();
            // No helper: the conformance suite's are not the Linux helpers a class's helper grants mean.
            options = options.withHelpers(Helpers.none());
        }
        if (budget.isPresent()) {
            if (budget.get() < 0) {
                throw new UserError("--budget must not be negative");
            }
            options = options.withBudget(budget.get());
        }
        Engine e = ProgramInputs.engine(engine);
        if (proof.isPresent() && !json) {
            ProvedChecks checks = ProvedChecks.forEim(proof.get(), ProvedChecks.typedArguments(eim.orElseThrow()));
            out.println("verified against class " + eim.get().className() + " of " + policy.orElseThrow() + "; running with "
                    + (e.name().equals(JitEngine.NAME) ? checks.elided() + " of " + checks.total() + " memory checks left out (proved)"
                    : "every memory check kept (" + e.name() + ")"));
        }
        // Only the interpreter counts instructions. Counting costs a run of its own, so it is done
        // only when asked (--count), or when --repeat needs it for the time per instruction; with
        // the interpreter as the engine, that run is the run.
        boolean counting = count || repeat > 0;
        boolean interp = e.name().equals(Interpreter.NAME);
        ExecResult result = null;
        long instructions = -1;
        if (counting) {
            Interpreter.Counted c = Interpreter.executeCounted(prog, input, options);
            instructions = c.instructions();
            if (interp) {
                result = c.result();
            }
        }
        long[] median = {-1, -1};
        if (result == null || repeat > 0) {
            try (Loaded loaded = load(e, prog, options, proof)) {
                if (result == null) {
                    result = loaded.run(input);
                }
                if (repeat > 0 && result instanceof ExecResult.Returned) {
                    median = time(loaded, input, repeat);
                }
            } catch (ProgramRefusedException refused) {
                throw new UserError(what + ": " + refused.getMessage());
            }
        }
        print(out, result, median[0], median[1], instructions);
        return result instanceof ExecResult.Faulted ? 2 : 0;
    }

    /** A compiled program, run on a copy of its input. */
    private record Loaded(java.util.function.Function<byte[], ExecResult> runner, Runnable closer) implements AutoCloseable {
        ExecResult run(byte[] input) {
            return runner.apply(input);
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    /**
     * {@code prog} on engine {@code e}; a program proved against an EIM class runs through the JIT
     * with the checks the proof made redundant left out ({@link BufferEntry}).
     */
    private static Loaded load(Engine e, Program prog, ExecOptions options, Optional<VerifiedProgram> proof) {
        if (proof.isPresent() && e.name().equals(JitEngine.NAME)) {
            BufferEntry entry = BufferEntry.load(proof.get(), options, BufferEntry.Checks.ELIDE_PROVED);
            return new Loaded(entry::run, entry::close);
        }
        LoadedProgram loaded = e.load(prog, options);
        return new Loaded(loaded::run, loaded::close);
    }

    /**
     * The object and program verified against {@code eim}: of an ELF object, --section or else the
     * program in section {@code eim/<entry>} (else the first); any other input is a one-program object.
     */
    private ProgramInputs.ObjectProgram objectProgram(byte[] bytes, String what, Program prog, EimPlatform eim) {
        if (ProgramInputs.isElf(bytes)) {
            String wanted = "eim/" + eim.grants().entry().name();
            Optional<String> name = section.or(() -> ProgramInputs.objectProgram(what, bytes, Optional.empty()).object().programs()
                    .stream().anyMatch(p -> p.section().equals(wanted)) ? Optional.of(wanted) : Optional.empty());
            return ProgramInputs.objectProgram(what, bytes, name);
        }
        BpfProgram p = new BpfProgram("main", "eim/" + eim.grants().entry().name(), prog, List.of(), List.of(), List.of());
        return new ProgramInputs.ObjectProgram(new BpfObject(List.of(), List.of(p), List.of(), ""), p);
    }

    /** A Linux program type run: one packet, the object's maps, Linux's helpers. */
    private int linux(PrintWriter out, byte[] bytes, String what) {
        boolean kflex = heap.isPresent() || timeBudget.isPresent();
        if (repeat != 0 || count || mem.isPresent() || memArgument.isPresent() || !kflex && (budget.isPresent()
                || !engine.equals(Interpreter.NAME))) {
            throw new UserError("--type runs take --packet, --maps, --json and --compare-kernel (and --heap, --time-budget, with them --budget and"
                    + " --engine); not --mem, --repeat or --count");
        }
        if (timeBudget.isPresent() && (timeBudget.get() <= 0 || timeBudget.get() > MAX_TIME_BUDGET_MS)) {
            throw new UserError("--time-budget must be from 1 to " + MAX_TIME_BUDGET_MS + " ms, not " + timeBudget.get(), 2);
        }
        if (packet.isPresent() && ctx.isPresent()) {
            throw new UserError("give --packet (xdp, tc, socket) or --ctx (the tracing types), not both");
        }
        // One input either way: the packet of a packet type, the context's bytes of a tracing type.
        // A file is read only up to one byte past the largest packet: /dev/zero or a pipe that never ends is refused.
        byte[] packetBytes = packet.map(p -> p.startsWith("@")
                        ? FileProblems.readAtMost(Path.of(p.substring(1)), LinuxEnvironment.MAX_PACKET, "--packet")
                : ProgramInputs.hex("--packet", p)).or(() -> ctx.map(c -> c.startsWith("@")
                        ? FileProblems.readAtMost(Path.of(c.substring(1)), LinuxEnvironment.MAX_PACKET, "--ctx")
                : ProgramInputs.hex("--ctx", c))).orElse(new byte[0]);
        LinuxExec.Input given = packet.isPresent() ? LinuxExec.Input.PACKET : ctx.isPresent() ? LinuxExec.Input.CONTEXT
                : LinuxExec.Input.NONE;
        ProgramInputs.ObjectProgram op;
        if (ProgramInputs.isElf(bytes)) {
            op = ProgramInputs.objectProgram(what, bytes, section);
        } else {
            Program prog = isAssemblyFile(program) ? assemble(what, new String(bytes, StandardCharsets.UTF_8))
                    : ProgramInputs.decode(what, bytes);
            BpfProgram p = new BpfProgram("main", type.orElse(""), prog, List.of(), List.of(), List.of());
            op = new ProgramInputs.ObjectProgram(new BpfObject(List.of(), List.of(p), List.of(), ""), p);
        }
        if (compareKernel) {
            if (kflex || !engine.equals(Interpreter.NAME)) {
                throw new UserError("--compare-kernel runs both engines without a heap or time budget; not --engine, --heap or"
                        + " --time-budget");
            }
            return LinuxExec.compareKernel(out, what, op.object(), op.program(), type, packetBytes, given, json);
        }
        if (kflex) {
            KflexOptions options = new KflexOptions(heap.map(KflexOption::size).orElse(0L), timeBudget.orElse(0L) * 1_000_000);
            Engine chosen = Engines.find(engine).orElseThrow(() -> new UserError("no engine named " + engine, 2));
            return LinuxExec.runKflex(out, what, op.object(), op.program(), type, packetBytes, given, maps, json, options, chosen,
                    budget.orElse(LinuxEnvironment.DEFAULT_BUDGET));
        }
        return LinuxExec.run(out, what, op.object(), op.program(), type, packetBytes, given, maps, json);
    }

    /**
     * Median nanoseconds per run: after {@code n} warm-up runs, runs are timed in batches large
     * enough (at least 20 µs) that the clock's own cost does not count, and the median batch
     * mean is reported, in wall-clock time and in this thread's CPU time (which a busy machine
     * disturbs less).
     */
    private static long[] time(Loaded loaded, byte[] input, int n) {
        for (int i = 0; i < n; i++) {
            loaded.run(input);
        }
        int batch = 1;
        while (batch < n) {
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                loaded.run(input);
            }
            if (System.nanoTime() - t0 >= 20_000) {
                break;
            }
            batch *= 2;
        }
        int batches = Math.max(1, n / batch);
        long[] perRun = new long[batches];
        long[] cpuPerRun = new long[batches];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int b = 0; b < batches; b++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                loaded.run(input);
            }
            perRun[b] = (System.nanoTime() - t0) / batch;
            cpuPerRun[b] = (threads.getCurrentThreadCpuTime() - c0) / batch;
        }
        Arrays.sort(perRun);
        Arrays.sort(cpuPerRun);
        return new long[] {perRun[batches / 2], cpuPerRun[batches / 2]};
    }

    private void print(PrintWriter out, ExecResult result, long medianNs, long medianCpuNs, long instructions) {
        if (json) {
            StringBuilder sb = new StringBuilder("{\"engine\":\"").append(engine).append('"');
            eimClass.filter(c -> policy.isPresent()).ifPresent(c -> sb.append(",\"class\":").append(Json.string(c)));
            switch (result) {
                case ExecResult.Returned r -> sb.append(",\"r0\":\"0x").append(Long.toHexString(r.r0())).append('"');
                case ExecResult.Faulted f -> {
                    Fault x = f.fault();
                    sb.append(",\"fault\":{\"pc\":").append(x.pc()).append(",\"kind\":\"").append(x.kind())
                            .append("\",\"message\":").append(Json.string(x.message())).append('}');
                }
            }
            if (instructions >= 0) {
                sb.append(",\"instructions\":").append(instructions);
            }
            if (medianNs >= 0) {
                sb.append(",\"runs\":").append(repeat).append(",\"median_ns\":").append(medianNs)
                        .append(",\"median_cpu_ns\":").append(medianCpuNs);
                if (instructions > 0) {
                    sb.append(String.format(",\"ns_per_instruction\":%.3f", (double) medianNs / instructions));
                }
            }
            out.println(sb.append('}'));
        } else {
            switch (result) {
                case ExecResult.Returned r -> out.println("r0 = 0x" + Long.toHexString(r.r0()) + " (" + r.r0() + ")");
                case ExecResult.Faulted f -> out.println(f.fault());
            }
            if (count && medianNs < 0) {
                out.println(instructions + " instructions executed");
            }
            if (medianNs >= 0) {
                out.printf("median %d ns per run (%d ns CPU) over %d runs (%s, %d instructions, %.2f ns per instruction)%n",
                        medianNs, medianCpuNs, repeat, engine, instructions,
                        instructions > 0 ? (double) medianNs / instructions : 0.0);
            }
        }
        out.flush();
    }

    /** Assembly text in either syntax of docs/assembly.md, told apart from bytecode by its name. */
    private static boolean isAssemblyFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".s") || name.endsWith(".asm");
    }

    private static Program assemble(String what, String text) {
        try {
            return Assembler.assemble(text);
        } catch (AssemblyException e) {
            throw new UserError(what + ":\n  " + e.getMessage().replace("\n", "\n  "));
        }
    }

    private static byte[] readFile(Path p) {
        return FileProblems.read(p);
    }
}
