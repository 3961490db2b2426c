package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Cancellation;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import dev.warden.vm.FaultKind;
import dev.warden.vm.LoadedProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bpf_loop} callbacks run on the run's budgets in both engines: the instruction budget
 * counts every instruction of every callback (2^23 iterations of a ten-instruction callback are
 * 83,886,086 instructions, and one fewer stops the run at its last instruction), a callback that
 * never returns is stopped by the instruction budget and, in a polled program, by the time budget
 * at its back edge; and both engines stop at the same pc.
 */
class BudgetsReachIntoLoopCallbacksTest {
    /** The callback adds to r0 ten instructions long; the caller's 6 instructions (the call is at pc 6). */
    static final String LOOP = """
            r1 = LOOPS
            r2 = func[pc+5] ll
            r3 = 0
            r4 = 0
            call 181
            exit
            r0 = r1
            r0 += 1
            r0 *= 3
            r0 ^= 5
            r0 &= 7
            r0 |= 8
            r0 -= 8
            r0 &= 0
            r0 += 0
            exit
            """;
    static final int CALLER = 6;
    static final int CALLBACK = 10;
    static final int CALLBACK_PC = 7;

    /** A callback that loops forever (its back edge at pc 9). */
    static final String FOREVER = """
            r1 = 3
            r2 = func[pc+5] ll
            r3 = 0
            r4 = 0
            call 181
            exit
            r0 = 0
            r0 += 1
            goto -2
            """;

    static Stream<Engine> engines() {
        return Stream.of(new Interpreter(), new JitEngine());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void everyIterationOfALongLoopIsCounted(Engine engine) throws Exception {
        long loops = 1 << 23;
        long total = CALLER + loops * CALLBACK;
        String asm = LOOP.replace("LOOPS", Long.toString(loops));
        assertEquals(new ExecResult.Returned(loops), run(engine, asm, total), "the exact budget runs it all");
        Fault f = fault(run(engine, asm, total - 1));
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind());
        assertEquals(CALLER, f.pc(), "one fewer stops at the caller's exit, after every callback ran");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void theBudgetRunsOutInsideACallbackAtTheSamePcInBothEngines(Engine engine) throws Exception {
        String asm = LOOP.replace("LOOPS", "1000");
        // 5 caller instructions up to the call, 417 whole callbacks, then 3 instructions of the next.
        Fault f = fault(run(engine, asm, 5 + 417 * CALLBACK + 3));
        assertEquals(new Fault(CALLBACK_PC + 3, FaultKind.BUDGET_EXHAUSTED, f.message()), f);
        Fault atCall = fault(run(engine, asm, 4));
        assertEquals(5, atCall.pc(), "the call itself is the fifth instruction");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aCallbackThatNeverReturnsIsStoppedByTheInstructionBudget(Engine engine) throws Exception {
        // 5 instructions to the call, the callback's first, then (r0 += 1, goto) pairs.
        Fault f = fault(run(engine, FOREVER, 1_000_000));
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind());
        assertEquals((1_000_000 - 6) % 2 == 0 ? 8 : 9, f.pc());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aCallbackThatNeverReturnsIsCancelledAtItsBackEdge(Engine engine) throws Exception {
        Polled polled = new Polled(engine);
        try (LinuxEnvironment env = env(polled, FOREVER, Long.MAX_VALUE)) {
            polled.loaded.forEach(l -> l.memory().setTimeBudget(20_000_000));
            long start = System.nanoTime();
            Fault f = fault(env.run(new byte[0]));
            long took = System.nanoTime() - start;
            assertEquals(FaultKind.CANCELLED, f.kind(), f.toString());
            assertEquals(9, f.pc(), "the callback's back edge");
            assertTrue(took < 5_000_000_000L, "stopped soon after its 20 ms: " + took / 1_000_000 + " ms");
        }
    }

    private static ExecResult run(Engine engine, String asm, long budget) throws Exception {
        try (LinuxEnvironment env = env(engine, asm, budget)) {
            return env.run(new byte[0]);
        }
    }

    private static LinuxEnvironment env(Engine engine, String asm, long budget) throws Exception {
        BpfProgram p = new BpfProgram("loop", "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(), "GPL");
        return LinuxEnvironment.load(o, p, LinuxProgramType.XDP, budget, engine);
    }

    private static Fault fault(ExecResult r) {
        return assertInstanceOf(ExecResult.Faulted.class, r, () -> "expected a fault, got " + r).fault();
    }

    /** {@code base} with cancellation polls, keeping what it loaded so the test can give it a time budget. */
    private static final class Polled implements Engine {
        final Engine base;
        final List<LoadedProgram> loaded = new ArrayList<>();

        Polled(Engine base) {
            this.base = base;
        }

        @Override
        public String name() {
            return base.name();
        }

        @Override
        public LoadedProgram load(Program program, ExecOptions options) {
            LoadedProgram l = base.load(program, options.withCancellation(Cancellation.POLLED));
            loaded.add(l);
            return l;
        }
    }
}
