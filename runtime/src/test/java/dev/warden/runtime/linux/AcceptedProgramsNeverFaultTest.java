package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The soundness survey ({@link AcceptedProgramSurvey}) over every object not written for this test:
 * ../shared/testdata/real-objects (bcc ksnoop's kprobes, inspektor-gadget's raw tracepoint, nat64 and
 * pping), examples/ and corpus/. Every program the verifier accepts and the runtime can run is run on
 * {@code -Dwarden.survey.runs=N} directed random inputs and N coverage-guided ones (default 64 each)
 * in both engines; it fails on any fault but a call of a helper this runtime does not define and on
 * any branch edge a run took that the proof never reached, and unless the guided inputs covered more
 * edges in all than the random ones; it prints the table (the conditional edges, those the proof
 * reached, those each kind of inputs covered) and a summary per program family, and writes them to
 * target/accepted-programs-survey.tsv and target/accepted-programs-coverage.tsv. Skipped, loudly,
 * without the test data.
 */
class AcceptedProgramsNeverFaultTest {
    private static final Path REAL = Path.of(System.getProperty("warden.shared", "../../shared"), "testdata", "real-objects").normalize();
    private static final int RUNS = Integer.getInteger("warden.survey.runs", 64);

    @Test
    void everyAcceptedProgramRunsWithoutAFaultInBothEngines() throws IOException {
        assumeTrue(Files.isDirectory(REAL), "SKIPPED: the real objects are not at " + REAL.toAbsolutePath()
                + " (set -Dwarden.shared); the survey of accepted programs did not run");
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(REAL, Path.of("..", "examples"), Path.of("..", "corpus"))) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(files::add);
            }
        }
        List<AcceptedProgramSurvey.Row> rows = new ArrayList<>();
        List<String> table = new ArrayList<>(List.of("object\tprogram\ttype\truns per engine and search\tconditional edges"
                + "\tproved edges\tcovered random\tcovered guided\tinterpreter random\tjit random\tinterpreter guided\tjit guided"));
        List<String> problems = new ArrayList<>();
        SortedSet<Integer> unknown = new TreeSet<>();
        SortedSet<String> types = new TreeSet<>();
        java.util.Map<String, Integer> notRun = new java.util.TreeMap<>();
        for (Path f : files) {
            AcceptedProgramSurvey.ObjectSurvey s = AcceptedProgramSurvey.survey(f, RUNS, f.getFileName().toString().hashCode());
            s.notRun().forEach(n -> notRun.merge(n.substring(n.lastIndexOf(": ") + 2), 1, Integer::sum));
            for (AcceptedProgramSurvey.Row r : s.rows()) {
                rows.add(r);
                types.add(r.type());
                StringBuilder line = new StringBuilder("survey: " + r.object() + "\t" + r.program() + "\t" + r.type() + "\t" + RUNS
                        + "\t" + r.conditionalEdges() + "\t" + r.provedEdges() + "\t" + r.covered(InputSearch.RANDOM) + "\t" + r.covered(InputSearch.GUIDED));
                for (AcceptedProgramSurvey.Outcomes o : r.engines()) {
                    line.append('\t').append(o.engine()).append(": ").append(o.summary());
                    unknown.addAll(o.unknownHelpers());
                    if (o.unexpectedFaults() > 0) {
                        problems.add(r.object() + " " + r.program() + " (" + r.type() + ", " + o.engine() + "): "
                                + o.summary() + "; first: " + o.firstFaults());
                    }
                }
                System.out.println(line);
                table.add(line.substring("survey: ".length()).replaceAll("\t(interp|jit): ", "\t"));
            }
        }
        System.out.println("survey: " + rows.size() + " accepted programs of types " + types + " in " + files.size()
                + " objects, " + RUNS + " random and " + RUNS + " guided inputs each per engine; helpers not defined here: "
                + unknown + "; programs not run, by reason: " + notRun);
        List<String> families = SurveyCoverage.byFamily(rows);
        families.forEach(f -> System.out.println("survey coverage: " + f));
        // The tables for docs/runtime.md and reports.
        Files.write(Path.of("target", "accepted-programs-survey.tsv"), table);
        Files.write(Path.of("target", "accepted-programs-coverage.tsv"), families);
        assertTrue(types.containsAll(List.of("kprobe", "raw_tracepoint", "tc")), "the survey must reach the tracing programs: " + types);
        assertEquals(List.of(), problems, "accepted programs that faulted or took an edge outside their proof: "
                + "an unsound verifier or a runtime bug");
        int random = rows.stream().mapToInt(r -> r.covered(InputSearch.RANDOM)).sum();
        int guided = rows.stream().mapToInt(r -> r.covered(InputSearch.GUIDED)).sum();
        assertTrue(guided > random, "the coverage-guided inputs covered " + guided + " edges in all, the random ones " + random);
    }
}
