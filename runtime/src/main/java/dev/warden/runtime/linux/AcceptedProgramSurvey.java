package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.runtime.BranchEdges;
import dev.warden.runtime.Interpreter;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import dev.warden.vm.ProgramRefusedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The soundness survey of real programs: every program of an object that the verifier accepts
 * (Linux 6.18 platform, as {@code warden verify}) and whose type this runtime runs is run on many
 * inputs in the checking interpreter and compiled by the JIT with the checks its proof elides left
 * out, the JIT on exactly the interpreter's inputs. The inputs come twice: directed random
 * ({@link RandomInputs#nextFor}) and coverage-guided ({@link GuidedInputs}, fed the branch edges the
 * interpreter records with {@link Interpreter.Coverage#BRANCH_EDGES}), so that each row says how many
 * of the program's conditional edges each way reached. An accepted program must never fault: a
 * fault is an unsound verifier or a runtime bug. The one expected fault is a call of a helper this
 * runtime does not define ({@code UNKNOWN_HELPER}), reported with its id.
 */
public final class AcceptedProgramSurvey {
    private static final Pattern HELPER_ID = Pattern.compile("(?:call to helper|no helper with id) (\\d+)");

    private AcceptedProgramSurvey() {}

    /**
     * How one engine's runs of one program on one kind of inputs ended.
     *
     * @param distinct how many different numbers of executed instructions the returning runs had
     *     (the interpreter counts; 0 for the JIT)
     * @param covered how many of the program's conditional branch edges the runs executed together
     *     (the interpreter records them; 0 for the JIT, which ran the same inputs)
     * @param outsideProof the edges (as "pc taken" or "pc fall-through") the runs executed that the
     *     proof never reached ({@link ProvedEdges}): each is an execution the verifier said cannot
     *     happen, so a soundness bug like a fault
     */
    public record Outcomes(String engine, InputSearch search, int runs, int returned, Map<FaultKind, Integer> faults,
                           List<String> firstFaults, List<Integer> unknownHelpers, int distinct, int covered,
                           List<String> outsideProof) {
        /**
         * Faults other than calls of helpers this runtime does not define, and edges taken outside the
         * proof: each is a soundness bug.
         */
        public int unexpectedFaults() {
            return faults.entrySet().stream().filter(e -> e.getKey() != FaultKind.UNKNOWN_HELPER).mapToInt(Map.Entry::getValue).sum()
                    + outsideProof.size();
        }

        /** "200 returned (12 path lengths)" or "150 returned (3 path lengths), 50 UNKNOWN_HELPER (helper 16)". */
        public String summary() {
            StringBuilder sb = new StringBuilder().append(returned).append(" returned");
            if (distinct > 0) {
                sb.append(" (").append(distinct).append(" path lengths)");
            }
            faults.forEach((k, n) -> sb.append(", ").append(n).append(' ').append(k)
                    .append(k == FaultKind.UNKNOWN_HELPER ? " (helper " + unknownHelpers.stream().map(String::valueOf)
                            .collect(Collectors.joining(", ")) + ")" : ""));
            if (!outsideProof.isEmpty()) {
                sb.append(", edges the proof never reached: ").append(outsideProof);
            }
            return sb.toString();
        }
    }

    /** One accepted, runnable program and its outcomes on each engine. */
    /**
     * One accepted, runnable program and its outcomes on each engine and kind of inputs.
     *
     * @param conditionalEdges the program's conditional branch edges, two per conditional jump
     * @param provedEdges those of them the proof reached ({@link ProvedEdges}): at least every feasible one
     */
    public record Row(String object, String program, String type, int conditionalEdges, int provedEdges,
                      List<Outcomes> engines) {
        public int unexpectedFaults() {
            return engines.stream().mapToInt(Outcomes::unexpectedFaults).sum();
        }

        /** The edges the interpreter's runs on {@code search}'s inputs covered. */
        public int covered(InputSearch search) {
            return engines.stream().filter(o -> o.search() == search).mapToInt(Outcomes::covered).max().orElse(0);
        }
    }

    /** What the survey found in one object: its rows, and the programs it did not run with why. */
    public record ObjectSurvey(List<Row> rows, List<String> notRun) {}

    /**
     * Surveys the programs of {@code file}, {@code runs} inputs per program and engine from
     * {@code seed}. A file that is not an eBPF object gives one entry in {@code notRun}.
     */
    public static ObjectSurvey survey(Path file, int runs, long seed) {
        BpfObject object;
        try {
            object = ElfReader.read(file);
        } catch (IOException | ElfFormatException e) {
            return new ObjectSurvey(List.of(), List.of(file + ": not read: " + e.getMessage()));
        }
        List<Row> rows = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        for (BpfProgram program : object.programs()) {
            Optional<LinuxProgramType> type = LinuxProgramType.forSection(program.section());
            String where = file.getFileName() + " " + program.name() + " (" + program.section() + ")";
            if (type.isEmpty()) {
                notRun.add(where + ": a type this runtime does not run");
                continue;
            }
            VerifierOptions options = VerifierOptions.linux();
            options = options.withType(options.platform().type(type.get().name()).orElseThrow());
            VerifiedProgram proof;
            switch (Verifier.verify(object, program, options)) {
                case VerificationResult.Verified v -> proof = v.program();
                case VerificationResult.Rejected r -> {
                    notRun.add(where + ": rejected");
                    continue;
                }
            }
            // Only loading may refuse a program; an exception while running it is the survey's own bug and propagates.
            LinuxEnvironment interp;
            try {
                interp = LinuxEnvironment.load(object, proof.bpfProgram(), type.get(), LinuxEnvironment.DEFAULT_BUDGET,
                        new Interpreter(Interpreter.Coverage.BRANCH_EDGES));
            } catch (ProgramRefusedException | IllegalArgumentException e) {
                notRun.add(where + ": not loaded: " + e.getMessage());
                continue;
            }
            LinuxEnvironment jit;
            try {
                jit = LinuxEnvironment.loadVerified(object, proof, type.get(), LinuxEnvironment.DEFAULT_BUDGET);
            } catch (ProgramRefusedException | IllegalArgumentException e) {
                interp.close();
                notRun.add(where + ": not compiled: " + e.getMessage());
                continue;
            }
            try (interp; jit) {
                rows.add(surveyed(file.getFileName().toString(), object, program.name(), proof, type.get(), runs, seed,
                        interp, jit));
            }
        }
        return new ObjectSurvey(rows, notRun);
    }

    /**
     * One program, loaded once in the interpreter (recording edges) and once in the JIT (the proof's
     * checks elided): for each kind of inputs, the inputs drawn and run in the interpreter, each after
     * the last run's feedback, then the same inputs in the JIT.
     */
    private static Row surveyed(String file, BpfObject object, String name, VerifiedProgram proof, LinuxProgramType type,
                                int runs, long seed, LinuxEnvironment interp, LinuxEnvironment jit) {
        BitSet proved = ProvedEdges.of(proof);
        BranchEdges edges = interp.branchEdges().orElseThrow();
        List<Outcomes> outcomes = new ArrayList<>();
        for (InputSearch search : InputSearch.values()) {
            RandomInputs random = new RandomInputs(seed, object.maps());
            GuidedInputs guided = new GuidedInputs(seed, object.maps(), type, proof.bpfProgram().program());
            Tally tally = new Tally(Interpreter.NAME, search);
            BitSet covered = new BitSet();
            List<LinuxInput> inputs = new ArrayList<>(runs);
            for (int i = 0; i < runs; i++) {
                LinuxInput input = switch (search) {
                    case RANDOM -> random.nextFor(type);
                    case GUIDED -> guided.next();
                };
                inputs.add(input);
                tally.add(interp.run(input, MapsBefore.FROM_INPUT), input, interp);
                BitSet run = edges.takeRun();
                List<BranchEdges.Comparison> compared = edges.takeComparisons();
                covered.or(run);
                switch (search) {
                    case RANDOM -> random.learn(interp.missedKeys());
                    case GUIDED -> guided.learn(input, run, compared, interp.missedKeys());
                }
            }
            BitSet outside = (BitSet) covered.clone();
            outside.andNot(proved);
            List<String> unproved = outside.stream().mapToObj(e -> (e / 2) + (e % 2 == 1 ? " taken" : " fall-through")).toList();
            outcomes.add(tally.outcomes(runs, covered.cardinality(), unproved));
            Tally compiled = new Tally("jit", search);
            for (LinuxInput input : inputs) {
                compiled.add(jit.run(input, MapsBefore.FROM_INPUT), input, jit);
            }
            outcomes.add(compiled.outcomes(runs, 0, List.of()));
        }
        return new Row(file, name, type.name(), edges.conditionalEdges(), proved.cardinality(), outcomes);
    }

    /** How one engine's runs went so far. */
    private static final class Tally {
        private final String engine;
        private final InputSearch search;
        private int returned;
        private final Map<FaultKind, Integer> faults = new TreeMap<>();
        private final List<String> first = new ArrayList<>();
        private final SortedSet<Integer> helpers = new TreeSet<>();
        private final Set<Long> lengths = new HashSet<>();

        Tally(String engine, InputSearch search) {
            this.engine = engine;
            this.search = search;
        }

        void add(ExecResult result, LinuxInput input, LinuxEnvironment env) {
            switch (result) {
                case ExecResult.Returned r -> {
                    returned++;
                    env.lastRunInstructions().ifPresent(lengths::add);
                }
                case ExecResult.Faulted f -> {
                    faults.merge(f.fault().kind(), 1, Integer::sum);
                    if (f.fault().kind() == FaultKind.UNKNOWN_HELPER) {
                        Matcher m = HELPER_ID.matcher(f.fault().message());
                        if (m.find()) {
                            helpers.add(Integer.parseInt(m.group(1)));
                        }
                    } else if (first.size() < 3) {
                        first.add(f.fault() + " on " + input.describe(env.mapNames()));
                    }
                }
            }
        }

        Outcomes outcomes(int runs, int covered, List<String> outsideProof) {
            return new Outcomes(engine, search, runs, returned, faults, first, List.copyOf(helpers), lengths.size(), covered,
                    outsideProof);
        }
    }
}
