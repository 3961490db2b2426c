package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The assembler reports every error of a text, each at its line and column, in source order. */
class AssemblerReportsEveryErrorTest {

    private static List<String> errors(String source) {
        AssemblyException e = assertThrows(AssemblyException.class, () -> Assembler.assemble(source));
        return e.diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void errorsOnSeveralLinesAreAllReported() {
        List<String> got = errors("""
                mov %r0, 1
                ldxq %r0, [%r1]
                r11 = 5
                if r1 > 5 goto nowhere
                w0 += r1
                jne %r0, 0x100000000, +1
                *(u32 *)(r1 + 40000) = 1
                exit
                """);
        assertEquals(List.of(
                "2:1: invalid mnemonic: ldxq",
                "3:1: invalid register: r11",
                "4:16: invalid label: nowhere",
                "5:7: mixed register widths: use w1 with a 32-bit destination",
                "6:10: immediate out of 32-bit range: 0x100000000",
                "7:13: offset out of 16-bit range: +40000"), got);
    }

    @Test
    void syntaxErrorsAreLocatedAndDoNotHideLaterErrors() {
        List<String> got = errors("""
                r0 = *(u32 *)(r1 + 4
                r0 += @
                movsx3232 %r0, %r1
                exit
                """);
        assertEquals(3, got.size(), got.toString());
        assertTrue(got.get(0).startsWith("1:21: syntax error"), got.get(0));
        assertTrue(got.get(1).startsWith("2:7: syntax error: unexpected '@'"), got.get(1));
        assertEquals("3:1: invalid mnemonic: movsx3232 (32-bit sign extension exists only at 64 bits)", got.get(2));
    }

    @Test
    void labelsMustBeUniqueAndJumpsMustStayInTheProgram() {
        assertEquals(List.of("2:1: duplicate label: a"), errors("a:\na:\nexit"));
        List<String> out = errors("goto +5\nexit");
        assertEquals(1, out.size());
        assertTrue(out.getFirst().startsWith("1:1: target pc 6 is outside the program"), out.getFirst());
    }

    @Test
    void aLabelTooFarForASixteenBitOffsetAsksForALongJump() {
        String far = "goto end\n" + "r0 = 0\n".repeat(40000) + "end:\nexit\n";
        List<String> got = errors(far);
        assertEquals(List.of("1:6: jump offset out of 16-bit range: 40000 (to end); use gotol/ja32 for a long jump"), got);
    }

    @Test
    void anEmptyTextIsNotAProgram() {
        assertEquals(List.of("1:1: no instructions assembled"), errors("# nothing\n\n"));
    }
}
