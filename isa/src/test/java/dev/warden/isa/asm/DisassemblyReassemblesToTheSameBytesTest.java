package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.*;

import dev.warden.isa.Decoder;
import dev.warden.isa.Program;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** For every conformance program, assembling the disassembler's output gives the same bytes. */
class DisassemblyReassemblesToTheSameBytesTest {

    @Test
    void everyConformanceProgramRoundTripsThroughTheLlvmSyntax() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (ConformanceSuite.Reference ref : ConformanceSuite.references().values()) {
            if (!ref.name().startsWith("tests/")) {
                continue;
            }
            byte[] bytes = ref.program();
            Program p = Decoder.decode(bytes);
            String text = String.join("\n", Disassembler.format(p));
            try {
                byte[] again = Assembler.assemble(text).encode();
                if (!java.util.Arrays.equals(bytes, again)) {
                    failures.add(ref.name() + " changed:\n" + text);
                }
            } catch (AssemblyException e) {
                failures.add(ref.name() + ": " + e.getMessage() + "\n" + text);
            }
            checked++;
        }
        assertEquals(313, checked);
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    @Test
    void theListingWithPcsAndTargetCommentsAlsoReassembles() throws Exception {
        for (Path file : ConformanceSuite.files("tests").subList(0, 40)) {
            Program p = Assembler.assemble(ConformanceSuite.asm(file));
            // The listing's "  12: " prefixes are not part of the syntax; strip them, keep the comments.
            String text = Disassembler.listing(p).replaceAll("(?m)^\\s*\\d+: ", "");
            assertEquals(p, Assembler.assemble(text), file.toString());
        }
    }
}
