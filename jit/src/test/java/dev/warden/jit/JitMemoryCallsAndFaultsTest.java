package dev.warden.jit;

import static dev.warden.jit.Jit.exit;
import static dev.warden.jit.Jit.fault;
import static dev.warden.jit.Jit.mov64;
import static dev.warden.jit.Jit.program;
import static dev.warden.jit.Jit.r0;
import static dev.warden.isa.Reg.R0;
import static dev.warden.isa.Reg.R1;
import static dev.warden.isa.Reg.R2;
import static dev.warden.isa.Reg.R6;
import static dev.warden.isa.Reg.R10;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Instruction.Alu;
import dev.warden.isa.Instruction.Atomic;
import dev.warden.isa.Instruction.Call;
import dev.warden.isa.Instruction.CallKind;
import dev.warden.isa.Instruction.Load;
import dev.warden.isa.Instruction.StoreImm;
import dev.warden.isa.Instruction.StoreReg;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import dev.warden.vm.FaultKind;
import dev.warden.vm.LoadedProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Checked memory, atomics, helpers, local calls and every fault kind the JIT can raise. */
class JitMemoryCallsAndFaultsTest {

    private static Instruction load(Size s, dev.warden.isa.Reg d, dev.warden.isa.Reg src, int off) {
        return new Load(s, Instruction.Extension.ZERO, d, src, off);
    }

    @Test
    void loadsAndStoresReachTheInputAndTheStack() {
        byte[] input = {1, 2, 3, 4, 5, 6, 7, 8};
        // r0 = *(u32 *)(r1 + 4); stack round trip; sign-extending byte load.
        assertEquals(0x0807_0605L, r0(program(load(Size.W, R0, R1, 4), exit()), input));
        assertEquals(0x0807_0605_0403_0201L, r0(program(
                load(Size.DW, R2, R1, 0), new StoreReg(Size.DW, R10, R2, -8), load(Size.DW, R0, R10, -8), exit()), input));
        assertEquals(-1L, r0(program(new StoreImm(Size.B, R1, 0, 0xff),
                new Load(Size.B, Instruction.Extension.SIGN, R0, R1, 0), exit()), input));
    }

    @Test
    void anAccessOutsideEveryRegionFaultsAtItsPc() {
        Fault f = fault(program(mov64(R0, 0), load(Size.W, R0, R1, 6), exit()), new byte[8], ExecOptions.defaults());
        assertEquals(new Fault(1, FaultKind.OUT_OF_BOUNDS, f.message()), f);
        // Just below the frame: r10 - 513 is outside it (the JIT checks non-constant-frame accesses).
        Fault g = fault(program(load(Size.B, R0, R10, -513), exit()), new byte[0], ExecOptions.defaults());
        assertEquals(FaultKind.OUT_OF_BOUNDS, g.kind());
        assertEquals(0, g.pc());
    }

    @Test
    void aStoreToReadOnlyInputFaults() {
        Program p = program(new StoreImm(Size.W, R1, 0, 7), mov64(R0, 0), exit());
        try (Arena arena = Arena.ofConfined(); LoadedProgram lp = new JitEngine().load(p, ExecOptions.defaults())) {
            MemorySegment in = arena.allocate(8);
            ExecResult r = lp.run(in, Access.READ_ONLY);
            assertEquals(FaultKind.READ_ONLY, assertInstanceOf(ExecResult.Faulted.class, r).fault().kind());
            ExecResult w = lp.run(in, Access.READ_WRITE);
            assertInstanceOf(ExecResult.Returned.class, w);
            assertEquals(7, in.get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void atomicsUpdateMemoryAndFetchTheOldValue() {
        byte[] input = new byte[16];
        // *(u64 *)(r1) = 5; lock add 3; r2 = 10; fetch_add r2 -> r2 = 8; cmpxchg: r0 = 18, replaced by 1.
        Program p = program(
                new StoreImm(Size.DW, R1, 0, 5),
                mov64(R2, 3),
                new Atomic(Size.DW, AtomicOp.ADD, Instruction.Fetch.NO_FETCH, R1, R2, 0),
                mov64(R2, 10),
                new Atomic(Size.DW, AtomicOp.ADD, Instruction.Fetch.FETCH, R1, R2, 0),
                mov64(R0, 18),
                mov64(R6, 1),
                new Atomic(Size.DW, AtomicOp.CMPXCHG, Instruction.Fetch.FETCH, R1, R6, 0),
                load(Size.DW, R6, R1, 0),
                new Alu(Width.W64, AluOp.LSH, R6, new Imm(8)),
                new Alu(Width.W64, AluOp.ADD, R0, R6),
                new Alu(Width.W64, AluOp.LSH, R2, new Imm(16)),
                new Alu(Width.W64, AluOp.ADD, R0, R2),
                exit());
        // r0 = 18 (old) + (1 << 8) + (8 << 16)
        assertEquals(18 + (1 << 8) + (8 << 16), r0(p, input));
        Fault misaligned = fault(program(mov64(R2, 1),
                new Atomic(Size.W, AtomicOp.ADD, Instruction.Fetch.NO_FETCH, R1, R2, 1), exit()), input, ExecOptions.defaults());
        assertEquals(FaultKind.MISALIGNED, misaligned.kind());
    }

    @Test
    void helpersAreCalledWithR1ToR5() {
        Program p = program(mov64(R1, 42), new Call(CallKind.HELPER, 5), exit());
        assertEquals(42, r0(p, new byte[0]));
        Program unknown = program(mov64(R0, 0), new Call(CallKind.HELPER, 6), exit());
        Fault f = fault(unknown, new byte[0], ExecOptions.defaults());
        assertEquals(new Fault(1, FaultKind.UNKNOWN_HELPER, f.message()), f);
        Program callx = program(mov64(R1, 9), mov64(R2, 5), new Instruction.CallX(R2), exit());
        assertEquals(9, r0(callx, new byte[0]));
        Program badCallx = program(mov64(R2, 77), new Instruction.CallX(R2), exit());
        assertEquals(FaultKind.BAD_CALLX, fault(badCallx, new byte[0], ExecOptions.defaults()).kind());
    }

    @Test
    void localCallsGetAFreshFrameAndKeepR6ToR9() {
        // main: r6 = 7; *(r10-8) = 100; call f; r0 += r6 + *(r10-8) + r1.   f: *(r10-8) = 1; r6 = 1000; r1 = 20; r0 = 3; exit
        Program p = program(
                mov64(R6, 7),                                      // 0
                new StoreImm(Size.DW, R10, -8, 100),               // 1
                new Call(CallKind.LOCAL, 6),                       // 2 -> 9
                new Alu(Width.W64, AluOp.ADD, R0, R6),             // 3
                load(Size.DW, R2, R10, -8),                        // 4
                new Alu(Width.W64, AluOp.ADD, R0, R2),             // 5
                new Alu(Width.W64, AluOp.ADD, R0, R1),             // 6
                exit(),                                            // 7
                exit(),                                            // 8 (unreached)
                new StoreImm(Size.DW, R10, -8, 1),                 // 9
                mov64(R6, 1000),                                   // 10
                mov64(R1, 20),                                     // 11
                mov64(R0, 3),                                      // 12
                exit());                                           // 13
        assertEquals(3 + 7 + 100 + 20, r0(p, new byte[0]));
    }

    @Test
    void recursionDeeperThanEightFramesFaults() {
        // f calls itself forever.
        Program p = program(new Call(CallKind.LOCAL, -1), exit());
        Fault f = fault(p, new byte[0], ExecOptions.defaults());
        assertEquals(new Fault(0, FaultKind.CALL_DEPTH, f.message()), f);
    }

    @Test
    void aRunawayLoopEndsWithABudgetFault() {
        Program p = program(mov64(R0, 0), new Alu(Width.W64, AluOp.ADD, R0, new Imm(1)), new Instruction.Goto(-2, Instruction.GotoForm.SHORT));
        Fault f = fault(p, new byte[0], ExecOptions.defaults().withBudget(1_000_000));
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind());
        // Exactly the budget is allowed: 3 instructions with a budget of 3 return, of 2 fault.
        Program three = program(mov64(R0, 1), mov64(R1, 2), exit());
        assertInstanceOf(ExecResult.Returned.class, Jit.run(three, new byte[0], ExecOptions.defaults().withBudget(3)));
        assertEquals(FaultKind.BUDGET_EXHAUSTED, fault(three, new byte[0], ExecOptions.defaults().withBudget(2)).kind());
    }

    @Test
    void staticFaultsAreRaisedWhereTheInstructionRuns() {
        Fault fp = fault(program(mov64(R0, 0), new Alu(Width.W64, AluOp.ADD, R10, new Imm(8)), exit()),
                new byte[0], ExecOptions.defaults());
        assertEquals(new Fault(1, FaultKind.FRAME_POINTER_WRITE, fp.message()), fp);
        Fault off = fault(program(mov64(R0, 0)), new byte[0], ExecOptions.defaults());
        assertEquals(new Fault(1, FaultKind.FELL_OFF_END, off.message()), off);
        Fault packet = fault(program(new Instruction.PacketLoad(Instruction.PacketMode.ABS, Size.B, R0, 0), exit()),
                new byte[4], ExecOptions.defaults());
        assertEquals(FaultKind.NO_PACKET_CONTEXT, packet.kind());
        Fault kfunc = fault(program(new Call(CallKind.KFUNC, 1), exit()), new byte[0], ExecOptions.defaults());
        assertEquals(FaultKind.UNKNOWN_KFUNC, kfunc.kind());
    }

    @Test
    void jumpsThatAreNotTakenFallThrough() {
        Program p = program(mov64(R0, 1), new Instruction.Jump(Width.W64, JmpCond.JEQ, R0, new Imm(2), 1),
                mov64(R0, 5), exit());
        assertEquals(5, r0(p, new byte[0]));
    }
}
