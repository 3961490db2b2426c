package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every corpus policy and every EIM example of background.md checks without a diagnostic. */
class CorpusAndPaperPoliciesCheckCleanTest {

    @TestFactory
    Stream<DynamicTest> everyCorpusPolicyChecksClean() {
        List<Path> files = TestFiles.corpusPolicyFiles().toList();
        assertTrue(files.size() >= 7, "expected the six use-case policies and the helper library");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            ParseResult r = Eim.parse(f);
            assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::format).toList());
            assertTrue(r.policy().isPresent());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusPolicyLintsClean() {
        // The Z3 lint of warden check (dead or useless constraints, redundant or overlapping grants,
        // meaningless field constraints) finds nothing in the corpus: its warnings are not noise.
        return TestFiles.corpusPolicyFiles().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            ParseResult r = Eim.parse(f);
            try (var solver = dev.warden.eim.smt.Z3ConstraintSolver.open(java.time.Duration.ofSeconds(10))) {
                assertEquals(List.of(), dev.warden.eim.smt.PolicyQueries.lint(r, solver).stream().map(Diagnostic::format).toList());
            }
        }));
    }

    @Test
    void everyUseCasePolicyHasAtLeastTwoClassesAtSomeEntry() {
        for (Path f : TestFiles.corpusPolicyFiles().filter(p -> !p.endsWith("bpf-helpers.eim")).toList()) {
            Policy p = Eim.parse(f).policy().orElseThrow();
            boolean two = p.entries().keySet().stream().anyMatch(e -> p.classesAt(e).size() >= 2);
            assertTrue(two, f + " needs an observer and an updater class at one entry");
        }
    }

    /** The paper's notation, as background.md quotes it: {@code `Kind(...)`} spans. */
    private static final Pattern EXAMPLE = Pattern.compile(
            "`((?:State_Capability|Function_Capability|Extension_Entry|Extension_Class)\\(.*?\\))`", Pattern.DOTALL);

    /** What the examples leave implicit: the Request type and the host variable ngx_pid. */
    private static final String IMPLICIT = """
            struct Request { u32 method; char uri[256]; u64 content_length; };
            host int ngx_pid;
            """;

    @Test
    void backgroundExamplesParseUnchangedAndCheckClean() throws IOException {
        Optional<Path> bg = TestFiles.find("shared/design/background.md");
        assumeTrue(bg.isPresent(), "../shared/design/background.md is not available here");
        String md = Files.readString(bg.get());
        List<String> examples = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(md);
        while (m.find()) examples.add(m.group(1).replaceAll("\\s*\\n\\s*", " "));
        assertEquals(4, examples.size(), "background.md has one example of each of the four kinds: " + examples);

        // Alone, each example parses: no syntax error (only names they refer to may be missing).
        for (String e : examples) {
            ParseResult r = Eim.parse("example.eim", e, Path.of("."));
            assertTrue(r.diagnostics().stream().noneMatch(d -> d.code() == Code.EIM001), e + ": " + r.diagnostics());
        }
        // Together, with the declarations they leave implicit, they check without any diagnostic.
        String policy = IMPLICIT + String.join("\n", examples) + "\n";
        ParseResult r = Eim.parse("background.eim", policy, Path.of("."));
        assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::format).toList());
        Policy p = r.policy().orElseThrow();
        assertEquals(List.of("observeProcessBegin"), p.classesAt("processBegin").stream().map(Declaration.ExtensionClass::name).toList());
    }
}
