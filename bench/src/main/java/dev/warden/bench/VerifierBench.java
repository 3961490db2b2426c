package dev.warden.bench;

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The verifier on the real objects ({@code ../shared/testdata/real-objects}, or
 * {@code -Dwarden.realObjects=DIR}): every program and {@code .text} function of all 61 objects
 * ({@link #allObjects}), and every program of the largest one ({@link #largeObject}, clang-21 -O1
 * ksnoop, the slowest to verify). Single-shot: one invocation verifies the whole set, as
 * {@code warden verify} does; the first iteration of each fork is the cold one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class VerifierBench {

    /** One program to verify, with the object it belongs to. */
    record Job(String file, BpfObject object, BpfProgram program) {}

    private static final String LARGE = "bcc/clang-21_-O1_ksnoop.bpf.o";

    private List<Job> all;
    private List<Job> large;
    private final VerifierOptions options = VerifierOptions.linux();

    @Setup
    public void load() {
        all = load(dir());
        large = all.stream().filter(j -> j.file().equals(LARGE)).toList();
        if (large.isEmpty()) {
            throw new IllegalStateException(LARGE + " not found under " + dir());
        }
    }

    static Path dir() {
        return Path.of(System.getProperty("warden.realObjects", "../shared/testdata/real-objects"));
    }

    /** Every program and {@code .text} function of every object under {@code dir}, sorted by path. */
    static List<Job> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("real objects not found at " + dir.toAbsolutePath()
                + " (run from the repository root, or pass -Dwarden.realObjects=DIR)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Job> jobs = new ArrayList<>();
        for (Path f : files) {
            try {
                BpfObject o = ElfReader.read(Files.readAllBytes(f));
                String name = dir.relativize(f).toString();
                o.programs().forEach(p -> jobs.add(new Job(name, o, p)));
                o.textFunctions().forEach(p -> jobs.add(new Job(name, o, p)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ElfFormatException e) {
                throw new IllegalStateException(f + ": " + e.getMessage(), e);
            }
        }
        return jobs;
    }

    private int verifyAll(List<Job> jobs, Blackhole bh) {
        int accepted = 0;
        for (Job j : jobs) {
            VerificationResult r = Verifier.verify(j.object(), j.program(), options);
            accepted += r instanceof VerificationResult.Verified ? 1 : 0;
            bh.consume(r);
        }
        return accepted;
    }

    @Benchmark
    public int allObjects(Blackhole bh) {
        return verifyAll(all, bh);
    }

    @Benchmark
    public int largeObject(Blackhole bh) {
        return verifyAll(large, bh);
    }
}
