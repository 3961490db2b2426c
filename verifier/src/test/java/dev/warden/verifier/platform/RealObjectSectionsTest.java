package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every program section of the shared real objects selects a Linux program type. */
class RealObjectSectionsTest {
    private static final Path OBJECTS = Path.of("../../shared/testdata/real-objects");

    @Test
    void everyProgramSectionOfTheRealObjectsMapsToAType() throws Exception {
        Path root = Files.isDirectory(OBJECTS) ? OBJECTS : Path.of("../shared/testdata/real-objects");
        assumeTrue(Files.isDirectory(root), "real objects not present at " + OBJECTS.toAbsolutePath());
        List<Path> objects;
        try (Stream<Path> s = Files.walk(root)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        assertFalse(objects.isEmpty(), "no objects under " + root);
        TreeSet<String> sections = new TreeSet<>();
        for (Path o : objects) {
            BpfObject obj = ElfReader.read(o);
            for (BpfProgram p : obj.programs()) {
                sections.add(p.section());
            }
        }
        sections.remove(".text");
        assertFalse(sections.isEmpty());
        for (String s : sections) {
            assertTrue(Platform.linux().typeForSection(s).isPresent(), "section " + s + " selects no program type");
        }
        assertTrue(sections.containsAll(List.of("xdp", "tc", "iter/bpf_map_elem", "raw_tracepoint/sys_enter")), sections.toString());
    }
}
