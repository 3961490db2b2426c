package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every malformed program of the conformance suite's {@code negative/} directory (those that
 * {@code assembled.json} marks with an {@code assembler_error}) is rejected with an error located
 * at the text at fault and naming the same fault as the reference assembler.
 */
class AssemblerRejectsNegativeConformanceTest {

    /** File, then the expected line:column and a phrase of the message (the asm section starts after "-- asm"). */
    private static final Map<String, String[]> EXPECTED = Map.ofEntries(
            Map.entry("negative/invalid_imm32_dec_range.data", new String[] {"2:12", "immediate out of 32-bit range: 2147483648"}),
            Map.entry("negative/invalid_imm32_hex_range.data", new String[] {"2:12", "immediate out of 32-bit range: 0x100000000"}),
            Map.entry("negative/invalid_label.data", new String[] {"1:4", "invalid label: NOT_A_LABEL"}),
            Map.entry("negative/invalid_lock.data", new String[] {"1:6", "invalid number of operands for or"}),
            Map.entry("negative/invalid_lock2.data", new String[] {"1:1", "invalid number of operands for lock"}),
            Map.entry("negative/invalid_mnemonic.data", new String[] {"2:1", "invalid mnemonic: ldxq"}),
            Map.entry("negative/invalid_offset.data", new String[] {"1:11", "expected a memory operand [%rN+offset], got %r1"}),
            Map.entry("negative/invalid_offset_range.data", new String[] {"2:15", "offset out of 16-bit range: +0x10000"}),
            Map.entry("negative/invalid_operand_count.data", new String[] {"1:1", "invalid number of operands for lddw: expected 2, got 1"}),
            Map.entry("negative/invalid_register.data", new String[] {"1:9", "invalid register: %r50"}),
            Map.entry("negative/invalid_unknown_directive.data", new String[] {"1:1", "no instructions assembled"}));

    @Test
    void everyAssemblerErrorOfTheSuiteIsRejectedWithALocatedDiagnostic() {
        Map<String, ConformanceSuite.Reference> refs = ConformanceSuite.references();
        int checked = 0;
        for (Path file : ConformanceSuite.files("negative")) {
            String name = ConformanceSuite.name(file);
            ConformanceSuite.Reference ref = refs.get(name);
            boolean assemblerShouldFail = name.startsWith("negative/invalid_")
                    || (ref != null && !ref.assemblerError().isEmpty());
            if (!assemblerShouldFail) {
                continue;
            }
            String[] expected = EXPECTED.get(name);
            assertNotNull(expected, "no expectation written for " + name + " (" + ref + ")");
            AssemblyException e = assertThrows(AssemblyException.class,
                    () -> Assembler.assemble(ConformanceSuite.asm(file)), name);
            Diagnostic d = e.diagnostics().getFirst();
            assertEquals(expected[0], d.line() + ":" + d.column(), name + ": " + e.getMessage());
            assertTrue(d.message().contains(expected[1]), name + ": " + e.getMessage());
            checked++;
        }
        assertEquals(EXPECTED.size(), checked);
    }
}
