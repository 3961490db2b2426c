package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The verifier's own C test programs (verifier/src/test/c) loaded into the running Linux verifier
 * (XDP and tc programs; the oracle has no kprobe or cgroup types). Asserted: every program
 * annotated {@code // EXPECT: reject} is rejected by the kernel too, so the unsafe twins are unsafe
 * by the kernel's judgement as well as Warden's. Printed: every verdict beside the annotation, which
 * is how the kfr_*.c comments' claims ("the kernel rejects this") are checked against a real kernel
 * (they depend on its version, so they are reported, not asserted).
 */
class OwnVerifierProgramsInTheKernelTest {
    private static final Pattern EXPECT = Pattern.compile("(\\w+)\\s*\\(.*//\\s*EXPECT:\\s*(accept|reject\\s+\\w+)");

    @Test
    void unsafeTwinsAreRejectedByTheKernelToo() throws Exception {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        Path dir = Path.of("../verifier/src/test/c");
        assumeTrue(Files.isDirectory(dir), "verifier/src/test/c not found from " + Path.of("").toAbsolutePath());
        List<Path> objects;
        try (Stream<Path> s = Files.list(dir)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        StringBuilder table = new StringBuilder("own verifier programs in Linux " + a + "\n");
        List<String> problems = new ArrayList<>();
        int loaded = 0;
        try (OracleLock lock = OracleLock.acquire()) {
            for (Path o : objects) {
                BpfObject object = ElfReader.read(Files.readAllBytes(o));
                Path source = Path.of(o.toString().replaceAll("\\.o$", ".c"));
                List<String> lines = Files.readAllLines(source);
                for (BpfProgram p : object.programs()) {
                    Optional<ProgType> type = switch (p.section()) {
                        case "xdp" -> Optional.of(ProgType.XDP);
                        case "tc" -> Optional.of(ProgType.SCHED_CLS);
                        default -> Optional.empty();
                    };
                    String expect = expectation(lines, p.name()).orElse("?");
                    if (type.isEmpty()) {
                        table.append(String.format("  %-24s %-38s %-26s not loaded (%s)%n", source.getFileName(), p.name(),
                                expect, p.section()));
                        continue;
                    }
                    LoadResult r = KernelOracle.loadObject(type.get(), object, p);
                    loaded++;
                    String kernel;
                    if (r instanceof LoadResult.Loaded l) {
                        kernel = "accept";
                        l.program().close();
                    } else {
                        kernel = "reject: " + ((LoadResult.Rejected) r).reason();
                    }
                    table.append(String.format("  %-24s %-38s %-26s kernel %s%n", source.getFileName(), p.name(), expect,
                            kernel));
                    if (expect.startsWith("reject") && kernel.equals("accept")) {
                        problems.add(source.getFileName() + " " + p.name() + ": annotated unsafe, but the kernel accepts it");
                    }
                }
            }
        }
        System.out.println(table);
        assertTrue(loaded > 0, "no XDP or tc program found in " + dir);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static Optional<String> expectation(List<String> lines, String program) {
        for (String l : lines) {
            Matcher m = EXPECT.matcher(l);
            if (m.find() && m.group(1).equals(program)) {
                return Optional.of(m.group(2));
            }
        }
        return Optional.empty();
    }
}
