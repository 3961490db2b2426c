package dev.warden.cli;

import dev.warden.isa.random.PointerProgramGenerator;
import dev.warden.runtime.fuzz.FourWayTable;
import dev.warden.runtime.fuzz.FuzzReport;
import dev.warden.runtime.fuzz.Judge;
import dev.warden.runtime.fuzz.SoundnessFuzzer;
import dev.warden.runtime.fuzz.UnsoundAccept;
import dev.warden.runtime.fuzz.VerdictComparison;
import dev.warden.runtime.fuzz.eim.EimCase;
import dev.warden.runtime.fuzz.eim.EimCaseGenerator;
import dev.warden.runtime.fuzz.eim.EimFuzzReport;
import dev.warden.runtime.fuzz.eim.EimJudge;
import dev.warden.runtime.fuzz.eim.EimSoundnessFuzzer;
import dev.warden.runtime.fuzz.eim.EimUnsoundAccept;
import dev.warden.runtime.kernel.OracleLock;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden fuzz-verify}: the verifier's soundness checked by execution. Random pointer
 * programs go through the verifier; every accepted one runs in the checking interpreter on many
 * directed random inputs. Exit status 0 when no accepted program faulted, 1 when one did (each
 * printed with its input and as assembly) or when the verifier failed on a program.
 * {@code --platform eim} fuzzes the EIM platform instead: random policies and programs, each
 * accepted program run as its class's entry with host memory guarded by the grants.
 */
@Command(name = "fuzz-verify", mixinStandardHelpOptions = true,
    description = {"Soundness fuzzing: random pointer programs through the verifier; every accepted program runs "
        + "on random inputs in the checking interpreter and must never fault.",
        "Prints how many programs were generated, accepted, run and faulted; exit status 1 on any fault."})
final class FuzzVerifyCommand implements Callable<Integer> {

    @Option(names = "--programs", defaultValue = "10000", description = "How many programs (default ${DEFAULT-VALUE}).")
    long programs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first program; program i has seed + i (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--type", defaultValue = "xdp", description = "Program type (the generator makes xdp programs; default ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--runs", defaultValue = "" + SoundnessFuzzer.DEFAULT_RUNS,
            description = "Inputs per accepted program (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--pieces", defaultValue = "8", description = "Top-level pieces per program, about 10 instructions each (default ${DEFAULT-VALUE}).")
    int pieces;

    @Option(names = "--verifier", defaultValue = "warden",
            description = "The verifier under test: warden (default), kernel (the running Linux verifier, needs root), "
                    + "or accept-all (a stand-in that accepts everything: shows that the harness catches faults).")
    String verifier;

    /** Which platform the programs are verified for. */
    enum FuzzPlatform { linux, eim }

    @Option(names = "--platform", defaultValue = "linux",
            description = "linux (default): random pointer programs for a Linux program type; eim: random EIM policies "
                    + "and programs, each accepted program run as the class's entry with host memory guarded by the "
                    + "grants, stored values and the return value checked against their constraints.")
    FuzzPlatform platform;

    @Option(names = "--kernel",
            description = "Also load every program into the Linux verifier and print the four-way table of verdicts "
                    + "(both accept / only Warden / only the kernel / both reject).")
    boolean kernel;

    /** Whether Warden's verifier may ask Z3 about accesses its domains cannot decide. */
    enum SmtStep { on, off }

    @Option(names = "--smt", defaultValue = "on",
            description = "Warden's Z3 step: on (default; as `warden verify` runs) or off (the domains decide alone, "
                    + "about fifteen times faster per program: for long runs).")
    SmtStep smt;

    @Option(names = "--show-planted",
            description = "Also print the first accepted programs that carry a planted unsafe flaw (with the flaw's pc),"
                    + " five of each flaw kind, to read why the flaw cannot be reached.")
    boolean showPlanted;

    @Spec CommandSpec spec;

    private Judge judge(String name) {
        try {
            return switch (name) {
                case "warden" -> Judge.wardenVerifier(type,
                        smt == SmtStep.on ? dev.warden.verifier.SmtBudget.DEFAULT : dev.warden.verifier.SmtBudget.OFF);
                case "kernel" -> Judge.linuxKernel();
                case "accept-all" -> (object, program) -> Judge.Verdict.ACCEPTED;
                default -> throw new UserError("--verifier " + name + ": expected warden, kernel or accept-all");
            };
        } catch (IllegalStateException e) {
            throw new UserError("cannot verify " + type + " programs with " + name + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        if (programs < 0) {
            throw new UserError("--programs must not be negative: " + programs);
        }
        if (runs < 1) {
            throw new UserError("--runs must be at least 1: " + runs);
        }
        if (pieces < 1) {
            throw new UserError("--pieces must be at least 1: " + pieces);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (platform == FuzzPlatform.eim) {
            return checkEim(out);
        }
        if (!type.equals("xdp")) {
            throw new UserError("--type " + type + ": the pointer program generator makes xdp programs only");
        }
        Judge judge = judge(verifier);
        if (kernel || verifier.equals("kernel")) {
            // Many loads and frees: take the machine-wide turn (see docs/kernel-oracle.md, the JIT deadlock).
            try (OracleLock lock = OracleLock.acquire()) {
                return check(judge, out);
            }
        }
        return check(judge, out);
    }

    private int check(Judge judge, PrintWriter out) {
        if (kernel) {
            FourWayTable t = new VerdictComparison(judge, judge("kernel"), new PointerProgramGenerator(pieces), runs)
                    .run(seed, programs);
            out.print(t.render(verifier, "linux"));
            out.println("only linux accepts (precision gaps), first seeds: " + t.onlySecondSeeds());
            out.println("only " + verifier + " accepts, first seeds: " + t.onlyFirstSeeds());
            for (String f : t.faulted()) {
                out.println();
                out.println("UNSOUND: " + f.stripTrailing());
            }
            out.flush();
            return t.faulted().isEmpty() && t.errors() == 0 ? 0 : 1;
        }
        FuzzReport r = new SoundnessFuzzer(judge, new PointerProgramGenerator(pieces), runs, showPlanted ? 5 : 3).run(seed, programs);
        out.println(r.summary());
        r.coverage().lines().forEach(out::println);
        r.firstVerifierError().ifPresent(e -> out.println("the verifier failed on " + r.verifierErrors()
                + " programs; the first: " + e));
        if (showPlanted) {
            for (FuzzReport.PlantedAccept p : r.plantedAccepted()) {
                out.println();
                out.println("PLANTED: " + p.describe().stripTrailing());
            }
        }
        for (UnsoundAccept u : r.unsound()) {
            out.println();
            out.println("UNSOUND: " + u.describe().stripTrailing());
            out.println("replay: warden fuzz-verify --programs 1 --seed " + u.seed() + " --pieces " + pieces
                    + " --verifier " + verifier);
        }
        out.flush();
        return r.faulted() == 0 && r.verifierErrors() == 0 ? 0 : 1;
    }

    /** {@code --platform eim}: the EIM soundness fuzzer. */
    private int checkEim(PrintWriter out) {
        if (kernel || !type.equals("xdp")) {
            throw new UserError("--platform eim verifies against the generated policy's class: --kernel and --type do not apply");
        }
        if (runs < 12) {
            throw new UserError("--runs must be at least 12 with --platform eim (every host-byte pattern meets every end of n): " + runs);
        }
        EimJudge judge = switch (verifier) {
            case "warden" -> EimJudge.warden(smt == SmtStep.on ? dev.warden.verifier.SmtBudget.DEFAULT : dev.warden.verifier.SmtBudget.OFF);
            case "accept-all" -> (object, program, eim) -> Judge.Verdict.ACCEPTED;
            default -> throw new UserError("--verifier " + verifier + ": expected warden or accept-all with --platform eim");
        };
        EimCaseGenerator generator = new EimCaseGenerator(pieces, EimCaseGenerator.defaults().flawRate());
        EimFuzzReport r = new EimSoundnessFuzzer(judge, generator, runs, showPlanted ? 20 : 3).run(seed, programs);
        out.println(r.summary());
        r.firstError().ifPresent(e -> out.println("first error: " + e.stripTrailing()));
        if (showPlanted) {
            for (EimCase c : r.plantedAccepted()) {
                out.println();
                out.println("PLANTED (accepted, no run broke the class): " + c.describe().stripTrailing());
            }
        }
        for (EimUnsoundAccept u : r.unsound()) {
            out.println();
            out.println("UNSOUND: " + u.describe().stripTrailing());
            out.println("replay: warden fuzz-verify --platform eim --programs 1 --seed " + u.generated().seed() + " --pieces " + pieces
                    + " --runs " + runs + " --verifier " + verifier);
        }
        out.flush();
        return r.unsoundCount() == 0 && r.verifierErrors() == 0 && r.harnessErrors() == 0 && r.grantMismatches() == 0 ? 0 : 1;
    }
}
