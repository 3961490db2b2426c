package dev.warden.cli;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.asm.AssemblyException;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelOracle;
import dev.warden.runtime.host.EimReplayer;
import dev.warden.runtime.linux.LinuxWitnessReplayer;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.verifier.Privilege;
import dev.warden.verifier.Stats;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import dev.warden.verifier.WitnessReplayer;
import dev.warden.verifier.Witnesses;
import dev.warden.verifier.WitnessStatus;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.ProgramType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warden verify FILE...}: proves each program of each file safe for its program type, or
 * prints the obligations it could not prove, located by pc and source line. Exit status 0 when
 * every program is accepted, 1 when any is rejected, 2 when any input is malformed.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify eBPF programs: memory safety, type safety and termination for their program type.",
                "FILE is an ELF object (clang -target bpf; every program and every .text function is verified)",
                "or an assembly file (.s/.asm; give its program type with --type).",
                "With --policy P.eim --class C, verify against an EIM class instead (docs/eim.md, Enforcement).",
                "Exit status: 0 all accepted, 1 some rejected, 2 malformed input."})
public final class VerifyCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "ELF objects or assembly files")
    List<Path> files;

    @Option(names = "--section", paramLabel = "S", description = "only programs of this section")
    Optional<String> section = Optional.empty();

    @Option(names = "--function", paramLabel = "F", description = "only the program or .text function with this symbol name")
    Optional<String> function = Optional.empty();

    @Option(names = "--type", paramLabel = "T",
            description = "program type (xdp, tc, socket, kprobe, ...) for assembly files and sections whose name does not say it")
    Optional<String> type = Optional.empty();

    @Option(names = "--termination", paramLabel = "MODE", defaultValue = "proof",
            description = "proof (default): every loop proved bounded; runtime: loops allowed, back edges become cancellation points")
    String termination;

    @Option(names = "--heap", paramLabel = "BYTES",
            description = "give the extension its own heap of BYTES (a power of two; KFlex): kflex_alloc/kflex_free/kflex_root "
                    + "are callable, heap accesses are proved or guarded (a class's memory < M does the same)")
    Optional<Long> heap;

    @Option(names = "--unprivileged", description = "the kernel's unprivileged rules: reading uninitialised stack is an error")
    boolean unprivileged;

    @Option(names = "--max-instructions", paramLabel = "N", defaultValue = "1000000",
            description = "most instructions any execution may run (default 1,000,000, as the kernel)")
    long maxInstructions;

    @Option(names = "--log", paramLabel = "N", defaultValue = "0",
            description = "verifier log: 1 states at branches and violations, 2 the state at every pc")
    int log;

    @Option(names = "--json", description = "print one JSON object with every program's verdict")
    boolean json;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "verify on N threads (output order is unchanged)")
    int jobs;

    @Option(names = "--policy", paramLabel = "P.eim",
            description = "verify against a class of this EIM policy (with --class) instead of a Linux program type")
    Optional<Path> policy = Optional.empty();

    @Option(names = "--class", paramLabel = "C", description = "the class of --policy the program belongs to")
    Optional<String> eimClass = Optional.empty();

    @Option(names = "--kernel", description = "also load each program into the Linux verifier (root and bpf() needed; "
            + "xdp, tc and socket programs) and print both verdicts; skipped with a note where that is not possible")
    boolean kernel;

    @Option(names = "--witness", paramLabel = "MODE", defaultValue = "search",
            description = "search (default): run each rejected xdp/tc/socket program on directed inputs in the checking "
                    + "interpreter to confirm its violations; none: skip the search")
    String witness;

    @Option(names = "--btf", paramLabel = "FILE", description = "the target kernel's BTF: CO-RE relocations are applied "
            + "against it and kernel objects typed by it (default: /sys/kernel/btf/vmlinux where readable)")
    Optional<Path> btf = Optional.empty();

    /** One program to verify, or a file that could not be read. */
    private record Unit(String file, String section, String function, Optional<BpfObject> object,
                        Optional<BpfProgram> program, Optional<ProgramType> type, String error, Optional<EimPlatform> eim) {
        Unit(String file, String section, String function, Optional<BpfObject> object, Optional<BpfProgram> program,
             Optional<ProgramType> type, String error) {
            this(file, section, function, object, program, type, error, Optional.empty());
        }

        /** What the program is verified as: its program type, or its EIM class. */
        String platformName() {
            return eim.map(e -> "class " + e.className()).orElse(type.map(ProgramType::name).orElse(""));
        }
    }

    /**
     * A verdict for one unit; {@code checks} is what the JIT elides for an accepted program under
     * the Linux runtime's memory model, {@code kernel} the Linux verifier's verdict with --kernel.
     */
    private record Outcome(Unit unit, String verdict, Optional<VerificationResult> result, String error, double seconds,
                           Optional<ProvedChecks> checks, Optional<KernelVerdict> kernel) {
        Outcome(Unit unit, String verdict, Optional<VerificationResult> result, String error, double seconds) {
            this(unit, verdict, result, error, seconds, Optional.empty(), Optional.empty());
        }

        Outcome withKernel(KernelVerdict k) {
            return new Outcome(unit, verdict, result, error, seconds, checks, Optional.of(k));
        }
    }

    @Override
    public Integer call() {
        if (jobs < 1) {
            throw new UserError("--jobs must be at least 1", 2);
        }
        if (log < 0 || log > 2) {
            throw new UserError("--log is 0, 1 or 2", 2);
        }
        if (maxInstructions <= 0) {
            throw new UserError("--max-instructions must be positive", 2);
        }
        Termination term = switch (termination.toLowerCase(Locale.ROOT)) {
            case "proof" -> Termination.PROOF;
            case "runtime" -> Termination.RUNTIME;
            default -> throw new UserError("--termination is proof or runtime, not '" + termination + "'", 2);
        };
        Optional<WitnessReplayer> replayer = switch (witness.toLowerCase(Locale.ROOT)) {
            case "search" -> Optional.of(LinuxWitnessReplayer.defaults());
            case "none" -> Optional.empty();
            default -> throw new UserError("--witness is search or none, not '" + witness + "'", 2);
        };
        Platform platform = KflexOption.apply(TargetBtf.apply(Platform.linux(), btf), heap);
        Optional<ProgramType> forced = type.map(t -> platform.type(t).orElseThrow(() -> new UserError(
                "no program type '" + t + "'; known: " + String.join(", ", platform.types().stream().map(ProgramType::name).toList()), 2)));
        VerifierOptions base = VerifierOptions.linux().withPlatform(platform)
                .withPrivilege(unprivileged ? Privilege.UNPRIVILEGED : Privilege.PRIVILEGED)
                .withTermination(term).withMaxInstructions(maxInstructions).withLogLevel(log);

        Optional<EimPlatform> eim = EimClassOption.load(policy, eimClass);
        if (eim.isPresent()) {
            warnOfCDeclarationMismatches();
        }
        Optional<Availability> available = Optional.empty();
        if (kernel) {
            Availability a = KernelOracle.available();
            if (a instanceof Availability.Unavailable u) {
                spec.commandLine().getErr().println("warden verify --kernel: the Linux verifier is not available here ("
                        + u.reason() + "); every kernel verdict is 'skipped'");
            }
            available = Optional.of(a);
        }
        PrintWriter out = spec.commandLine().getOut();
        Printer printer = json ? new JsonPrinter(out) : new TextPrinter(out);
        Optional<Availability> oracle = available;
        // Files are read, verified and printed one at a time, and each result is dropped once it is
        // printed: what stays alive is one object and the programs in flight, not all of them
        // (docs/verifier-performance.md, "Memory").
        run(files, platform, forced, eim, base, replayer, o -> printer.print(
                oracle.map(a -> o.withKernel(KernelVerdict.of(o.unit().object(), o.unit().program(),
                        o.unit().type().map(ProgramType::name), a))).orElse(o)));
        printer.finish();
        out.flush();
        return printer.errors() > 0 ? 2 : printer.rejected() > 0 ? 1 : 0;
    }

    /**
     * Structs and host functions an object's C declares otherwise than the policy (by its BTF):
     * verified against the policy, such an extension still reads other fields than it names. A
     * warning on stderr here; the host API refuses the object at load. Files that are not ELF
     * objects, or cannot be read, are reported with their verdicts instead.
     */
    private void warnOfCDeclarationMismatches() {
        dev.warden.runtime.host.EimClassPolicy p;
        try {
            p = dev.warden.runtime.host.EimClassPolicy.forClass(policy.orElseThrow(), eimClass.orElseThrow());
        } catch (dev.warden.runtime.host.LoadException e) {
            return; // a class the host API cannot load (an entry taking a struct by value) is still verified here
        }
        for (Path f : files) {
            try {
                for (String m : p.cDeclarationMismatches(ElfReader.read(f), f.toString())) {
                    spec.commandLine().getErr().println("warning: " + m);
                }
            } catch (IOException | ElfFormatException e) {
                // not an object, or unreadable: its units say so
            }
        }
    }

    /** The units of one file: its programs, filtered by the options, or one error unit. */
    private List<Unit> unitsFor(Path f, Platform platform, Optional<ProgramType> forced, Optional<EimPlatform> eim) {
        List<Unit> of = unitsOf(f, platform, forced);
        if (eim.isPresent()) {
            // An object's .text functions are subprograms of its extensions, not extensions.
            of = of.stream().map(u -> forClass(u, eim.get()))
                    .filter(u -> u.program().isEmpty() || !u.section().equals(".text") || function.isPresent()).toList();
            if (section.isEmpty() && function.isEmpty()) {
                of = EimClassOption.entryPrograms(of, Unit::section, eim.get());
            }
        }
        return of;
    }

    private List<Unit> unitsOf(Path file, Platform platform, Optional<ProgramType> forced) {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of(errorUnit(name, "no such file"));
        } catch (IOException e) {
            return List.of(errorUnit(name, "cannot read: " + e.getMessage()));
        }
        if (ProgramInputs.isElf(bytes)) {
            BpfObject obj;
            try {
                obj = ElfReader.read(bytes);
            } catch (ElfFormatException e) {
                return List.of(errorUnit(name, "invalid ELF object: " + e.getMessage()));
            }
            List<BpfProgram> all = new ArrayList<>(obj.programs());
            all.addAll(obj.textFunctions());
            List<Unit> units = new ArrayList<>();
            for (BpfProgram p : all) {
                if (section.isPresent() && !section.get().equals(p.section())) {
                    continue;
                }
                if (function.isPresent() && !function.get().equals(p.name())) {
                    continue;
                }
                Optional<ProgramType> t = forced.isPresent() && !p.section().equals(".text") ? forced
                        : platform.typeForSection(p.section());
                units.add(new Unit(name, p.section(), p.name(), Optional.of(obj), Optional.of(p), t, ""));
            }
            if (units.isEmpty()) {
                String have = String.join(", ", all.stream().map(p -> p.section() + "/" + p.name()).toList());
                return List.of(errorUnit(name, "no program matches" + section.map(s -> " --section " + s).orElse("")
                        + function.map(f -> " --function " + f).orElse("") + "; the object has: " + (have.isEmpty() ? "none" : have)));
            }
            return units;
        }
        String source = new String(bytes, StandardCharsets.UTF_8);
        Program program;
        try {
            program = Assembler.assemble(source);
        } catch (AssemblyException e) {
            return List.of(errorUnit(name, "not an ELF object, and not valid assembly: " + e.getMessage()));
        }
        BpfProgram p = new BpfProgram("main", "", program, List.of(), List.of(), List.of());
        BpfObject obj = new BpfObject(List.of(), List.of(p), List.of(), "");
        return List.of(new Unit(name, "", "main", Optional.of(obj), Optional.of(p), forced, ""));
    }

    /** A unit verified against an EIM class: no program type, the class as its platform. */
    private static Unit forClass(Unit u, EimPlatform eim) {
        return new Unit(u.file(), u.section(), u.function(), u.object(), u.program(), Optional.empty(), u.error(), Optional.of(eim));
    }

    private static Unit errorUnit(String file, String message) {
        return new Unit(file, "", "", Optional.empty(), Optional.empty(), Optional.empty(), message);
    }

    /**
     * Verifies the units of every file in order and hands each outcome to {@code sink} in that
     * order. With {@code --jobs N} up to 2N units are in flight at once, across file boundaries.
     */
    private void run(List<Path> files, Platform platform, Optional<ProgramType> forced, Optional<EimPlatform> eim,
                     VerifierOptions base, Optional<WitnessReplayer> replayer, Consumer<Outcome> sink) {
        boolean noted = false;
        ExecutorService pool = jobs == 1 ? null : Executors.newFixedThreadPool(jobs);
        Deque<Future<Outcome>> inFlight = new ArrayDeque<>();
        try {
            for (Path f : files) {
                List<Unit> units = unitsFor(f, platform, forced, eim);
                if (!noted) {
                    Optional<String> note = TargetBtf.note(platform, units.stream().flatMap(u -> u.program().stream()).toList());
                    note.ifPresent(spec.commandLine().getErr()::println);
                    noted = note.isPresent();
                }
                for (Unit u : units) {
                    if (pool == null) {
                        sink.accept(verify(u, base, replayer));
                        continue;
                    }
                    inFlight.add(pool.submit(() -> verify(u, base, replayer)));
                    while (inFlight.size() >= 2 * jobs) {
                        sink.accept(inFlight.removeFirst().get());
                    }
                }
            }
            while (!inFlight.isEmpty()) {
                sink.accept(inFlight.removeFirst().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted", 2);
        } catch (ExecutionException e) {
            // verify() turns every failure into an outcome; reaching this is a bug in Warden.
            throw new IllegalStateException(e.getCause());
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private static Outcome verify(Unit u, VerifierOptions base, Optional<WitnessReplayer> replayer) {
        if (u.program().isEmpty()) {
            return new Outcome(u, "error", Optional.empty(), u.error(), 0);
        }
        VerifierOptions options = u.type().map(base::withType).orElse(base);
        long start = System.nanoTime();
        try {
            VerificationResult r = u.eim().isPresent()
                    ? Verifier.verify(u.object().orElseThrow(), u.program().orElseThrow(), base, u.eim().get())
                    : Verifier.verify(u.object().orElseThrow(), u.program().orElseThrow(), options);
            // The analysis time is what --json reports; the witness search after it is not verification.
            double seconds = (System.nanoTime() - start) / 1e9;
            if (replayer.isPresent() && u.eim().isPresent()) {
                r = Witnesses.confirmEim(r, u.object().orElseThrow(), u.program().orElseThrow(), u.eim().get(), EimReplayer.defaults());
            } else if (replayer.isPresent() && u.type().isPresent()) {
                r = Witnesses.confirm(r, u.object().orElseThrow(), u.program().orElseThrow(), u.type().get().name(),
                        replayer.get());
            }
            String verdict = r instanceof VerificationResult.Verified ? "accept" : "reject";
            // What the JIT compiles without a check: for a class, with each pointer argument passed as
            // its C type's bytes (as exec --policy passes its buffer).
            Optional<ProvedChecks> checks = r instanceof VerificationResult.Verified v
                    ? Optional.of(u.eim().isPresent() ? ProvedChecks.forEim(v.program(), ProvedChecks.typedArguments(u.eim().get()))
                    : ProvedChecks.forLinux(v.program(), u.object().orElseThrow().maps(), u.type().map(ProgramType::name)))
                    : Optional.empty();
            return new Outcome(u, verdict, Optional.of(r), "", seconds, checks, Optional.empty());
        } catch (OutOfMemoryError e) {
            // The program's analysis state is unreachable now, so the others can still run.
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Outcome(u, "error", Optional.empty(), OutOfMemory.MESSAGE, seconds);
        } catch (RuntimeException | StackOverflowError e) {
            // A crash of the verifier on one program must not lose the others' verdicts; it is
            // reported as an error entry naming the failure (and is a bug to fix).
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Outcome(u, "error", Optional.empty(), "internal verifier error: " + e, seconds);
        }
    }

    private static String name(Outcome o) {
        Unit u = o.unit();
        return u.file() + (u.function().isEmpty() ? "" : ": " + (u.section().isEmpty() ? "" : u.section() + "/") + u.function());
    }

    /** Prints outcomes as they come, in order, and counts the verdicts for the exit status. */
    private abstract static class Printer {
        final PrintWriter out;
        private int accepted;
        private int rejected;
        private int errors;

        Printer(PrintWriter out) {
            this.out = out;
        }

        final void print(Outcome o) {
            switch (o.verdict()) {
                case "accept" -> accepted++;
                case "reject" -> rejected++;
                default -> errors++;
            }
            write(o);
        }

        abstract void write(Outcome o);

        abstract void finish();

        int accepted() {
            return accepted;
        }

        int rejected() {
            return rejected;
        }

        int errors() {
            return errors;
        }
    }

    /** The text report: each program's verdict, log and violations, then a count of verdicts. */
    private static final class TextPrinter extends Printer {
        TextPrinter(PrintWriter out) {
            super(out);
        }

        @Override
        void write(Outcome o) {
            if (o.result().isEmpty()) {
                out.println(name(o) + ": error: " + o.error());
                return;
            }
            VerificationResult r = o.result().get();
            Stats s = r.stats();
            out.printf(Locale.ROOT, "%s (%s): %s — %d instructions, %.1f ms, %s, %d Z3 queries%s%s%n",
                    name(o), typeText(o.unit()), o.verdict(), s.instructions(), o.seconds() * 1e3, checksText(o), s.z3Queries(),
                    s.maxInstructionsExecuted().isPresent() ? ", at most " + s.maxInstructionsExecuted().getAsLong()
                            + " instructions executed" : "",
                    o.kernel().map(k -> "; Linux verifier: " + k.text()).orElse(""));
            o.unit().eim().ifPresent(e -> out.println("  limits of class " + e.className() + ": " + EimClassOption.limits(e, s, r)));
            if (!r.log().isEmpty()) {
                out.print(r.log().endsWith("\n") ? r.log() : r.log() + "\n");
            }
            if (r instanceof VerificationResult.Rejected rej) {
                for (Violation v : rej.violations()) {
                    out.println("  " + v);
                    if (!v.state().isEmpty()) {
                        out.println("      " + v.state());
                    }
                    out.println("      " + (o.unit().eim().isPresent() && v.witness() == WitnessStatus.NOT_SEARCHED
                            ? eimNotReplayed(o.unit(), v) : witnessText(v)));
                }
            }
        }

        @Override
        void finish() {
            out.printf("%d accepted, %d rejected, %d errors%n", accepted(), rejected(), errors());
        }
    }

    /** The program type, or for a {@code .text} function without one its BTF prototype. */
    private static String typeText(Unit u) {
        if (u.eim().isPresent()) {
            return u.platformName();
        }
        if (u.type().isPresent()) {
            return u.type().get().name();
        }
        return u.object().flatMap(BpfObject::btf).flatMap(btf -> BtfPrototypeText.of(btf, u.function()))
                .orElse("no type, no BTF prototype");
    }

    /** "N/M checks elided" for an accepted program (what the JIT compiles without a check); proved accesses otherwise. */
    private static String checksText(Outcome o) {
        if (o.checks().isPresent()) {
            ProvedChecks c = o.checks().get();
            return c.elided() + "/" + c.total() + " checks elided"
                    + (c.heapGuardsTotal() > 0 ? ", " + c.heapGuardsElided() + "/" + c.heapGuardsTotal() + " heap guards elided" : "");
        }
        Stats s = o.result().orElseThrow().stats();
        return s.checksElided() + "/" + s.checksTotal() + " memory accesses proved (nothing elided: not accepted)";
    }

    /** Why a violation against an EIM class was not replayed: the run cannot be set up, or no run can show it. */
    private static String eimNotReplayed(Unit u, Violation v) {
        Optional<String> why = EimReplayer.defaults().unsupported(u.object().orElseThrow(), u.program().orElseThrow(), u.eim().get());
        String values = " (values named above come from the verifier's state or from Z3)";
        if (why.isPresent()) {
            return "not replayed: " + why.get() + values;
        }
        return Witnesses.observableByRunningEim(v, u.program().orElseThrow())
                ? "not replayed: no witness search was made (--witness none)" + values
                : "not confirmed: not a fault a run of the entry can show" + values;
    }

    private static String witnessText(Violation v) {
        return switch (v.witness()) {
            case CONFIRMED -> "confirmed by a run in the checking interpreter, input " + v.witnessInput().orElse("(no description)");
            case NOT_CONFIRMED -> "not confirmed: no faulting input found; may be a false alarm";
            case NOT_SEARCHED -> "not confirmed: not a fault a run can show, or no witness search was made";
        };
    }

    /**
     * The JSON report, one object on one line: {@code {"objects": [{"file": ..., "programs": [...]}, ...]}},
     * written a program at a time.
     */
    private static final class JsonPrinter extends Printer {
        private Optional<String> currentFile = Optional.empty();
        private boolean firstProgram = true;

        JsonPrinter(PrintWriter out) {
            super(out);
            out.print("{\"objects\": [");
        }

        @Override
        void write(Outcome o) {
            StringBuilder sb = new StringBuilder();
            if (!currentFile.equals(Optional.of(o.unit().file()))) {
                if (currentFile.isPresent()) {
                    sb.append("]}, ");
                }
                currentFile = Optional.of(o.unit().file());
                sb.append("{\"file\": ").append(Json.string(o.unit().file())).append(", \"programs\": [");
                firstProgram = true;
            }
            if (!firstProgram) {
                sb.append(", ");
            }
            firstProgram = false;
            appendProgram(sb, o);
            out.print(sb);
        }

        @Override
        void finish() {
            out.println(currentFile.isPresent() ? "]}]}" : "]}");
        }
    }

    private static void appendProgram(StringBuilder sb, Outcome o) {
        Unit u = o.unit();
        Optional<Stats> s = o.result().map(VerificationResult::stats);
        sb.append("{\"section\": ").append(Json.string(u.section()))
                .append(", \"function\": ").append(Json.string(u.function()))
                .append(", \"type\": ").append(Json.string(u.type().map(ProgramType::name).orElse("")))
                .append(u.eim().map(e -> ", \"class\": " + Json.string(e.className()) + ", \"stack_bytes\": "
                        + s.map(Stats::stackBytes).orElse(0L)).orElse(""))
                .append(", \"verdict\": ").append(Json.string(o.verdict()))
                .append(", \"seconds\": ").append(String.format(Locale.ROOT, "%.6f", o.seconds()))
                .append(", \"instructions\": ").append(s.map(Stats::instructions).orElse(0))
                .append(", \"z3_queries\": ").append(s.map(Stats::z3Queries).orElse(0))
                .append(", \"checks_elided\": ").append(o.checks().map(ProvedChecks::elided).orElse(0))
                .append(", \"checks_total\": ").append(o.checks().map(ProvedChecks::total).orElse(s.map(Stats::checksTotal).orElse(0)))
                .append(", \"violations\": [");
        if (o.verdict().equals("error")) {
            sb.append("{\"pc\": -1, \"line\": \"\", \"obligation\": \"error\", \"message\": ")
                    .append(Json.string(o.error())).append(", \"confirmed\": false}");
        } else if (o.result().orElseThrow() instanceof VerificationResult.Rejected r) {
            boolean first = true;
            for (Violation v : r.violations()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append("{\"pc\": ").append(v.pc())
                        .append(", \"line\": ").append(Json.string(v.line().orElse("")))
                        .append(", \"obligation\": ").append(Json.string(v.kind().key()))
                        .append(", \"message\": ").append(Json.string(v.message()))
                        .append(", \"confirmed\": ").append(v.witness() == WitnessStatus.CONFIRMED)
                        .append('}');
            }
        }
        sb.append(']');
        // Fields beyond the schema come last, so that its fields keep their order
        // (docs/verifier.md, "The command", says why each exists).
        s.filter(st -> st.maxInstructionsExecuted().isPresent()).ifPresent(st ->
                sb.append(", \"max_instructions_executed\": ").append(st.maxInstructionsExecuted().getAsLong()));
        o.kernel().ifPresent(k -> sb.append(", \"kernel\": ").append(Json.string(k.verdict())));
        // KFlex: heap guards elided / total, for programs that address an extension heap.
        o.checks().filter(c -> c.heapGuardsTotal() > 0).ifPresent(c -> sb.append(", \"heap_guards_elided\": ")
                .append(c.heapGuardsElided()).append(", \"heap_guards_total\": ").append(c.heapGuardsTotal()));
        sb.append('}');
    }
}
