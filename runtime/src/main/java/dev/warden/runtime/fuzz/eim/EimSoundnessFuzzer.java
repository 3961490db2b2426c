package dev.warden.runtime.fuzz.eim;

import dev.warden.eim.AccessOp;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.asm.AssemblyException;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.fuzz.Judge;
import dev.warden.runtime.host.EimReplayer;
import dev.warden.runtime.host.GuardedEntry;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.HostObject;
import dev.warden.vm.ExecResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 10's soundness check of the EIM platform by execution: random policies and programs
 * ({@link EimCaseGenerator}) go through the verifier against the policy's class, and every
 * accepted program runs in the checking interpreter as the class's entry, with host memory guarded
 * by the grants ({@link GuardedEntry}, the set-up of the witness replay): only granted bytes are
 * addressable, read-only where only reads are granted, a host function call checks its
 * argument constraints, and a run may execute no more instructions than the class's limit allows. After each run that returns, what guards cannot show is read back: the
 * value of each constrained field the run changed against its write constraints, and the returned
 * value against the entry's return constraints. A fault or a broken constraint of an accepted
 * program is an unsound accept.
 *
 * <p>The inputs of each accepted program: host bytes all zeros, all 0xff and seeded random,
 * crossed with {@code n} at its range's low end, high end, middle and a random value (12 runs);
 * then {@code n} at each constant of the program and its neighbours, the values a bound check's
 * edge needs. Case {@code i} of a run from seed {@code s} is generated from {@code s + i}, and its
 * random inputs from the same seed: a report's seed reproduces the case and its runs.
 *
 * @param judge the verifier under test
 * @param generator the case generator
 * @param runsPerProgram the most runs per accepted program (at least 12, so that every pattern meets every end of {@code n})
 * @param keep how many unsound accepts and accepted planted flaws to keep (all are counted)
 */
public record EimSoundnessFuzzer(EimJudge judge, EimCaseGenerator generator, int runsPerProgram, int keep) {
    /** Runs per accepted program by default. */
    public static final int DEFAULT_RUNS = 48;
    private static final int BASIC_RUNS = 12;
    private static final Pattern CONSTANT = Pattern.compile("(?<![\\w\\[])-?\\d+");

    public EimSoundnessFuzzer {
        if (runsPerProgram < BASIC_RUNS) {
            throw new IllegalArgumentException("runsPerProgram must be at least " + BASIC_RUNS);
        }
    }

    /** The default generator, {@link #DEFAULT_RUNS} runs per program, keeping 5 of each kind of finding. */
    public static EimSoundnessFuzzer of(EimJudge judge) {
        return new EimSoundnessFuzzer(judge, EimCaseGenerator.defaults(), DEFAULT_RUNS, 5);
    }

    /** Tallies of one run, filled case by case. */
    private static final class Tally {
        long accepted;
        long rejected;
        long verifierErrors;
        long harnessErrors;
        long grantMismatches;
        Optional<String> firstError = Optional.empty();
        long runs;
        long faulted;
        long constraintBreaks;
        final List<EimUnsoundAccept> unsound = new ArrayList<>();
        long plantedLive;
        long plantedLiveAccepted;
        long plantedDead;
        long plantedDeadAccepted;
        long safeRejected;
        final Map<EimFlaw, Long> planted = new EnumMap<>(EimFlaw.class);
        final Map<EimFlaw, Long> rejectedByFlaw = new EnumMap<>(EimFlaw.class);
        final List<EimCase> plantedAccepted = new ArrayList<>();

        void error(String what) {
            if (firstError.isEmpty()) {
                firstError = Optional.of(what);
            }
        }
    }

    /** Checks {@code programs} cases from seed {@code seed} on. */
    public EimFuzzReport run(long seed, long programs) {
        return check(java.util.stream.LongStream.range(0, programs).mapToObj(i -> generator.generate(seed + i)).iterator(), programs);
    }

    /** Checks the given cases (hand-written ones, in tests). */
    public EimFuzzReport check(List<EimCase> cases) {
        return check(cases.iterator(), cases.size());
    }

    private EimFuzzReport check(java.util.Iterator<EimCase> cases, long programs) {
        long start = System.nanoTime();
        Tally t = new Tally();
        while (cases.hasNext()) {
            check(cases.next(), t);
        }
        return new EimFuzzReport(programs, t.accepted, t.rejected, t.verifierErrors, t.harnessErrors, t.grantMismatches,
                t.firstError, t.runs, t.faulted, t.constraintBreaks, t.unsound, t.plantedLive, t.plantedLiveAccepted,
                t.plantedDead, t.plantedDeadAccepted, t.safeRejected, t.planted, t.rejectedByFlaw, t.plantedAccepted,
                System.nanoTime() - start);
    }

    private void check(EimCase c, Tally t) {
        ParseResult parsed = Eim.parse("case-" + c.seed() + ".eim", c.policy(), Path.of("."));
        if (parsed.hasErrors()) {
            t.harnessErrors++;
            t.error("seed " + c.seed() + ": the generated policy does not parse: " + parsed.diagnostics() + "\n" + c.describe());
            return;
        }
        EimPlatform eim;
        switch (EimPlatform.forClass(parsed, EimCase.CLASS)) {
            case EimPlatform.Built.Ok ok -> eim = ok.platform();
            case EimPlatform.Built.Failed f -> {
                t.harnessErrors++;
                t.error("seed " + c.seed() + ": no platform for the class: " + f.message() + "\n" + c.describe());
                return;
            }
        }
        for (HostObject o : eim.objects()) {
            String platform = EimCase.describeGrants(o.runs(AccessOp.READ), o.runs(AccessOp.WRITE));
            if (!platform.equals(c.grants().get(o.name()))) {
                t.grantMismatches++;
                t.error("seed " + c.seed() + ": " + o.name() + " grants " + platform + " on the verifier's platform, "
                        + c.grants().get(o.name()) + " by the generator's layout\n" + c.describe());
                return;
            }
        }
        Program code;
        try {
            code = Assembler.assemble(c.program());
        } catch (AssemblyException e) {
            t.harnessErrors++;
            t.error("seed " + c.seed() + ": the generated program does not assemble: " + e.getMessage() + "\n" + c.describe());
            return;
        }
        BpfProgram program = new BpfProgram("p", "eim/e", code, List.of(), List.of(), List.of());
        BpfObject object = new BpfObject(List.of(), List.of(program), List.of(), "GPL");
        boolean live = c.plantedLive();
        // Per kind, programs (not flaws): the same unit as rejectedByFlaw.
        c.planted().stream().filter(p -> p.reach() == EimFlaw.Reach.LIVE).map(EimFlaw.Planted::kind).distinct()
                .forEach(k -> t.planted.merge(k, 1L, Long::sum));
        t.plantedLive += live ? 1 : 0;
        boolean deadOnly = !live && !c.planted().isEmpty();
        t.plantedDead += deadOnly ? 1 : 0;
        Judge.Verdict verdict;
        try {
            verdict = judge.judge(object, program, eim);
        } catch (RuntimeException e) {
            t.verifierErrors++;
            t.error("seed " + c.seed() + ": the verifier threw " + e + "\n" + c.describe());
            return;
        }
        if (verdict == Judge.Verdict.REJECTED) {
            t.rejected++;
            t.safeRejected += live ? 0 : 1;
            c.planted().stream().filter(p -> p.reach() == EimFlaw.Reach.LIVE).map(EimFlaw.Planted::kind).distinct()
                    .forEach(k -> t.rejectedByFlaw.merge(k, 1L, Long::sum));
            return;
        }
        t.accepted++;
        t.plantedLiveAccepted += live ? 1 : 0;
        t.plantedDeadAccepted += deadOnly ? 1 : 0;
        Optional<String> unsupported = EimReplayer.defaults().unsupported(object, program, eim);
        if (unsupported.isPresent()) {
            t.harnessErrors++;
            t.error("seed " + c.seed() + ": the replay cannot run it: " + unsupported.get() + "\n" + c.describe());
            return;
        }
        try (GuardedEntry entry = GuardedEntry.open(object, program, eim, GuardedEntry.Budget.CLASS_LIMIT)) {
            Optional<EimUnsoundAccept> broken = runAll(c, entry, t);
            if (broken.isPresent()) {
                if (t.unsound.size() < keep) {
                    t.unsound.add(broken.get());
                }
            } else if (live && t.plantedAccepted.size() < keep) {
                t.plantedAccepted.add(c);
            }
        } catch (InvalidProgramException | RuntimeException e) {
            t.harnessErrors++;
            t.error("seed " + c.seed() + ": the replay failed: " + e + "\n" + c.describe());
        }
    }

    /** Runs one accepted program on its inputs until one breaks the class. */
    private Optional<EimUnsoundAccept> runAll(EimCase c, GuardedEntry entry, Tally t) {
        SplittableRandom rnd = new SplittableRandom(c.seed());
        List<Long> interesting = constants(c.program());
        int total = Math.min(runsPerProgram, BASIC_RUNS + interesting.size());
        for (int run = 0; run < total; run++) {
            String bytes = entry.fill(Optional.empty(), run, rnd) + entry.link(GuardedEntry.Links.ALL_LINKED);
            long[] args = run < BASIC_RUNS ? entry.arguments(run, rnd) : entry.argumentsWith(interesting.get(run - BASIC_RUNS));
            byte[][] before = entry.snapshot();
            ExecResult r = entry.run(args);
            t.runs++;
            String input = entry.describe(args) + bytes;
            if (r instanceof ExecResult.Faulted f) {
                t.faulted++;
                return Optional.of(new EimUnsoundAccept(c, input, f.fault().toString()));
            }
            List<String> broken = new ArrayList<>(entry.brokenWrites(before));
            broken.addAll(entry.brokenReturn(((ExecResult.Returned) r).r0(), args));
            if (!broken.isEmpty()) {
                t.constraintBreaks++;
                return Optional.of(new EimUnsoundAccept(c, input, String.join("; ", broken)));
            }
        }
        return Optional.empty();
    }

    /** Every integer constant of the program text with its neighbours, in order, without repeats. */
    static List<Long> constants(String asm) {
        TreeSet<Long> out = new TreeSet<>();
        Matcher m = CONSTANT.matcher(asm);
        while (m.find()) {
            try {
                long v = Long.parseLong(m.group());
                out.add(v - 1);
                out.add(v);
                out.add(v + 1);
            } catch (NumberFormatException e) {
                // Beyond a long: not a value the program can compare with.
            }
        }
        return List.copyOf(out);
    }
}
