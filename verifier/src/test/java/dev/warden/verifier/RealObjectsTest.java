package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every program of every real object through the verifier. It asserts that each gets a
 * verdict without an internal failure and that each rejection is located inside the program with
 * a message; it does not assert how many are accepted (it prints the table).
 */
class RealObjectsTest {
    private static final Path DIR = Path.of(System.getProperty("warden.shared", "../shared"), "testdata", "real-objects").normalize();

    @Test
    void everyProgramGetsALocatedVerdict() throws Exception {
        assumeTrue(Files.isDirectory(DIR), "real objects not present at " + DIR.toAbsolutePath());
        List<Path> files;
        try (Stream<Path> s = Files.walk(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no objects under " + DIR);
        Map<String, int[]> perObject = new TreeMap<>();
        StringBuilder table = new StringBuilder();
        long totalNanos = 0;
        int programs = 0;
        for (Path f : files) {
            BpfObject o = read(f);
            String key = DIR.relativize(f).toString();
            int[] counts = perObject.computeIfAbsent(key, k -> new int[3]);
            for (BpfProgram p : o.programs()) {
                VerificationResult r = Verifier.verify(o, p, VerifierOptions.linux());
                programs++;
                totalNanos += r.stats().nanos();
                String first = "";
                if (r instanceof VerificationResult.Rejected rej) {
                    counts[1]++;
                    for (Violation v : rej.violations()) {
                        assertTrue(v.pc() >= 0 && v.pc() < p.program().slotCount(), key + " " + p.name() + ": " + v);
                        assertFalse(v.message().isBlank(), key + " " + p.name() + ": empty message");
                        assertFalse(v.message().startsWith("the verifier could not analyse"), key + " " + p.name() + ": " + v);
                    }
                    first = rej.violations().getFirst().toString();
                } else {
                    counts[0]++;
                }
                counts[2] += (int) (r.stats().nanos() / 1_000_000);
                table.append(String.format("%-48s %-28s %-9s %6.1f ms %s%n", key, p.name() + " (" + p.section() + ")",
                        r instanceof VerificationResult.Verified ? "ACCEPT" : "REJECT", r.stats().nanos() / 1e6, first));
            }
        }
        System.out.println(table);
        System.out.println("object                                           accepted rejected  ms");
        perObject.forEach((k, c) -> System.out.printf("%-48s %8d %8d %4d%n", k, c[0], c[1], c[2]));
        System.out.printf("%d programs, %.1f ms in total%n", programs, totalNanos / 1e6);
    }

    private static BpfObject read(Path f) throws IOException {
        try {
            return ElfReader.read(Files.readAllBytes(f));
        } catch (dev.warden.isa.elf.ElfFormatException e) {
            throw new AssertionError(f + ": " + e.getMessage(), e);
        }
    }
}
