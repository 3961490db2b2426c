package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.verifier.prevail.Classification;
import dev.warden.verifier.prevail.PrevailCase;
import dev.warden.verifier.prevail.PrevailRunner;
import dev.warden.verifier.prevail.PrevailYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PREVAIL's own test suite ({@code ../shared/testdata/prevail-yaml}) put to Warden: every case is
 * read, translated and classified, and the agreement table is printed. Asserted is only what must
 * hold whatever the analysis does: every case in the files is read (counted independently of the
 * YAML reader), none crashes the runner, each gets a class.
 */
class PrevailSuiteAgreementTest {

    @Test
    void everyCaseIsReadRunAndClassified() throws IOException {
        Path dir = Path.of(System.getProperty("warden.shared", "../shared"), "testdata", "prevail-yaml").normalize();
        Assumptions.assumeTrue(Files.isDirectory(dir), "PREVAIL's YAML suite not found at " + dir.toAbsolutePath());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no .yaml files in " + dir);
        List<PrevailRunner.Result> results = new ArrayList<>();
        List<String> crashes = new ArrayList<>();
        int declared = 0;
        for (Path f : files) {
            // Counted from the text, so that a reader that drops documents cannot pass.
            declared += (int) Files.readAllLines(f).stream().filter(l -> l.startsWith("test-case:")).count();
            for (PrevailCase c : PrevailYaml.read(f)) {
                try {
                    PrevailRunner.Result r = PrevailRunner.run(c);
                    assertTrue(r.classification() != null, c + " was not classified");
                    results.add(r);
                } catch (RuntimeException e) {
                    crashes.add(c + ": " + e);
                }
            }
        }
        System.out.println(table(results));
        assertTrue(crashes.isEmpty(), crashes.size() + " cases crashed the runner or the verifier:\n  "
                + String.join("\n  ", crashes));
        assertEquals(declared, results.size(), "cases read vs 'test-case:' lines in the files");
    }

    static String table(List<PrevailRunner.Result> results) {
        Map<Classification, Integer> counts = new EnumMap<>(Classification.class);
        Map<String, Integer> reasons = new TreeMap<>();
        Map<String, Map<Classification, Integer>> byFile = new TreeMap<>();
        for (PrevailRunner.Result r : results) {
            counts.merge(r.classification(), 1, Integer::sum);
            byFile.computeIfAbsent(r.testCase().file(), k -> new EnumMap<>(Classification.class))
                    .merge(r.classification(), 1, Integer::sum);
            if (r.classification() == Classification.NOT_EXPRESSIBLE || r.classification() == Classification.NOT_RUN) {
                String reason = r.detail().replaceAll(":.*", "");
                reasons.merge(r.classification() + ": " + reason, 1, Integer::sum);
            }
        }
        long bothReject = results.stream().filter(r -> r.detail().contains("same instructions")
                || r.detail().contains("different instructions") || r.detail().contains("names no instruction")).count();
        long sameInstructions = results.stream().filter(r -> r.detail().contains("same instructions")).count();
        StringBuilder sb = new StringBuilder("PREVAIL suite: " + results.size() + " cases\n");
        for (Classification c : Classification.values()) {
            sb.append(String.format("  %-22s %4d%n", c, counts.getOrDefault(c, 0)));
        }
        sb.append("  both reject: ").append(bothReject).append(", at the same instructions: ").append(sameInstructions).append('\n');
        sb.append("by reason:\n");
        reasons.forEach((k, v) -> sb.append(String.format("  %4d  %s%n", v, k)));
        sb.append("by file:\n");
        byFile.forEach((f, m) -> sb.append("  ").append(f).append(' ').append(m).append('\n'));
        sb.append("translation gaps:\n");
        for (PrevailRunner.Result r : results) {
            if (r.classification() == Classification.NOT_EXPRESSIBLE && r.detail().matches("(assembly|assume|condition).*")) {
                sb.append("  ").append(r.testCase()).append(": ").append(r.detail()).append('\n');
            }
        }
        sb.append("both reject, at different instructions:\n");
        for (PrevailRunner.Result r : results) {
            if (r.detail().contains("different instructions")) {
                sb.append("  ").append(r.testCase()).append("\n      ").append(r.detail()).append('\n');
            }
        }
        sb.append("disagreements:\n");
        for (PrevailRunner.Result r : results) {
            switch (r.classification()) {
                case WARDEN_MORE_PRECISE, WARDEN_LESS_PRECISE, DIFFERENT_SEMANTICS ->
                        sb.append("  ").append(r.classification()).append("  ").append(r.testCase()).append("\n      ")
                                .append(r.detail()).append('\n');
                default -> { }
            }
        }
        return sb.toString();
    }
}
