package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.warden.vm.Memory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A polled program keeps its time budget's countdown in the instruction budget's checks: the
 * budget is handed out in slices, and a check that finds its slice short refills it (reading the
 * clock only at back edges and calls). With slices of 1 to 7 instructions almost every check
 * refills, and yet for every budget the run ends as without polls: same result or fault (kind
 * and pc), same memory. The unpolled JIT is the reference here; it agrees with the interpreter
 * (runtime's {@code EnginesStopWhereTheBudgetRunsOutTest} and the differential test).
 */
class PolledRunsKeepTheExactBudgetTest {
    private static final ExecOptions PLAIN = ExecOptions.defaults();
    private static final long[] SLICES = {1, 2, 3, 7};

    @Test
    void everyConformanceProgramStopsWhereItWouldWithoutPollsForEveryBudget() throws Exception {
        int programs = 0;
        int runs = 0;
        for (Map.Entry<String, Map<String, String>> e : ReferenceSuite.read().entrySet()) {
            Map<String, String> t = e.getValue();
            if (!e.getKey().startsWith("tests/") || !t.containsKey("program_hex")) {
                continue;
            }
            Program p = Decoder.decode(ReferenceSuite.hex(t.get("program_hex")));
            byte[] mem = ReferenceSuite.hex(t.get("mem_hex"));
            // Every budget up to 40, then every 23rd until the run no longer runs out.
            for (long budget = 0; budget < 100_000; budget = budget < 40 ? budget + 1 : budget + 23) {
                Outcome plain = Outcome.of(p, mem, PLAIN.withBudget(budget), Long.MAX_VALUE);
                for (long slice : SLICES) {
                    Outcome polled = Outcome.of(p, mem, PLAIN.withBudget(budget).withCancellation(Cancellation.POLLED), slice);
                    assertEquals(plain.result(), polled.result(), e.getKey() + " budget " + budget + " slice " + slice);
                    assertArrayEquals(plain.memory(), polled.memory(), e.getKey() + " budget " + budget + " slice " + slice);
                    runs++;
                }
                if (!(plain.result() instanceof ExecResult.Faulted f && f.fault().kind() == FaultKind.BUDGET_EXHAUSTED)) {
                    break;
                }
            }
            programs++;
        }
        assertEquals(313, programs);
        assertTrue(runs > 313 * SLICES.length * 5, "runs: " + runs);
    }

    @Test
    void aRunawayWithAStoreIsCancelledAtItsBackEdgeWhereverTheSliceRunsOut() throws Exception {
        // The slice runs out at the store's check or at the back edge, depending on the slice;
        // the clock is read only at the back edge (pc 3).
        Program p = Assembler.assemble("r0 = 0\nloop:\n*(u64 *)(r10 - 8) = r0\nr0 += 1\ngoto loop\n");
        for (long slice : new long[] {1, 2, 3, 4, 5, 6, 7, 1 << 14}) {
            try (JitLoadedProgram l = (JitLoadedProgram) new JitEngine().load(p, PLAIN.withBudget(Long.MAX_VALUE)
                    .withCancellation(Cancellation.POLLED))) {
                l.useSlice(slice);
                l.memory().setTimeBudget(5_000_000);
                ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, l.run(new byte[0]), "slice " + slice);
                assertEquals(FaultKind.CANCELLED, f.fault().kind(), "slice " + slice);
                assertEquals(3, f.fault().pc(), "slice " + slice);
            }
        }
    }

    @Test
    void theInstructionBudgetStillWinsOverTheClockInAPolledRun() throws Exception {
        // A budget smaller than a slice, and one a few slices long: BUDGET_EXHAUSTED at the pc
        // the unpolled run names, although a time budget is set too (it never runs out here).
        Program p = Assembler.assemble("r0 = 0\nloop:\n*(u64 *)(r10 - 8) = r0\nr0 += 1\ngoto loop\n");
        for (long budget : new long[] {0, 1, 2, 3, 4, 100, 3 * (1 << 14) + 2}) {
            Outcome plain = Outcome.of(p, new byte[0], PLAIN.withBudget(budget), Long.MAX_VALUE);
            try (JitLoadedProgram l = (JitLoadedProgram) new JitEngine().load(p, PLAIN.withBudget(budget)
                    .withCancellation(Cancellation.POLLED))) {
                l.memory().setTimeBudget(60_000_000_000L);
                assertEquals(plain.result(), l.run(new byte[0]), "budget " + budget);
            }
        }
    }

    @Test
    void aProgramCompiledAsChunksKeepsTheExactBudgetWithPolls() throws Exception {
        // Three passes over a 6,000-instruction body with a store in its middle: the budget local
        // and the reserve travel between chunk methods through fields.
        StringBuilder asm = new StringBuilder("r0 = 0\nr6 = 3\nloop:\n");
        for (int i = 0; i < 6_000; i++) {
            asm.append(i == 3_000 ? "*(u64 *)(r10 - 8) = r0\n" : i % 2 == 0 ? "r0 += 3\n" : "r0 ^= 5\n");
        }
        asm.append("r6 -= 1\nif r6 != 0 goto loop\nexit\n");
        Program p = Assembler.assemble(asm.toString());
        ExecOptions polled = PLAIN.withCancellation(Cancellation.POLLED);
        assertTrue(JitCompiler.generate(p, polled, CheckElision.NONE).methods() > 1, "compiled as chunks");
        long total = 2 + 3 * 6_002 + 1;
        for (long budget : new long[] {0, 2, 1_000, 3_002, 3_003, 6_004, 6_005, 12_009, total - 1, total}) {
            Outcome plain = Outcome.of(p, new byte[0], PLAIN.withBudget(budget), Long.MAX_VALUE);
            for (long slice : new long[] {1, 7, 4_096}) {
                Outcome o = Outcome.of(p, new byte[0], polled.withBudget(budget), slice);
                assertEquals(plain.result(), o.result(), "budget " + budget + " slice " + slice);
            }
        }
    }

    /** A run's result and its input memory afterwards. */
    private record Outcome(ExecResult result, byte[] memory) {
        static Outcome of(Program p, byte[] input, ExecOptions options, long slice) {
            try (JitLoadedProgram l = (JitLoadedProgram) new JitEngine().load(p, options)) {
                l.useSlice(slice);
                ExecResult r = l.run(input.clone());
                Memory m = l.memory();
                return new Outcome(r, m.read(m.input().base(), (int) m.input().size()));
            }
        }
    }
}
