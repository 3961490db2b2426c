package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.runtime.linux.LinuxProgramType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The xdp, tc and socket-filter programs of objects not written for these tests — the real
 * objects of ../shared/testdata/real-objects (nat64, pping), examples/ and corpus/ — each run on a
 * packet of every shape by Warden (interpreter and JIT) and by the kernel ({@link ObjectDifferential}).
 * Every run the kernel can make must agree; the rest are counted by reason (the kernel rejects the
 * program, nondeterministic helpers, a frame the test run refuses) and printed, never dropped.
 * {@code -Dwarden.mapdiff.objects=N} takes N packets per shape (default 1).
 */
class ObjectsNobodyHereWroteAgreeWithTheKernelTest {
    static final int PER_SHAPE = Integer.getInteger("warden.mapdiff.objects", 1);

    @Test
    void everyRunTheKernelMakesAgrees() throws IOException {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        Path real = Path.of("..", "..", "shared", "testdata", "real-objects", "bpf-examples");
        assumeTrue(Files.isDirectory(real), "real objects not found at " + real.toAbsolutePath());
        List<Path> objects = new ArrayList<>();
        for (Path dir : List.of(real, Path.of("..", "examples"), Path.of("..", "corpus"))) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(objects::add);
            }
        }
        Map<String, Integer> skipped = new TreeMap<>();
        Map<String, Integer> compared = new TreeMap<>();
        Map<String, Integer> leftOut = new TreeMap<>();
        List<String> differences = new ArrayList<>();
        int programs = 0;
        int agreed = 0;
        for (Path file : objects) {
            BpfObject object;
            try {
                object = ElfReader.read(Files.readAllBytes(file));
            } catch (ElfFormatException e) {
                skipped.merge("unreadable object", 1, Integer::sum);
                continue;
            }
            for (BpfProgram program : object.programs()) {
                Optional<LinuxProgramType> type = LinuxProgramType.forSection(program.section());
                if (type.isEmpty() || !type.get().hasPacket()) {
                    continue; // not a type the test run supports (kprobe, raw_tracepoint, iter, eim/...)
                }
                programs++;
                SplittableRandom r = new SplittableRandom(program.name().hashCode());
                runs:
                for (int i = 0; i < PER_SHAPE; i++) {
                    for (RandomPackets.Shape shape : RandomPackets.Shape.values()) {
                        byte[] packet = RandomPackets.of(shape, r);
                        for (RunComparison c : ObjectDifferential.compare(object, program, type.get(), packet, MapSeed.NONE,
                                ProgramsWithMapsAgreeWithTheKernelTest.ENGINES)) {
                            switch (c) {
                                case RunComparison.Agreed ok -> {
                                    agreed++;
                                    compared.merge(file.getFileName() + ":" + program.name(), 1, Integer::sum);
                                    ok.notCompared().stream().filter(n -> !n.contains("program array"))
                                            .forEach(n -> leftOut.merge(n.replaceAll(" keys .* \\(", " keys (").replaceAll(" \\(differs.*", ""), 1, Integer::sum));
                                }
                                case RunComparison.Differed d -> differences.add(file.getFileName() + " " + shape + ": " + d.differences());
                                case RunComparison.Skipped s -> {
                                    if (System.getProperty("warden.mapdiff.verbose") != null) {
                                        System.out.println(file.getFileName() + " " + s.reason().lines().findFirst().orElse(""));
                                    }
                                    String reason = s.reason().replaceAll(": .*", "").replaceAll("a packet of \\d+ bytes", "a short packet");
                                    skipped.merge(reason, 1, Integer::sum);
                                    if (reason.startsWith("the kernel rejects")) {
                                        break runs; // the same for every packet
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("objects nobody here wrote: %d objects, %d programs of test-run types, %d runs agree, %d differ;%n"
                        + "  compared runs per program: %s%n  parts not compared (varied between kernel runs): %s%n  skipped: %s%n",
                objects.size(), programs, agreed, differences.size(), compared, leftOut, skipped);
        assertTrue(differences.isEmpty(), differences.size() + " runs differ:\n" + String.join("\n", differences));
        assertTrue(agreed > 0, "no run of any object could be compared: " + skipped);
    }
}
