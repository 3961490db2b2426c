package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.*;

import dev.warden.isa.Program;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Assembling the {@code -- asm} section of every conformance test gives exactly the bytes that
 * {@code assembled.json} holds for it, the suite's reference encodings.
 */
class AssemblerMatchesReferenceEncodingsTest {

    @Test
    void everyConformanceProgramAssemblesToItsReferenceBytes() {
        Map<String, ConformanceSuite.Reference> refs = ConformanceSuite.references();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Path file : ConformanceSuite.files("tests")) {
            String name = ConformanceSuite.name(file);
            ConformanceSuite.Reference ref = refs.get(name);
            assertNotNull(ref, name + " has no entry in assembled.json");
            assertFalse(ref.programHex().isEmpty(), name + " has no reference encoding");
            try {
                Program p = Assembler.assemble(ConformanceSuite.asm(file));
                String got = HexFormat.ofDelimiter(" ").formatHex(p.encode());
                if (!got.equals(ref.programHex())) {
                    failures.add(name + ":\n  expected " + ref.programHex() + "\n  got      " + got);
                }
            } catch (AssemblyException e) {
                failures.add(name + ": " + e.getMessage());
            }
            checked++;
        }
        assertEquals(313, checked, "the suite has 313 tests");
        assertTrue(failures.isEmpty(), failures.size() + " programs differ:\n" + String.join("\n", failures));
    }
}
