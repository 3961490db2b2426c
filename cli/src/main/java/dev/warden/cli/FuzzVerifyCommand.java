package dev.warden.cli;

import dev.warden.isa.random.PointerProgramGenerator;
import dev.warden.runtime.fuzz.FuzzReport;
import dev.warden.runtime.fuzz.Judge;
import dev.warden.runtime.fuzz.SoundnessFuzzer;
import dev.warden.runtime.fuzz.UnsoundAccept;
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

    @Option(names = "--accept-all",
            description = "Judge with a stand-in that accepts every program instead of the verifier: shows that the harness catches faults.")
    boolean acceptAll;

    @Spec CommandSpec spec;

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
        if (!type.equals("xdp")) {
            throw new UserError("--type " + type + ": the pointer program generator makes xdp programs only");
        }
        PrintWriter out = spec.commandLine().getOut();
        Judge judge;
        if (acceptAll) {
            judge = (object, program) -> Judge.Verdict.ACCEPTED;
        } else {
            try {
                judge = Judge.wardenVerifier(type);
            } catch (IllegalStateException e) {
                throw new UserError("cannot verify " + type + " programs: " + e.getMessage());
            }
        }
        FuzzReport r = new SoundnessFuzzer(judge, new PointerProgramGenerator(pieces), runs, 3).run(seed, programs);
        out.println(r.summary());
        r.firstVerifierError().ifPresent(e -> out.println("the verifier failed on " + r.verifierErrors()
                + " programs; the first: " + e));
        for (UnsoundAccept u : r.unsound()) {
            out.println();
            out.println("UNSOUND: " + u.describe().stripTrailing());
            out.println("replay: warden fuzz-verify --programs 1 --seed " + u.seed() + " --pieces " + pieces
                    + (acceptAll ? " --accept-all" : ""));
        }
        out.flush();
        return r.faulted() == 0 && r.verifierErrors() == 0 ? 0 : 1;
    }
}
