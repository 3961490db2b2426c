package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Decoder;
import dev.warden.isa.Program;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * All 313 programs of {@code bpf-conformance/tests}, from their reference encodings in
 * {@code assembled.json}, compiled by the JIT: each class passes {@link JitCompiler#verify} and
 * each run returns the file's expected result.
 */
class ConformanceSuitePassesThroughJitTest {

    private static List<Map.Entry<String, Map<String, String>>> positive() throws IOException {
        return ReferenceSuite.read().entrySet().stream().filter(e -> e.getKey().startsWith("tests/")).toList();
    }

    @Test
    void theSuiteHas313Tests() throws IOException {
        assertEquals(313, positive().size());
    }

    @TestFactory
    Stream<DynamicTest> everyTestReturnsItsResultThroughTheJit() throws IOException {
        return positive().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Map<String, String> t = e.getValue();
            assertTrue(t.containsKey("program_hex") && t.containsKey("result"), "a positive test has a program and a result");
            Program p = Decoder.decode(ReferenceSuite.hex(t.get("program_hex")));
            var generated = JitCompiler.generate(p, ExecOptions.defaults().helpers(), CheckElision.NONE);
            assertEquals(List.of(), JitCompiler.verify(generated.classFile()), "the generated class verifies");
            ExecResult r = new JitEngine().execute(p, ReferenceSuite.hex(t.get("mem_hex")), ExecOptions.defaults());
            long expected = ReferenceSuite.result(t.get("result"));
            ExecResult.Returned ret = assertInstanceOf(ExecResult.Returned.class, r, () -> "got " + r);
            assertEquals(expected, ret.r0(),
                    () -> "r0 0x" + Long.toHexString(ret.r0()) + ", expected 0x" + Long.toHexString(expected));
        }));
    }
}
