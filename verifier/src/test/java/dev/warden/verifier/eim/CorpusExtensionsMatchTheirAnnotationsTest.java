package dev.warden.verifier.eim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
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

/**
 * The EIM extensions of the corpus ({@code corpus/eim}, C sources with their compiled objects),
 * each verified against the class its signature line names, of the policy its file names: every
 * program must get its annotated verdict, with a violation of the annotated kind whose message
 * contains the annotated words on each {@code // BUG:} line, and no violation elsewhere.
 */
class CorpusExtensionsMatchTheirAnnotationsTest {
    private static final Pattern POLICY = Pattern.compile("// POLICY: (\\S+)");
    private static final Pattern PROGRAM = Pattern.compile("\\b(\\w+)\\s*\\([^)]*\\)\\s*// CLASS: (\\w+) EXPECT: (accept|reject (\\w+))");
    private static final Pattern BUG = Pattern.compile("// BUG: (\\w+) \"(.*)\"\\s*$");

    record Bug(int line, String kind, String words) {}

    record Expected(Path source, String policy, String program, String className, Optional<String> rejectKind, int line,
                    List<Bug> bugs) {}

    static Path dir() {
        for (Path p : List.of(Path.of("../corpus/eim"), Path.of("corpus/eim"))) {
            if (Files.isRegularFile(p.resolve("eim.h"))) {
                return p;
            }
        }
        throw new AssertionError("corpus/eim not found from " + Path.of("").toAbsolutePath());
    }

    static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
    }

    static List<Expected> read(Path source) throws IOException {
        List<String> lines = Files.readAllLines(source);
        String policy = null;
        List<Expected> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher pm = POLICY.matcher(l);
            if (pm.find()) {
                policy = pm.group(1);
            }
            Matcher m = PROGRAM.matcher(l);
            if (m.find()) {
                if (policy == null) {
                    throw new AssertionError(source + ":" + (i + 1) + ": a CLASS line before any POLICY line");
                }
                out.add(new Expected(source, policy, m.group(1), m.group(2), Optional.ofNullable(m.group(4)), i + 1, new ArrayList<>()));
            }
            Matcher b = BUG.matcher(l);
            if (b.find()) {
                if (out.isEmpty()) {
                    throw new AssertionError(source + ":" + (i + 1) + ": a BUG line before any program");
                }
                out.getLast().bugs().add(new Bug(i + 1, b.group(1), b.group(2)));
            }
        }
        return out;
    }

    @Test
    void everyUseCaseHasExtensionsAndEveryObjectIsBuilt() throws IOException {
        List<Path> sources = sources();
        assertFalse(sources.isEmpty(), "no C sources in " + dir());
        for (Path s : sources) {
            String name = s.getFileName().toString();
            assertTrue(Files.isRegularFile(s.resolveSibling(name.replace(".c", ".o"))), s + " has no object: run corpus/eim/build.sh");
            assertFalse(read(s).isEmpty(), s + " annotates no program");
        }
    }

    @TestFactory
    List<DynamicTest> everyExtensionGetsItsAnnotatedVerdict() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path source : sources()) {
            for (Expected e : read(source)) {
                tests.add(DynamicTest.dynamicTest(source.getFileName() + ":" + e.line() + " " + e.program() + " as "
                        + e.className() + ": " + e.rejectKind().map(k -> "reject " + k).orElse("accept"), () -> check(e)));
            }
        }
        return tests;
    }

    static VerificationResult verify(Expected e) throws Exception {
        Path obj = e.source().resolveSibling(e.source().getFileName().toString().replace(".c", ".o"));
        BpfObject object = ElfReader.read(Files.readAllBytes(obj));
        BpfProgram program = object.program(e.program()).orElseThrow(() -> new AssertionError(obj + " has no program " + e.program()));
        ParseResult parsed = Eim.parse(dir().resolve("../policies").resolve(e.policy()).normalize());
        EimPlatform eim = switch (EimPlatform.forClass(parsed, e.className())) {
            case EimPlatform.Built.Ok ok -> ok.platform();
            case EimPlatform.Built.Failed f -> throw new AssertionError(e.policy() + ": " + f.message() + " " + parsed.diagnostics());
        };
        return Verifier.verify(object, program, VerifierOptions.linux(), eim);
    }

    private static void check(Expected e) throws Exception {
        VerificationResult r = verify(e);
        String file = e.source().getFileName().toString();
        List<String> problems = new ArrayList<>();
        List<Violation> violations = r instanceof VerificationResult.Rejected rej ? rej.violations() : List.of();
        if (e.rejectKind().isEmpty() && !violations.isEmpty()) {
            problems.add("expected acceptance, got: " + violations);
        }
        if (e.rejectKind().isPresent()) {
            if (violations.stream().noneMatch(v -> v.kind().key().equals(e.rejectKind().get()))) {
                problems.add("expected a " + e.rejectKind().get() + " violation, got: " + violations);
            }
            for (Bug b : e.bugs()) {
                boolean found = violations.stream().anyMatch(v -> v.line().equals(Optional.of(file + ":" + b.line()))
                        && v.kind().key().equals(b.kind()) && v.message().contains(b.words()));
                if (!found) {
                    problems.add("line " + b.line() + ": no " + b.kind() + " violation containing \"" + b.words() + "\"; got: " + violations);
                }
            }
            for (Violation v : violations) {
                boolean expected = e.bugs().stream().anyMatch(b -> v.line().equals(Optional.of(file + ":" + b.line())));
                if (!expected) {
                    problems.add("unexpected violation " + v);
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(file + " " + e.program() + " (class " + e.className() + "):\n  " + String.join("\n  ", problems));
        }
    }
}
