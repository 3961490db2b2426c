package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * CO-RE relocation records of {@code .BTF.ext}, read into each program at the pc of the
 * instruction they adjust. The test objects here use none; bcc's ksnoop (shared real objects)
 * uses them throughout.
 */
class ElfReaderReadsCoreRelocationsTest {
    private static final Path KSNOOP = Path.of("../../shared/testdata/real-objects/bcc");

    @Test
    void objectsWithoutCoReHaveNoRelocations() {
        for (String name : TestObjects.ALL) {
            for (BpfProgram p : TestObjects.read(name).programs()) {
                assertEquals(List.of(), p.coreRelocations(), name + " " + p.name());
            }
        }
    }

    @Test
    void ksnoopRelocationsNameTypesOfItsBtfAndLieOnInstructions() throws Exception {
        assumeTrue(Files.isDirectory(KSNOOP), "real objects not present at " + KSNOOP.toAbsolutePath());
        List<Path> objects;
        try (Stream<Path> s = Files.list(KSNOOP)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        assertFalse(objects.isEmpty());
        for (Path path : objects) {
            BpfObject o = ElfReader.read(path);
            Btf btf = o.btf().orElseThrow();
            int total = 0;
            for (BpfProgram p : o.programs()) {
                int slots = p.program().slotCount();
                for (CoreRelocation c : p.coreRelocations()) {
                    assertTrue(c.pc() >= 0 && c.pc() < slots, path + " " + p.name() + " pc " + c.pc());
                    assertTrue(btf.byId(c.typeId()).isPresent(), path + " type " + c.typeId());
                    if (c.kind().name().startsWith("FIELD_")) {
                        assertTrue(c.access().matches("[0-9]+(:[0-9]+)*"), path + " access '" + c.access() + "'");
                    }
                    assertEquals(List.of(c), p.coreRelocationsAt(c.pc()).stream().filter(c::equals).toList());
                }
                total += p.coreRelocations().size();
            }
            assertTrue(total > 0, path + " has CO-RE relocations");
        }
    }
}
