package dev.warden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Decoder;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.IsaError;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.asm.AssemblyException;
import dev.warden.isa.asm.Diagnostic;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The files of {@code bpf-conformance/negative} are tests a correct runtime must fail; each is
 * checked for the way it is meant to fail:
 * <ul>
 *   <li>{@code unused-<insn>-<field>}: a bad encoding; the decoder rejects it with an error at pc 0
 *       naming that field;</li>
 *   <li>files whose {@code assembled.json} entry has an {@code assembler_error}: malformed
 *       assembly, which the assembler rejects with errors located by line and column;</li>
 *   <li>{@code error.data}: expects an error, but the program is valid: Warden runs it and
 *       returns, so the expected error does not happen;</li>
 *   <li>{@code incorrect_return_value_high_bits.data}: the expected result is deliberately wrong
 *       in its high 32 bits; Warden's result differs from it (and agrees in the low 32 bits, so a
 *       runner comparing only 32 bits would wrongly pass it);</li>
 *   <li>{@code empty.data}, {@code empty_instructions.data}: no program at all.</li>
 * </ul>
 */
class NegativeConformanceFilesFailAsIntendedTest {

    private static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(SharedTestData.conformance().resolve("negative"))) {
            return s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyNegativeFileFailsAsIntended() throws IOException {
        Map<String, Map<String, String>> reference =
                ReferenceEncodings.read(SharedTestData.conformance().resolve("assembled.json"));
        List<Path> files = files();
        assertEquals(60, files.size());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            Map<String, String> ref = reference.get("negative/" + name);
            String text = Files.readString(file);
            if (name.startsWith("unused-")) {
                rejectedByDecoder(name, text, ref);
            } else if (ref.containsKey("assembler_error")) {
                rejectedByAssembler(name, text);
            } else if (name.equals("error.data")) {
                runsWithoutTheExpectedError(name, text, ref);
            } else if (name.equals("incorrect_return_value_high_bits.data")) {
                resultDiffersFromTheWrongExpectation(name, text, ref);
            } else if (name.startsWith("empty")) {
                ConformanceData d = ConformanceData.parse(name, text);
                assertTrue(d.asm().isEmpty() && d.raw().isEmpty(), "no program to run");
            } else {
                throw new AssertionError("no intended failure known for " + name);
            }
        }));
    }

    private static void rejectedByDecoder(String name, String text, Map<String, String> ref) throws Exception {
        ConformanceData d = ConformanceData.parse(name, text);
        byte[] bytes = d.raw().orElseThrow();
        assertEquals(ReferenceEncodings.hex(ref.get("program_hex")).length, bytes.length);
        String field = name.substring(name.lastIndexOf('-') + 1, name.length() - ".data".length());
        InvalidProgramException e = assertThrows(InvalidProgramException.class, () -> Decoder.decode(bytes));
        IsaError first = e.errors().getFirst();
        assertEquals(0, first.pc(), e.getMessage());
        assertEquals(field, first.field(), e.getMessage());
        assertTrue(d.error().isPresent(), "the file expects an error");
    }

    private static void rejectedByAssembler(String name, String text) throws Exception {
        ConformanceData d;
        try {
            d = ConformanceData.parse(name, text);
        } catch (ConformanceData.FormatException e) {
            // A section the suite does not define: rejected before assembling, with its line.
            assertTrue(e.getMessage().startsWith(name + ":4: unknown section"), e.getMessage());
            return;
        }
        String asm = d.asm().orElseThrow();
        AssemblyException e = assertThrows(AssemblyException.class, () -> Assembler.assemble(asm));
        assertFalse(e.diagnostics().isEmpty());
        for (Diagnostic diagnostic : e.diagnostics()) {
            assertTrue(diagnostic.line() >= 1 && diagnostic.column() >= 0, diagnostic.toString());
        }
    }

    private static void runsWithoutTheExpectedError(String name, String text, Map<String, String> ref) throws Exception {
        ConformanceData d = ConformanceData.parse(name, text);
        assertEquals("Invalid", d.error().orElseThrow());
        ExecResult r = new Interpreter().execute(Decoder.decode(ReferenceEncodings.hex(ref.get("program_hex"))),
                d.memory(), ExecOptions.defaults());
        // or r0, r10 with r0 = 0: r0 becomes the frame pointer, a valid result, not an error.
        ExecResult.Returned returned = assertInstanceOf(ExecResult.Returned.class, r);
        assertNotEquals(0, returned.r0());
    }

    private static void resultDiffersFromTheWrongExpectation(String name, String text, Map<String, String> ref)
            throws Exception {
        ConformanceData d = ConformanceData.parse(name, text);
        long expected = d.result().orElseThrow();
        ExecResult r = new Interpreter().execute(Decoder.decode(ReferenceEncodings.hex(ref.get("program_hex"))),
                d.memory(), ExecOptions.defaults());
        long r0 = assertInstanceOf(ExecResult.Returned.class, r).r0();
        assertEquals(0x8877665544332211L, r0);
        assertNotEquals(expected, r0);
        assertEquals((int) expected, (int) r0);
        assertFalse(d.error().isPresent());
    }
}
