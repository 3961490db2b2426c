package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Decoder;
import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.vm.Cancellation;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import dev.warden.vm.LoadedProgram;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JIT's cancellation polls (a countdown in a local at every back edge and call): every
 * conformance program compiles with them to a class the JDK verifies and returns what it returns
 * without them, and a runaway stops with CANCELLED at its back edge, also when it is so large that
 * it is compiled as chunk methods (the countdown travels between them through a field).
 */
class CancellationPollsKeepSemanticsAndStopRunawaysTest {
    static final ExecOptions POLLED = ExecOptions.defaults().withCancellation(Cancellation.POLLED);

    @Test
    void theConformanceSuiteRunsAlikeWithPolls() throws Exception {
        int polled = 0;
        for (Map.Entry<String, Map<String, String>> e : ReferenceSuite.read().entrySet()) {
            Map<String, String> t = e.getValue();
            if (!e.getKey().startsWith("tests/") || !t.containsKey("program_hex")) {
                continue;
            }
            Program p = Decoder.decode(ReferenceSuite.hex(t.get("program_hex")));
            var generated = JitCompiler.generate(p, POLLED, CheckElision.NONE);
            assertEquals(List.of(), JitCompiler.verify(generated.classFile()), e.getKey());
            byte[] mem = ReferenceSuite.hex(t.get("mem_hex"));
            assertEquals(new JitEngine().execute(p, mem, ExecOptions.defaults()), new JitEngine().execute(p, mem, POLLED), e.getKey());
            polled++;
        }
        assertEquals(313, polled);
    }

    @Test
    void aLoopThatNeverEndsIsCancelledAtItsBackEdge() throws Exception {
        Program p = Assembler.assemble("r0 = 0\nloop:\nr0 += 1\ngoto loop\n");
        try (LoadedProgram l = new JitEngine().load(p, POLLED.withBudget(Long.MAX_VALUE))) {
            l.memory().setTimeBudget(10_000_000);
            ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, l.run(new byte[0]));
            assertEquals(FaultKind.CANCELLED, f.fault().kind());
            assertEquals(2, f.fault().pc());
        }
    }

    @Test
    void aChunkedRunawayIsCancelledToo() throws Exception {
        StringBuilder asm = new StringBuilder("r0 = 0\nloop:\n");
        for (int i = 0; i < 20_000; i++) {
            asm.append(i % 2 == 0 ? "r0 += 3\n" : "r0 ^= 5\n");
        }
        asm.append("goto loop\n");
        Program p = Assembler.assemble(asm.toString());
        assertTrue(JitCompiler.generate(p, POLLED, CheckElision.NONE).methods() > 1, "compiled as chunks");
        try (LoadedProgram l = new JitEngine().load(p, POLLED.withBudget(Long.MAX_VALUE))) {
            l.memory().setTimeBudget(20_000_000);
            ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, l.run(new byte[0]));
            assertEquals(FaultKind.CANCELLED, f.fault().kind());
            assertEquals(20_001, f.fault().pc());
        }
    }
}
