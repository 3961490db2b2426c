package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each file under {@code src/test/resources/broken/} marks the lines where diagnostics are due
 * with {@code // EXPECT: EIM012 EIM030} (one code per diagnostic). The checker must report
 * exactly those codes at exactly those lines: nothing missing, nothing extra. Files named
 * {@code included-*} are read through an include of another file.
 */
class BrokenPoliciesReportExactlyTheExpectedDiagnosticsTest {

    private static final Path DIR = Path.of("src/test/resources/broken");
    private static final Pattern EXPECT = Pattern.compile("//\\s*EXPECT:\\s*((?:EIM\\d{3}\\s*)+)");
    private static final Pattern INCLUDE = Pattern.compile("^include \"([^\"]+)\"");

    @TestFactory
    Stream<DynamicTest> everyBrokenPolicy() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".eim"))
                    .filter(p -> !p.getFileName().toString().startsWith("included-"))
                    .sorted().toList();
        }
        assertTrue(files.size() >= 8, "the broken policies are missing");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private static void check(Path file) throws IOException {
        List<String> expected = new ArrayList<>(expectations(file));
        for (String line : Files.readAllLines(file)) {
            Matcher m = INCLUDE.matcher(line);
            if (m.find() && Files.exists(DIR.resolve(m.group(1)))) expected.addAll(expectations(DIR.resolve(m.group(1))));
        }
        assertFalse(expected.isEmpty(), file + " states no expected diagnostic");
        ParseResult r = Eim.parse(file);
        List<String> actual = new ArrayList<>();
        for (Diagnostic d : r.diagnostics()) {
            actual.add(Path.of(d.location().file()).getFileName() + ":" + d.location().line() + " " + d.code());
        }
        expected.sort(null);
        actual.sort(null);
        StringBuilder all = new StringBuilder();
        r.diagnostics().forEach(d -> all.append(d.format()).append('\n'));
        assertEquals(expected, actual, "diagnostics of " + file + ":\n" + all);
        assertTrue(r.policy().isEmpty() || !r.hasErrors(), "a policy with errors must not be built");
    }

    private static List<String> expectations(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPECT.matcher(lines.get(i));
            if (m.find()) {
                for (String code : m.group(1).trim().split("\\s+")) out.add(file.getFileName() + ":" + (i + 1) + " " + code);
            }
        }
        return out;
    }
}
