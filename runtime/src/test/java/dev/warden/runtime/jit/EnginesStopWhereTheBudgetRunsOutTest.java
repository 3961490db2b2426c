package dev.warden.runtime.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.jit.CheckElision;
import dev.warden.jit.JitCompiler;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import dev.warden.vm.FaultKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An exhausted budget stops the JIT exactly where it stops the interpreter: same fault kind, same
 * pc, same memory, for every budget from 0 past the program's length, through stores, helper
 * calls, 64-bit loads, local calls, loops, chunk boundaries and a fall off the end.
 */
class EnginesStopWhereTheBudgetRunsOutTest {
    private static final Interpreter INTERP = new Interpreter();
    private static final JitEngine JIT = new JitEngine();

    private static Program program(List<Instruction> code) {
        try {
            return Program.of(code);
        } catch (InvalidProgramException e) {
            throw new AssertionError(e);
        }
    }

    private static Instruction stb(Reg base, int offset, int value) {
        return new Instruction.StoreImm(Size.B, base, offset, value);
    }

    private static Instruction alu(AluOp op, Reg dst, int imm) {
        return new Instruction.Alu(Width.W64, op, dst, new Imm(imm));
    }

    /** Stores, a helper, a 64-bit load, a loop, a local call, an exit. */
    private static Program mixed() {
        return program(List.of(
                new Instruction.StoreImm(Size.W, Reg.R10, -8, 1),       // 0 frame store (unchecked)
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R6, Reg.R1), // 1
                new Instruction.Call(Instruction.CallKind.HELPER, 5),     // 2 returns r1
                stb(Reg.R6, 0, 0x11),                                     // 3
                Instruction.LoadImm64.of(Reg.R2, 0x1234_5678_9abc_def0L), // 4-5
                alu(AluOp.ADD, Reg.R0, 1),                                // 6
                stb(Reg.R6, 1, 0x22),                                     // 7
                alu(AluOp.MOV, Reg.R7, 3),                                // 8
                new Instruction.StoreReg(Size.B, Reg.R6, Reg.R7, 4),      // 9 loop
                alu(AluOp.ADD, Reg.R0, 2),                                // 10
                alu(AluOp.SUB, Reg.R7, 1),                                // 11
                new Instruction.Jump(Width.W64, JmpCond.JNE, Reg.R7, new Imm(0), -4), // 12 -> 9
                new Instruction.Call(Instruction.CallKind.LOCAL, 3),      // 13 -> 17
                stb(Reg.R6, 2, 0x33),                                     // 14
                alu(AluOp.ADD, Reg.R0, 7),                                // 15
                new Instruction.Exit(),                                   // 16
                stb(Reg.R6, 3, 0x44),                                     // 17 callee
                new Instruction.StoreImm(Size.DW, Reg.R10, -16, 5),      // 18
                new Instruction.Exit()));                                 // 19
    }

    private static void agreeForEveryBudget(Program p, byte[] input, long upTo, long step) {
        for (long budget = 0; budget <= upTo; budget += step) {
            ExecOptions options = ExecOptions.defaults().withBudget(budget);
            EngineRun reference = EngineRun.of(INTERP, p, input, options);
            EngineRun compiled = EngineRun.of(JIT, p, input, options);
            assertNull(compiled.differenceFrom(reference), "budget " + budget);
        }
    }

    @Test
    void everyBudgetStopsBothEnginesAtTheSameInstruction() {
        Program p = mixed();
        long executed = Interpreter.executeCounted(p, new byte[8], ExecOptions.defaults()).instructions();
        assertTrue(executed > 20, "the program runs its loop and call: " + executed);
        agreeForEveryBudget(p, new byte[8], executed + 2, 1);
    }

    /**
     * A branch tree whose inner blocks each have one predecessor: the JIT drops their end checks
     * and a later check must tell in which of them the budget ran out (across a 64-bit load too).
     */
    @Test
    void branchTreesStopAtTheSameInstructionOnEveryPath() {
        Program p = program(List.of(
                alu(AluOp.MOV, Reg.R0, 1),                                                 // 0  A
                new Instruction.Jump(Width.W64, JmpCond.JGT, Reg.R2, new Imm(2), 4),      // 1  -> 6
                alu(AluOp.ADD, Reg.R0, 2),                                                 // 2  B (from A)
                Instruction.LoadImm64.of(Reg.R3, 5),                                       // 3-4
                Instruction.Goto.of(5),                                                    // 5  -> 11
                alu(AluOp.ADD, Reg.R0, 4),                                                 // 6  C (from A)
                new Instruction.Jump(Width.W64, JmpCond.JGT, Reg.R2, new Imm(5), 2),      // 7  -> 10
                alu(AluOp.ADD, Reg.R0, 8),                                                 // 8  D (from C)
                Instruction.Goto.of(1),                                                    // 9  -> 11
                alu(AluOp.ADD, Reg.R0, 16),                                                // 10 E (from C)
                new Instruction.StoreReg(Size.DW, Reg.R10, Reg.R0, -8),                   // 11 F
                new Instruction.Exit()));                                                  // 12
        for (int length : new int[] {1, 4, 8}) {
            agreeForEveryBudget(p, new byte[length], 12, 1);
        }
    }

    /**
     * Random programs (branchy verifier-shaped ones and the differential generator's), each
     * under every budget up to the instructions it executes: the sweep that reaches every place
     * the JIT dropped a block's end check.
     */
    @Test
    void randomProgramsStopAtTheSameInstructionForEveryBudget() {
        dev.warden.isa.random.RandomProgramGenerator kernelShaped = new dev.warden.isa.random.RandomProgramGenerator(
                dev.warden.isa.random.GeneratorOptions.defaults().withBodyInstructions(30));
        for (long seed = 0; seed < 300; seed++) {
            Program p = seed % 2 == 0
                    ? kernelShaped.generate(seed).program()
                    : DifferentialProgramGenerator.generate(seed, 24);
            byte[] input = DifferentialProgramGenerator.input(seed);
            long executed = Interpreter.executeCounted(p, input, ExecOptions.defaults()).instructions();
            for (long budget = 0; budget <= Math.min(executed, 80); budget++) {
                ExecOptions options = ExecOptions.defaults().withBudget(budget);
                EngineRun reference = EngineRun.of(INTERP, p, input, options);
                EngineRun compiled = EngineRun.of(JIT, p, input, options);
                String difference = compiled.differenceFrom(reference);
                if (difference != null) {
                    throw new AssertionError("seed " + seed + ", budget " + budget + ": " + difference + "\n"
                            + dev.warden.isa.asm.Disassembler.listing(p));
                }
            }
        }
    }

    @Test
    void budgetZeroFaultsAtPcZeroWithMemoryUntouched() {
        EngineRun run = EngineRun.of(JIT, mixed(), new byte[8], ExecOptions.defaults().withBudget(0));
        Fault f = assertInstanceOf(ExecResult.Faulted.class, run.result()).fault();
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind());
        assertEquals(0, f.pc());
        assertArrayEquals(new byte[8], run.input());
        assertArrayEquals(new byte[512], run.stack());
    }

    @Test
    void budgetOneFaultsForTheBudgetBeforeAnOutOfBoundsStore() {
        Program p = program(List.of(
                alu(AluOp.MOV, Reg.R0, 0),
                new Instruction.StoreReg(Size.B, Reg.R0, Reg.R0, 0), // address 0: out of bounds
                new Instruction.Exit()));
        for (var engine : List.of(INTERP, JIT)) {
            ExecResult r = engine.execute(p, new byte[0], ExecOptions.defaults().withBudget(1));
            Fault f = assertInstanceOf(ExecResult.Faulted.class, r, engine.name()).fault();
            assertEquals(new Fault(1, FaultKind.BUDGET_EXHAUSTED, f.message()), f, engine.name());
        }
    }

    @Test
    void runningOffTheEndCostsOneInstructionInBothEngines() {
        Program p = program(List.of(alu(AluOp.MOV, Reg.R0, 1), alu(AluOp.ADD, Reg.R0, 1)));
        agreeForEveryBudget(p, new byte[0], 4, 1);
        ExecResult two = JIT.execute(p, new byte[0], ExecOptions.defaults().withBudget(2));
        assertEquals(new Fault(2, FaultKind.BUDGET_EXHAUSTED, "the instruction budget of 2 ran out"),
                assertInstanceOf(ExecResult.Faulted.class, two).fault());
        ExecResult three = JIT.execute(p, new byte[0], ExecOptions.defaults().withBudget(3));
        assertEquals(FaultKind.FELL_OFF_END, assertInstanceOf(ExecResult.Faulted.class, three).fault().kind());
    }

    @Test
    void chunkBoundariesInsideABlockKeepTheExactStop() {
        // 6,000 straight-line instructions, a store every tenth: one block cut into several chunks.
        List<Instruction> code = new ArrayList<>();
        code.add(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R6, Reg.R1));
        for (int i = 0; i < 6_000; i++) {
            code.add(i % 10 == 0 ? stb(Reg.R6, i % 64, i & 0x7f) : alu(AluOp.ADD, Reg.R0, i));
        }
        code.add(new Instruction.Exit());
        Program p = program(code);
        JitCompiler.Generated g = JitCompiler.generate(p, ExecOptions.defaults().helpers(), CheckElision.NONE);
        assertTrue(g.methods() > 3, "chunked into " + g.methods() + " methods");
        agreeForEveryBudget(p, new byte[64], 6_003, 97);
    }
}
