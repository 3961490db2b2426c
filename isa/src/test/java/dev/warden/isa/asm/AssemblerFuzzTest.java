package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.warden.isa.Program;

/**
 * Any text given to the assembler yields a program or located diagnostics, never another
 * exception. Plain {@code mvn verify} replays the saved inputs under
 * {@code src/test/resources/dev/warden/isa/asm/AssemblerFuzzTestInputs}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -Pfuzz -pl isa test -Dtest=AssemblerFuzzTest}.
 */
class AssemblerFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyTextGivesAProgramOrLocatedDiagnostics(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            Program p = Assembler.assemble(text);
            // What assembled must print and assemble again to the same program.
            assertTrue(p.equals(Assembler.assemble(String.join("\n", Disassembler.format(p)))));
        } catch (AssemblyException e) {
            assertFalse(e.diagnostics().isEmpty());
            long lines = text.lines().count();
            for (Diagnostic d : e.diagnostics()) {
                assertTrue(d.line() >= 1 && d.line() <= Math.max(1, lines + 1) && d.column() >= 1, d.toString());
                assertFalse(d.message().isBlank());
            }
        }
    }
}
