package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Helpers;
import dev.warden.vm.LoadedProgram;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The budget stops compiled code before the first instruction it does not cover: no store and
 * no helper call beyond it (the adversarial review saw three stores and helper calls with a
 * budget of 0), and the fault names that instruction's pc.
 */
class JitBudgetStopsBeforeSideEffectsTest {

    @Test
    void noStoreOrHelperCallHappensPastTheBudget() {
        AtomicInteger calls = new AtomicInteger();
        Helpers helpers = Helpers.conformance().with(7, "count", (memory, pc, r1, r2, r3, r4, r5) -> calls.incrementAndGet());
        Program p = Jit.program(
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R6, Reg.R1),   // 0
                new Instruction.StoreImm(Size.B, Reg.R6, 0, 1),              // 1
                new Instruction.Call(Instruction.CallKind.HELPER, 7),        // 2
                new Instruction.StoreImm(Size.B, Reg.R6, 1, 2),              // 3
                new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(1)), // 4
                new Instruction.Call(Instruction.CallKind.HELPER, 7),        // 5
                new Instruction.StoreImm(Size.B, Reg.R6, 2, 3),              // 6
                new Instruction.Exit());                                     // 7
        // Budget b covers instructions 0..b-1: the expected input bytes and helper calls after each.
        byte[][] input = {{0, 0, 0}, {0, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 2, 0}, {1, 2, 0}, {1, 2, 0}, {1, 2, 3}};
        int[] helperCalls = {0, 0, 0, 1, 1, 1, 2, 2};
        for (int budget = 0; budget < 8; budget++) {
            calls.set(0);
            ExecOptions options = ExecOptions.defaults().withHelpers(helpers).withBudget(budget);
            try (LoadedProgram lp = new JitEngine().load(p, options)) {
                ExecResult r = lp.run(new byte[3]);
                Fault f = assertInstanceOf(ExecResult.Faulted.class, r, "budget " + budget).fault();
                assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind(), "budget " + budget);
                assertEquals(budget, f.pc(), "budget " + budget + " runs out at pc " + budget);
                assertArrayEquals(input[budget], lp.memory().read(lp.memory().input().base(), 3), "budget " + budget);
                assertEquals(helperCalls[budget], calls.get(), "budget " + budget);
            }
        }
        ExecResult done = Jit.run(p, new byte[3], ExecOptions.defaults().withHelpers(helpers).withBudget(8));
        assertInstanceOf(ExecResult.Returned.class, done);
    }

    @Test
    void aWideLoadBeforeTheStopShiftsThePcByTwo() {
        Program p = Jit.program(
                Instruction.LoadImm64.of(Reg.R1, 1L << 40),                  // 0-1
                Instruction.LoadImm64.of(Reg.R2, 2L << 40),                  // 2-3
                new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(1)), // 4
                new Instruction.StoreImm(Size.DW, Reg.R10, -8, 1),           // 5
                new Instruction.Exit());                                     // 6
        int[] pcAtBudget = {0, 2, 4, 5, 6};
        for (int budget = 0; budget < pcAtBudget.length; budget++) {
            ExecResult r = Jit.run(p, new byte[0], ExecOptions.defaults().withBudget(budget));
            Fault f = assertInstanceOf(ExecResult.Faulted.class, r).fault();
            assertEquals(new Fault(pcAtBudget[budget], FaultKind.BUDGET_EXHAUSTED, f.message()), f, "budget " + budget);
        }
    }
}
