package dev.warden.cli;

import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.random.Feature;
import dev.warden.isa.random.GeneratorOptions;
import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelDifferential;
import dev.warden.runtime.kernel.KernelOracle;
import dev.warden.vm.Engine;
import dev.warden.vm.Engines;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden kernel-diff}: runs random programs in a Warden engine and in the Linux kernel
 * (bpf() BPF_PROG_LOAD + BPF_PROG_TEST_RUN) and compares their final registers and stack.
 * Exit status 0 when all agree, 1 on a mismatch or when the kernel cannot be used.
 */
@Command(name = "kernel-diff", mixinStandardHelpOptions = true,
    description = "Differential test against the Linux kernel: random programs in a Warden engine and in the kernel "
        + "(needs root for bpf()); compares r0-r9 and the stack.")
final class KernelDiffCommand implements Callable<Integer> {

    @Option(names = "--programs", defaultValue = "1000", description = "How many programs (default ${DEFAULT-VALUE}).")
    int programs;

    @Option(names = "--seed", defaultValue = "1592590338", description = "Seed of the first program; program i has seed + i.")
    long seed;

    @Option(names = "--engine", defaultValue = "interp", description = "The Warden engine to compare (default ${DEFAULT-VALUE}).")
    String engineName;

    @Option(names = "--size", defaultValue = "60", description = "About how many body instructions per program.")
    int size;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (programs < 0) {
            throw new UserError("--programs must not be negative: " + programs);
        }
        if (size < 1) {
            throw new UserError("--size must be at least 1: " + size);
        }
        if (KernelOracle.available() instanceof Availability.Unavailable u) {
            throw new UserError("the kernel oracle is unavailable: " + u.reason());
        }
        Engine engine = Engines.find(engineName).orElseThrow(
                () -> new UserError("no engine '" + engineName + "'; known: " + String.join(", ", Engines.names())));
        GeneratorOptions options = KernelDifferential.kernelSafe(
                GeneratorOptions.defaults().with(Feature.LOCAL_CALLS).withBodyInstructions(size));
        KernelDifferential.Report r = KernelDifferential.run(engine, options, seed, programs, 3);
        PrintWriter out = spec.commandLine().getOut();
        out.println(r.summary());
        for (String rejection : r.rejections()) {
            out.println("  rejected " + rejection);
        }
        for (KernelDifferential.Mismatch m : r.mismatches()) {
            out.println();
            out.println("mismatch, seed " + m.seed() + " (replay: warden kernel-diff --engine " + engineName
                    + " --size " + size + " --programs 1 --seed " + m.seed() + "):");
            out.println(m.what());
            out.print(Disassembler.listing(m.program()));
        }
        out.flush();
        return r.mismatchCount() == 0 ? 0 : 1;
    }
}
