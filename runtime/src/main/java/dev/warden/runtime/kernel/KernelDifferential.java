package dev.warden.runtime.kernel;

import dev.warden.isa.Program;
import dev.warden.isa.random.ExitState;
import dev.warden.isa.random.Feature;
import dev.warden.isa.random.GeneratedProgram;
import dev.warden.isa.random.GeneratorOptions;
import dev.warden.isa.random.RandomProgramGenerator;
import dev.warden.isa.random.StateProbes;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Differential testing of a Warden engine against the kernel: random programs from seeds
 * {@code baseSeed, baseSeed + 1, ...} run in both, and their whole {@link ExitState}s (r0-r9,
 * all 64 bits, and the stack area) are compared. The engine's state is observed with
 * {@link StateProbes}, the kernel's with {@link KernelExecutor}.
 */
public final class KernelDifferential {
    private KernelDifferential() {}

    /**
     * The generator options the kernel can be trusted with: {@code requested} without the CPU v4
     * features where the kernel lacks them, and without {@link Feature#ATOMIC_FETCH}, which Linux
     * 6.18's verifier mis-tracks (a wrong kernel result; see docs/kernel-oracle.md).
     */
    public static GeneratorOptions kernelSafe(GeneratorOptions requested) {
        GeneratorOptions o = requested.without(Feature.ATOMIC_FETCH);
        return KernelOracle.supportsCpuV4() ? o : o.withoutCpuV4();
    }

    /** One program on which the engine and the kernel disagreed, or which one of them could not run. */
    public record Mismatch(long seed, String what, Program program) {}

    /**
     * What a comparison found. {@code mismatches} and {@code rejections} keep the first few
     * ({@code keep}); the counts cover all programs.
     */
    public record Report(String engine, String kernelRelease, long baseSeed, int programs, int agreed,
                         int mismatchCount, List<Mismatch> mismatches, int rejected, List<String> rejections,
                         double averageInstructions, double seconds, double kernelNsPerProgram) {
        public Report {
            mismatches = List.copyOf(mismatches);
            rejections = List.copyOf(rejections);
        }

        /** One line: how many programs, how many agreed, how many the verifier refused, how long. */
        public String summary() {
            return String.format(
                    "%s vs kernel %s, base seed %d: %d programs (%.1f instructions on average), %d agree, "
                            + "%d mismatch, %d rejected by the verifier; %.1f s, kernel run time %.0f ns per program",
                    engine, kernelRelease, baseSeed, programs, averageInstructions, agreed, mismatchCount, rejected,
                    seconds, kernelNsPerProgram);
        }
    }

    /**
     * Compares {@code programs} programs, holding the machine-wide oracle lock (one heavy kernel
     * user at a time). The kernel oracle must be available
     * ({@link KernelOracle#available()}); the options should come from {@link #kernelSafe}.
     */
    public static Report run(Engine engine, GeneratorOptions options, long baseSeed, int programs, int keep) {
        if (!(KernelOracle.available() instanceof Availability.Available available)) {
            throw new IllegalStateException("kernel oracle unavailable: " + KernelOracle.available());
        }
        try (OracleLock lock = OracleLock.acquire()) {
            return compare(engine, options, baseSeed, programs, keep, available);
        }
    }

    private static Report compare(Engine engine, GeneratorOptions options, long baseSeed, int programs, int keep,
                                  Availability.Available available) {
        RandomProgramGenerator gen = new RandomProgramGenerator(options);
        ExecOptions exec = ExecOptions.defaults();
        int agreed = 0;
        int rejected = 0;
        int mismatchCount = 0;
        long kernelNs = 0;
        long instructions = 0;
        List<String> rejections = new ArrayList<>();
        List<Mismatch> mismatches = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < programs; i++) {
            GeneratedProgram g = gen.generate(baseSeed + i);
            instructions += g.program().size();
            String fault = null;
            ExitState mine = null;
            try {
                mine = StateProbes.observe(g, p -> switch (engine.execute(p, new byte[0], exec)) {
                    case ExecResult.Returned r -> r.r0();
                    case ExecResult.Faulted f -> throw new ProbeFault(f.toString());
                });
            } catch (ProbeFault e) {
                fault = e.getMessage();
            }
            String problem = switch (KernelExecutor.run(g)) {
                case KernelExecutor.Outcome.Rejected r -> {
                    rejected++;
                    if (rejections.size() < keep) {
                        rejections.add("seed " + g.seed() + ": " + r.rejection().reason());
                    }
                    yield null;
                }
                case KernelExecutor.Outcome.Failed f -> "the kernel test run failed: " + f.error();
                case KernelExecutor.Outcome.Ran ran -> {
                    kernelNs += ran.durationNs();
                    if (fault != null) {
                        yield engine.name() + " faulted: " + fault + "\nkernel: " + ran.state();
                    }
                    if (!mine.equals(ran.state())) {
                        yield engine.name() + " vs kernel:\n  " + String.join("\n  ", mine.differences(ran.state()))
                                + "\n" + engine.name() + ": " + mine + "\nkernel: " + ran.state();
                    }
                    agreed++;
                    yield null;
                }
            };
            if (problem != null) {
                mismatchCount++;
                if (mismatches.size() < keep) {
                    mismatches.add(new Mismatch(g.seed(), problem, g.program()));
                }
            }
        }
        return new Report(engine.name(), available.kernelRelease(), baseSeed, programs, agreed, mismatchCount,
                mismatches, rejected, rejections, programs == 0 ? 0 : (double) instructions / programs,
                (System.nanoTime() - start) / 1e9, agreed == 0 ? 0 : (double) kernelNs / agreed);
    }

    /** A probe run that faulted: generated programs never should, so the comparison of that program stops. */
    private static final class ProbeFault extends Exception {
        ProbeFault(String message) {
            super(message, null, false, false);
        }
    }
}
