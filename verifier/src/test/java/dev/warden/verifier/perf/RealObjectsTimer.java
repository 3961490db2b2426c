package dev.warden.verifier.perf;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.verifier.SmtBudget;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures the verifier on every program and {@code .text} function of the real objects, in one
 * JVM: {@code java -cp ... RealObjectsTimer [DIR] [ROUNDS]} prints, for the first (cold) round,
 * one line per program ({@code object,section,function,verdict,wall_ms,cpu_ms}) and the totals of
 * each round on standard error. {@code cpu_ms} is the CPU time of the whole process while that
 * program was verified (analysis thread, JIT compiler and GC together): on a shared, loaded
 * machine it is the figure that still means something. A measuring tool, not a test: it asserts
 * nothing and surefire does not run it. {@code -Dwarden.smt=off} times the domains alone.
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
        // -Dwarden.smt=off: the domains alone (no Z3 queries), to time the analysis by itself.
        VerifierOptions options = "off".equals(System.getProperty("warden.smt"))
                ? VerifierOptions.linux().withSmt(SmtBudget.OFF) : VerifierOptions.linux();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        StringBuilder first = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            long cpuStart = os.getProcessCpuTime();
            int accepted = 0;
            for (Job j : jobs) {
                long t0 = System.nanoTime();
                long c0 = os.getProcessCpuTime();
                VerificationResult res = Verifier.verify(j.object(), j.program(), options);
                long t1 = System.nanoTime();
                long c1 = os.getProcessCpuTime();
                boolean ok = res instanceof VerificationResult.Verified;
                accepted += ok ? 1 : 0;
                if (r == 0) {
                    first.append(String.format("%s,%s,%s,%s,%.3f,%.3f%n", j.file(), j.program().section(), j.program().name(),
                            ok ? "accept" : "reject", (t1 - t0) / 1e6, (c1 - c0) / 1e6));
                }
            }
            System.err.printf("round %d: %d programs, %d accepted, %.3f s wall, %.3f s cpu%n", r + 1, jobs.size(), accepted,
                    (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpuStart) / 1e9);
        }
        System.out.print(first);
    }
}
