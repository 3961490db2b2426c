package dev.warden.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Decoder;
import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of {@code bpf-conformance/tests} (313) runs through the decoder and the interpreter
 * and returns the file's {@code -- result}. The program's {@code -- asm} section goes through the
 * assembler, its {@code -- raw} section (where present) is read as bytes, and both must equal the
 * reference encoding in {@code assembled.json}, which is what runs.
 */
class ConformanceSuitePassesThroughInterpreterTest {

    static List<Path> testFiles() throws IOException {
        try (Stream<Path> s = Files.list(SharedTestData.conformance().resolve("tests"))) {
            return s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
    }

    @Test
    void theSuiteHasAll313Tests() throws IOException {
        assertEquals(313, testFiles().size());
    }

    @TestFactory
    Stream<DynamicTest> everyTestReturnsItsExpectedResult() throws IOException {
        Map<String, Map<String, String>> reference =
                ReferenceEncodings.read(SharedTestData.conformance().resolve("assembled.json"));
        return testFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ConformanceData data = ConformanceData.parse(file.toString(), Files.readString(file));
            Map<String, String> ref = reference.get("tests/" + file.getFileName());
            byte[] referenceBytes = ReferenceEncodings.hex(ref.get("program_hex"));
            if (data.raw().isPresent()) {
                assertArrayEquals(referenceBytes, data.raw().get(), "-- raw differs from the reference encoding");
            }
            assertArrayEquals(ReferenceEncodings.hex(ref.getOrDefault("mem_hex", "")), data.memory());
            assertTrue(data.result().isPresent(), "a positive test names its result");
            Program program = Decoder.decode(referenceBytes);
            if (data.asm().isPresent()) {
                Program assembled = Assembler.assemble(data.asm().get());
                assertArrayEquals(referenceBytes, assembled.encode(), "the assembler's encoding differs from the reference");
                assertEquals(program, assembled);
            }
            ExecResult r = new Interpreter().execute(program, data.memory(), ExecOptions.defaults());
            ExecResult.Returned returned = assertInstanceOf(ExecResult.Returned.class, r);
            assertEquals(data.result().getAsLong(), returned.r0(),
                    () -> "r0 0x" + Long.toHexString(returned.r0()) + ", expected 0x"
                            + Long.toHexString(data.result().getAsLong()));
        }));
    }
}
