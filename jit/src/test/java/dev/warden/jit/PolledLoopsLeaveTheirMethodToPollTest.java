package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.vm.Cancellation;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Memory;
import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A polled loop whose back edge jumps to the loop's head polls outside its method: the function
 * runs under a dispatcher, the back edge's check asks a margin more than the jump needs, and when
 * the slice runs low there the stub polls and leaves for the head, where the dispatcher re-enters
 * (FunctionLayout.BackEdges.LEAVE). After a back edge (by pc) into the middle of a loop the run
 * resumes in a loop-free copy of the function, which leaves for the dispatcher at the next loop
 * head, since entering a loop in its middle would make it irreducible. Either way every budget and
 * every slice ends the run as without polls, and a runaway is cancelled at a back edge.
 */
class PolledLoopsLeaveTheirMethodToPollTest {
    private static final ExecOptions PLAIN = ExecOptions.defaults();
    private static final ExecOptions POLLED = PLAIN.withCancellation(Cancellation.POLLED);

    /** Nested loops: both back edges reach their loop's head; the inner one's way out stays in the outer loop. */
    private static final String NESTED = """
            r0 = 0
            r6 = 4
            outer:
            r7 = 3
            inner:
            *(u64 *)(r1 + 0) = r0
            r0 += r7
            r7 -= 1
            if r7 != 0 goto inner
            r0 ^= 5
            *(u64 *)(r1 + 8) = r0
            r6 -= 1
            if r6 != 0 goto outer
            exit
            """;

    /** The loop's head is at pc 6 (reached by a forward jump); its back edge by pc (8 -> 3) lands mid-loop. */
    private static final String MID_LOOP = """
            r0 = 0
            r6 = 0
            goto head
            latch:
            r6 += 1
            if r6 >= 10 goto done
            goto head
            head:
            r0 += r6
            *(u64 *)(r1 + 0) = r0
            goto latch
            done:
            exit
            """;

    /** Like {@link #MID_LOOP} with a conditional back edge into the middle of the loop too (pc 11 -> 3). */
    private static final String MID_LOOP_CONDITIONAL = """
            r0 = 0
            r6 = 0
            goto head
            latch:
            r6 += 1
            if r6 >= 12 goto done
            goto head
            head:
            r0 += r6
            *(u64 *)(r1 + 0) = r0
            r2 = r6
            r2 &= 1
            if r2 != 0 goto latch
            r0 ^= 3
            *(u64 *)(r1 + 8) = r0
            goto latch
            done:
            exit
            """;

    @Test
    void aPolledLoopRunsUnderADispatcherWithACopyForBackEdgesIntoItsMiddle() throws Exception {
        assertEquals(Set.of("run", "f0", "c0_0"), methods(NESTED, POLLED), "polled: a dispatcher and one chunk");
        assertEquals(Set.of("run", "f0"), methods(NESTED, PLAIN), "unpolled: one method");
        assertEquals(Set.of("run", "f0", "c0_0", "r0"), methods(MID_LOOP, POLLED), "and the copy to resume in");
        assertEquals(Set.of("run", "f0"), methods(MID_LOOP, PLAIN), "unpolled: one method");
        assertEquals(Set.of("run", "f0"), methods("r0 = 1\nexit\n", POLLED), "no loop, nothing to leave for");
    }

    @Test
    void everyBudgetAndSliceEndsAsWithoutPolls() throws Exception {
        for (String asm : List.of(NESTED, MID_LOOP, MID_LOOP_CONDITIONAL)) {
            Program p = Assembler.assemble(asm);
            Outcome full = Outcome.of(p, PLAIN.withBudget(Long.MAX_VALUE), Long.MAX_VALUE);
            assertInstanceOf(ExecResult.Returned.class, full.result());
            boolean sawBudgetFault = false;
            for (long budget = 0; budget <= 160; budget++) {
                Outcome plain = Outcome.of(p, PLAIN.withBudget(budget), Long.MAX_VALUE);
                sawBudgetFault |= plain.result() instanceof ExecResult.Faulted;
                for (long slice : new long[] {1, 2, 3, 5, 7, 1 << 16}) {
                    Outcome polled = Outcome.of(p, POLLED.withBudget(budget), slice);
                    String where = "budget " + budget + " slice " + slice + " of\n" + asm;
                    assertEquals(plain.result(), polled.result(), where);
                    assertArrayEquals(plain.input(), polled.input(), where);
                }
            }
            assertTrue(sawBudgetFault, "some budgets run out");
            assertFalse(Outcome.of(p, PLAIN.withBudget(160), Long.MAX_VALUE).result() instanceof ExecResult.Faulted,
                    "160 instructions finish the program");
        }
    }

    @Test
    void aNestedRunawayIsCancelledAtOneOfItsBackEdges() throws Exception {
        // Nested loops that never end; whichever back edge (pc 5 or 6) the slice runs low at,
        // the run ends there.
        Program p = Assembler.assemble("""
                r0 = 0
                outer:
                r7 = 3
                inner:
                *(u64 *)(r10 - 8) = r0
                r0 += 1
                r7 -= 1
                if r7 != 0 goto inner
                goto outer
                """);
        for (long slice : new long[] {1, 2, 3, 7, 1 << 16}) {
            try (JitLoadedProgram l = (JitLoadedProgram) new JitEngine().load(p, POLLED.withBudget(Long.MAX_VALUE))) {
                l.useSlice(slice);
                l.memory().setTimeBudget(5_000_000);
                ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, l.run(new byte[0]), "slice " + slice);
                assertEquals(FaultKind.CANCELLED, f.fault().kind(), "slice " + slice);
                assertTrue(Set.of(5, 6).contains(f.fault().pc()), "slice " + slice + ": pc " + f.fault().pc());
            }
        }
    }

    private static Set<String> methods(String asm, ExecOptions options) throws Exception {
        byte[] classFile = JitCompiler.generate(Assembler.assemble(asm), options, CheckElision.NONE).classFile();
        Set<String> names = new java.util.TreeSet<>();
        for (MethodModel m : ClassFile.of().parse(classFile).methods()) {
            String name = m.methodName().stringValue();
            if (!name.startsWith("<")) {
                names.add(name);
            }
        }
        return names;
    }

    /** A run's result and its 16-byte input (which the programs store to) afterwards. */
    private record Outcome(ExecResult result, byte[] input) {
        static Outcome of(Program p, ExecOptions options, long slice) {
            try (JitLoadedProgram l = (JitLoadedProgram) new JitEngine().load(p, options)) {
                l.useSlice(slice);
                ExecResult r = l.run(new byte[16]);
                Memory m = l.memory();
                return new Outcome(r, m.read(m.input().base(), (int) m.input().size()));
            }
        }
    }
}
