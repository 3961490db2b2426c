package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soundness survey of real programs: every program of an object that the verifier accepts
 * (Linux 6.18 platform, as {@code warden verify}) and whose type this runtime runs is run on many
 * directed random inputs ({@link RandomInputs#nextFor}) in the checking interpreter and compiled by
 * the JIT with the checks its proof elides left out. An accepted program must never fault: a fault
 * is an unsound verifier or a runtime bug. The one expected fault is a call of a helper this runtime
 * does not define ({@code UNKNOWN_HELPER}), reported with its id.
 */
public final class AcceptedProgramSurvey {
    private static final Pattern HELPER_ID = Pattern.compile("(?:call to helper|no helper with id) (\\d+)");

    private AcceptedProgramSurvey() {}

    /** How one engine's runs of one program ended. */
    /**
     * @param distinct how many different numbers of executed instructions the returning runs had
     *     (the interpreter counts; 0 for the JIT): evidence that the inputs drive the program down
     *     different paths, not only to its first exit
     */
    public record Outcomes(String engine, int runs, int returned, Map<FaultKind, Integer> faults, List<String> firstFaults,
                           List<Integer> unknownHelpers, int distinct) {
        /** Faults other than calls of helpers this runtime does not define: each is a soundness bug. */
        public int unexpectedFaults() {
            return faults.entrySet().stream().filter(e -> e.getKey() != FaultKind.UNKNOWN_HELPER).mapToInt(Map.Entry::getValue).sum();
        }

        /** "200 returned (12 path lengths)" or "150 returned (3 path lengths), 50 UNKNOWN_HELPER (helper 16)". */
        public String summary() {
            StringBuilder sb = new StringBuilder().append(returned).append(" returned");
            if (distinct > 0) {
                sb.append(" (").append(distinct).append(" path lengths)");
            }
            faults.forEach((k, n) -> sb.append(", ").append(n).append(' ').append(k)
                    .append(k == FaultKind.UNKNOWN_HELPER ? " (helper " + unknownHelpers.stream().map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(", ")) + ")" : ""));
            return sb.toString();
        }
    }

    /** One accepted, runnable program and its outcomes on each engine. */
    public record Row(String object, String program, String type, List<Outcomes> engines) {
        public int unexpectedFaults() {
            return engines.stream().mapToInt(Outcomes::unexpectedFaults).sum();
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
            try {
                rows.add(new Row(file.getFileName().toString(), program.name(), type.get().name(), List.of(
                        interpreted(object, proof, type.get(), runs, seed), compiled(object, proof, type.get(), runs, seed))));
            } catch (ProgramRefusedException | IllegalArgumentException e) {
                notRun.add(where + ": not loaded: " + e.getMessage());
            }
        }
        return new ObjectSurvey(rows, notRun);
    }

    private static Outcomes interpreted(BpfObject object, VerifiedProgram proof, LinuxProgramType type, int runs, long seed) {
        try (LinuxEnvironment env = LinuxEnvironment.load(object, proof.bpfProgram(), type, LinuxEnvironment.DEFAULT_BUDGET,
                new Interpreter())) {
            return runAll(Interpreter.NAME, env, object, type, runs, seed);
        }
    }

    private static Outcomes compiled(BpfObject object, VerifiedProgram proof, LinuxProgramType type, int runs, long seed) {
        try (LinuxEnvironment env = LinuxEnvironment.loadVerified(object, proof, type, LinuxEnvironment.DEFAULT_BUDGET)) {
            return runAll("jit", env, object, type, runs, seed);
        }
    }

    /** The same inputs on every engine: the seed fixes them, and keys a run missed feed later inputs. */
    private static Outcomes runAll(String engine, LinuxEnvironment env, BpfObject object, LinuxProgramType type, int runs,
                                   long seed) {
        RandomInputs inputs = new RandomInputs(seed, object.maps());
        int returned = 0;
        Map<FaultKind, Integer> faults = new TreeMap<>();
        List<String> first = new ArrayList<>();
        java.util.SortedSet<Integer> helpers = new java.util.TreeSet<>();
        java.util.Set<Long> lengths = new java.util.HashSet<>();
        for (int i = 0; i < runs; i++) {
            LinuxInput input = inputs.nextFor(type);
            switch (env.run(input, MapsBefore.FROM_INPUT)) {
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
            inputs.learn(env.missedKeys());
        }
        return new Outcomes(engine, runs, returned, faults, first, List.copyOf(helpers), lengths.size());
    }
}
