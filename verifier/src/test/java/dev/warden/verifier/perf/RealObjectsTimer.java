package dev.warden.verifier.perf;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures the verifier on every program and {@code .text} function of the real objects, in one
 * JVM: {@code java -cp ... RealObjectsTimer [DIR] [ROUNDS]} prints per-program milliseconds of the
 * last round ({@code object,section,function,verdict,ms}) and the total of each round. A
 * measuring tool, not a test: it asserts nothing and surefire does not run it.
 */
public final class RealObjectsTimer {

    private RealObjectsTimer() {}

    /** One program to verify, with the object it belongs to. */
    public record Job(String file, BpfObject object, BpfProgram program) {}

    /** Every program and {@code .text} function of every object under {@code dir}, sorted by path. */
    public static List<Job> load(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Job> jobs = new ArrayList<>();
        for (Path f : files) {
            BpfObject o;
            try {
                o = ElfReader.read(Files.readAllBytes(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ElfFormatException e) {
                System.err.println(f + ": " + e.getMessage());
                continue;
            }
            String name = dir.relativize(f).toString();
            o.programs().forEach(p -> jobs.add(new Job(name, o, p)));
            o.textFunctions().forEach(p -> jobs.add(new Job(name, o, p)));
        }
        return jobs;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/testdata/real-objects");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<Job> jobs = load(dir);
        VerifierOptions options = VerifierOptions.linux();
        StringBuilder last = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            last.setLength(0);
            long start = System.nanoTime();
            int accepted = 0;
            for (Job j : jobs) {
                long t0 = System.nanoTime();
                VerificationResult res = Verifier.verify(j.object(), j.program(), options);
                long t1 = System.nanoTime();
                boolean ok = res instanceof VerificationResult.Verified;
                accepted += ok ? 1 : 0;
                last.append(String.format("%s,%s,%s,%s,%.3f%n", j.file(), j.program().section(), j.program().name(),
                        ok ? "accept" : "reject", (t1 - t0) / 1e6));
            }
            System.err.printf("round %d: %d programs, %d accepted, %.3f s%n", r + 1, jobs.size(), accepted,
                    (System.nanoTime() - start) / 1e9);
        }
        System.out.print(last);
    }
}
