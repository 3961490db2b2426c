package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.verifier.own.Annotations;
import dev.warden.verifier.platform.KernelBtf;
import dev.warden.verifier.own.Expectation;
import dev.warden.verifier.own.Outcome;
import dev.warden.verifier.own.OwnPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Warden's own C programs (verifier/src/test/c), each annotated with its expected verdict next to
 * the code: every program is verified from its committed object and must give exactly that
 * verdict, with a violation of the annotated obligation at each {@code // BUG:} line and nowhere
 * else. A program marked with a known gap ({@code // GAP <program>: reason}) is reported as skipped
 * while it fails, and fails once it passes.
 */
class OwnProgramsMatchTheirAnnotationsTest {

    /** The annotations and the objects agree with each other, whatever the verifier does. */
    @Test
    void everyProgramOfEveryObjectIsAnnotatedAndEveryBugLineHasCode() throws Exception {
        List<Path> sources = OwnPrograms.sources();
        assertFalse(sources.isEmpty(), "no C sources in " + OwnPrograms.dir());
        int programs = 0;
        for (Path source : sources) {
            Path object = OwnPrograms.object(OwnPrograms.dir(), source);
            assertTrue(Files.isRegularFile(object), object + " missing: run verifier/src/test/c/build.sh");
            BpfObject obj = OwnPrograms.read(object);
            List<Expectation> expectations = Annotations.read(source);
            Set<String> annotated = expectations.stream().map(Expectation::program).collect(Collectors.toCollection(TreeSet::new));
            Set<String> inObject = obj.programs().stream().map(BpfProgram::name).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(inObject, annotated, source + ": programs in the object vs programs with an EXPECT line");
            for (Expectation e : expectations) {
                BpfProgram p = obj.program(e.program()).orElseThrow();
                for (Expectation.ExpectedViolation bug : e.bugs()) {
                    boolean hasCode = p.lines().stream().anyMatch(l ->
                            fileName(l.file()).equals(bug.file()) && l.line() == bug.line());
                    assertTrue(hasCode, e.program() + ": no instruction of the program is attributed to " + bug
                            + " (move the BUG comment to a line with code)");
                }
                programs++;
            }
        }
        assertTrue(programs > 0);
    }

    @TestFactory
    List<DynamicTest> everyProgramGetsItsAnnotatedVerdict() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path source : OwnPrograms.sources()) {
            for (Expectation e : Annotations.read(source)) {
                String name = e.source() + ":" + e.line() + " " + e.program() + " "
                        + e.obligation().map(k -> "reject " + k.key()).orElse("accept");
                tests.add(DynamicTest.dynamicTest(name, () -> check(source, e)));
            }
        }
        return tests;
    }

    private static void check(Path source, Expectation e) throws IOException, ElfFormatException {
        // Programs that read kernel objects are typed by the running kernel's BTF (and their CO-RE
        // relocations applied against it): without one there is nothing to check them against.
        Assumptions.assumeFalse(Files.readString(source).contains("NEEDS: vmlinux") && KernelBtf.system().isEmpty(),
                "no readable /sys/kernel/btf/vmlinux: " + source.getFileName() + " needs the kernel's BTF");
        BpfObject obj = OwnPrograms.read(OwnPrograms.object(OwnPrograms.dir(), source));
        BpfProgram program = obj.program(e.program()).orElseThrow();
        Outcome outcome = Outcome.of(OwnPrograms.verify(obj, program), program);
        List<String> mismatches = outcome.mismatches(e);
        if (e.gap().isPresent()) {
            // A known gap: skipped while it is there, a failure once it is closed (remove the note).
            if (mismatches.isEmpty()) {
                fail(e.source() + " " + e.program() + " now meets its expectation: remove its GAP line ("
                        + e.gap().get() + ")");
            }
            Assumptions.abort("known gap: " + e.gap().get() + "\n  " + String.join("\n  ", mismatches));
        }
        if (!mismatches.isEmpty()) {
            fail(e.source() + " " + e.program() + ":\n  " + String.join("\n  ", mismatches));
        }
    }

    private static String fileName(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? file : file.substring(slash + 1);
    }
}
