package dev.warden.runtime.fuzz;

import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.random.GeneratedObject;
import dev.warden.isa.random.Hazard;
import dev.warden.isa.random.PointerProgramGenerator;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxInput;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.MapsBefore;
import dev.warden.runtime.linux.RandomInputs;
import dev.warden.vm.ExecResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The soundness check of a verifier by execution: generate pointer programs
 * ({@link PointerProgramGenerator}), ask the verifier about each, and run every accepted one in
 * the checking interpreter ({@link LinuxEnvironment}) on many directed random inputs
 * ({@link RandomInputs}). An accepted program that faults on any input — out of bounds, read-only,
 * misaligned, a helper given bad memory, the instruction budget exhausted — is an unsound accept.
 *
 * <p>Program {@code i} of a run with seed {@code s} is generated from seed {@code s + i}, and its
 * inputs from the same seed: a report's seed reproduces the program and its inputs.
 *
 * @param judge the verifier under test
 * @param generator the program generator
 * @param runsPerProgram inputs each accepted program runs on
 * @param keep how many unsound accepts, and how many accepted programs with a planted flaw of each kind,
 *     to keep in the report (all are counted)
 */
public record SoundnessFuzzer(Judge judge, PointerProgramGenerator generator, int runsPerProgram, int keep) {
    /** Inputs per accepted program by default. */
    public static final int DEFAULT_RUNS = 32;

    public SoundnessFuzzer {
        if (runsPerProgram < 1) {
            throw new IllegalArgumentException("runsPerProgram must be at least 1");
        }
    }

    /** The default generator, {@link #DEFAULT_RUNS} runs per program, keeping 5 unsound accepts. */
    public static SoundnessFuzzer of(Judge judge) {
        return new SoundnessFuzzer(judge, PointerProgramGenerator.defaults(), DEFAULT_RUNS, 5);
    }

    /** Checks {@code programs} programs from seed {@code seed} on. */
    public FuzzReport run(long seed, long programs) {
        long start = System.nanoTime();
        long accepted = 0;
        long rejected = 0;
        long errors = 0;
        long runs = 0;
        long faulted = 0;
        long plantedUnsafe = 0;
        long plantedUnsafeAccepted = 0;
        long plantedSafeRejected = 0;
        Optional<String> firstError = Optional.empty();
        List<UnsoundAccept> unsound = new ArrayList<>();
        List<FuzzReport.PlantedAccept> plantedAccepted = new ArrayList<>();
        Map<Hazard, Integer> keptPerFlaw = new EnumMap<>(Hazard.class);
        CoverageCounts.Tally tally = new CoverageCounts.Tally();
        for (long i = 0; i < programs; i++) {
            GeneratedObject g = generator.generate(seed + i);
            boolean flawed = g.plantedUnsafe();
            plantedUnsafe += flawed ? 1 : 0;
            Judge.Verdict verdict;
            try {
                verdict = judge.judge(g.object(), g.program());
            } catch (RuntimeException e) {
                errors++;
                if (firstError.isEmpty()) {
                    firstError = Optional.of("seed " + g.seed() + ": " + e);
                }
                continue;
            }
            if (verdict == Judge.Verdict.REJECTED) {
                tally.add(g, CoverageCounts.Outcome.REJECTED);
                rejected++;
                plantedSafeRejected += flawed ? 0 : 1;
                continue;
            }
            accepted++;
            plantedUnsafeAccepted += flawed ? 1 : 0;
            Checked c = checkCounting(g);
            runs += c.runs();
            tally.add(g, c.failure().isPresent() ? CoverageCounts.Outcome.ACCEPTED_FAULTED : CoverageCounts.Outcome.ACCEPTED_CLEAN);
            if (c.failure().isPresent()) {
                faulted++;
                if (unsound.size() < keep) {
                    unsound.add(c.failure().get());
                }
            } else if (flawed && keepsAnother(g, keptPerFlaw)) {
                plantedAccepted.add(new FuzzReport.PlantedAccept(g.seed(), Disassembler.listing(g.program().program()),
                        describeMaps(g.object().maps()), g.planted().toString()));
            }
        }
        return new FuzzReport(programs, accepted, rejected, errors, firstError, runs, faulted, unsound, plantedUnsafe,
                plantedUnsafeAccepted, plantedSafeRejected, plantedAccepted, tally.counts(), System.nanoTime() - start);
    }

    /** Whether one of {@code g}'s unsafe flaws has fewer than {@link #keep} accepted programs kept; counts it if so. */
    private boolean keepsAnother(GeneratedObject g, Map<Hazard, Integer> keptPerFlaw) {
        for (GeneratedObject.Planted p : g.planted()) {
            if (p.hazard().unsafe() && keptPerFlaw.getOrDefault(p.hazard(), 0) < keep) {
                keptPerFlaw.merge(p.hazard(), 1, Integer::sum);
                return true;
            }
        }
        return false;
    }

    private record Checked(long runs, Optional<UnsoundAccept> failure) {}

    /** Runs {@code g} on this fuzzer's inputs: the first fault, if any (for comparisons of verifiers). */
    Optional<UnsoundAccept> check(GeneratedObject g) {
        return checkCounting(g).failure();
    }

    /** Runs one accepted program until it faults or its inputs run out. */
    private Checked checkCounting(GeneratedObject g) {
        RandomInputs inputs = new RandomInputs(g.seed(), g.object().maps());
        try (LinuxEnvironment env = LinuxEnvironment.load(g.object(), g.program(), LinuxProgramType.XDP)) {
            for (int r = 1; r <= runsPerProgram; r++) {
                LinuxInput input = inputs.next();
                ExecResult result = env.run(input, MapsBefore.FROM_INPUT);
                if (result instanceof ExecResult.Faulted f) {
                    return new Checked(r, Optional.of(new UnsoundAccept(g.seed(),
                            Disassembler.listing(g.program().program()), describeMaps(g.object().maps()),
                            input.describe(env.mapNames()), f.fault())));
                }
                inputs.learn(env.missedKeys());
            }
        }
        return new Checked(runsPerProgram, Optional.empty());
    }

    private static String describeMaps(List<BpfMap> maps) {
        return maps.stream().map(m -> "  " + m + "\n").collect(Collectors.joining());
    }
}
