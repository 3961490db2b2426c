package dev.warden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Instruction.Alu;
import dev.warden.isa.Instruction.Call;
import dev.warden.isa.Instruction.CallKind;
import dev.warden.isa.Instruction.Exit;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import dev.warden.vm.FaultKind;
import dev.warden.vm.InputKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each way a run can go wrong ends in a defined fault naming the pc, never in a host exception. */
class InterpreterFaultsInsteadOfCrashingTest {

    private static Fault fault(ExecOptions options, byte[] input, Instruction... insns) throws Exception {
        ExecResult r = new Interpreter().execute(Program.of(insns), input, options);
        return assertInstanceOf(ExecResult.Faulted.class, r).fault();
    }

    private static Fault fault(Instruction... insns) throws Exception {
        return fault(ExecOptions.defaults(), new byte[0], insns);
    }

    private static Alu mov(Reg r, int v) {
        return new Alu(Width.W64, AluOp.MOV, r, new Imm(v));
    }

    @Test
    void outOfBoundsLoadNamesThePcAndTheRegion() throws Exception {
        Fault f = fault(ExecOptions.defaults(), new byte[4],
                mov(Reg.R0, 0),
                new Instruction.Load(Size.W, Instruction.Extension.ZERO, Reg.R0, Reg.R1, 2),
                new Exit());
        assertEquals(1, f.pc());
        assertEquals(FaultKind.OUT_OF_BOUNDS, f.kind());
        assertEquals(true, f.message().contains("input"), f.message());
    }

    @Test
    void storeAboveTheFramePointerFaults() throws Exception {
        Fault f = fault(new Instruction.StoreImm(Size.B, Reg.R10, 0, 1), new Exit());
        assertEquals(new Fault(0, FaultKind.OUT_OF_BOUNDS, f.message()), f);
    }

    @Test
    void nullPointerDereferenceFaults() throws Exception {
        Fault f = fault(mov(Reg.R1, 0), new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R0, Reg.R1, 0), new Exit());
        assertEquals(FaultKind.OUT_OF_BOUNDS, f.kind());
        assertEquals(1, f.pc());
    }

    @Test
    void ninthFrameIsACallDepthFault() throws Exception {
        // pc 0: call pc 0 (itself) forever: frames 1..7 succeed, the eighth call faults.
        Fault f = fault(new Call(CallKind.LOCAL, -1), new Exit());
        assertEquals(new Fault(0, FaultKind.CALL_DEPTH, f.message()), f);
    }

    @Test
    void infiniteLoopExhaustsTheBudget() throws Exception {
        Fault f = fault(ExecOptions.defaults().withBudget(1000), new byte[0], Instruction.Goto.of(-1), new Exit());
        assertEquals(new Fault(0, FaultKind.BUDGET_EXHAUSTED, f.message()), f);
        var counted = Interpreter.executeCounted(Program.of(Instruction.Goto.of(-1), new Exit()), new byte[0],
                ExecOptions.defaults().withBudget(1000));
        assertEquals(1000, counted.instructions());
    }

    @Test
    void budgetCountsEveryInstructionExactly() throws Exception {
        Program p = Program.of(mov(Reg.R0, 1), mov(Reg.R0, 2), new Exit());
        assertEquals(3, Interpreter.executeCounted(p, new byte[0], ExecOptions.defaults()).instructions());
        assertInstanceOf(ExecResult.Returned.class, new Interpreter().execute(p, new byte[0], ExecOptions.defaults().withBudget(3)));
        Fault f = assertInstanceOf(ExecResult.Faulted.class,
                new Interpreter().execute(p, new byte[0], ExecOptions.defaults().withBudget(2))).fault();
        assertEquals(2, f.pc());
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind());
    }

    @Test
    void runningPastTheEndFaults() throws Exception {
        Fault f = fault(mov(Reg.R0, 1));
        assertEquals(new Fault(1, FaultKind.FELL_OFF_END, f.message()), f);
    }

    @Test
    void unknownHelperAndBadCallxFault() throws Exception {
        assertEquals(FaultKind.UNKNOWN_HELPER, fault(new Call(CallKind.HELPER, 6), new Exit()).kind());
        Fault f = fault(mov(Reg.R2, 7), new Instruction.CallX(Reg.R2), new Exit());
        assertEquals(new Fault(1, FaultKind.BAD_CALLX, f.message()), f);
        assertEquals(FaultKind.UNKNOWN_KFUNC, fault(new Call(CallKind.KFUNC, 1), new Exit()).kind());
    }

    @Test
    void writingTheFramePointerFaults() throws Exception {
        assertEquals(FaultKind.FRAME_POINTER_WRITE, fault(mov(Reg.R10, 1), new Exit()).kind());
    }

    @Test
    void unresolvedMapReferenceFaults() throws Exception {
        Fault f = fault(new Instruction.LoadImm64(Reg.R1, Pseudo.MAP_FD, 3, 0), new Exit());
        assertEquals(new Fault(0, FaultKind.UNRESOLVED_REFERENCE, f.message()), f);
    }

    @Test
    void packetLoadsNeedAPacketContext() throws Exception {
        Instruction ld = new Instruction.PacketLoad(Instruction.PacketMode.ABS, Size.H, Reg.R0, 1);
        assertEquals(FaultKind.NO_PACKET_CONTEXT, fault(ld, new Exit()).kind());
        ExecResult r = new Interpreter().execute(Program.of(ld, new Exit()), new byte[] {0, 0x12, 0x34},
                ExecOptions.defaults().withInputKind(InputKind.PACKET));
        assertEquals(0x1234L, assertInstanceOf(ExecResult.Returned.class, r).r0());
    }

    @Test
    void misalignedAtomicFaults() throws Exception {
        Fault f = fault(new Instruction.Atomic(Size.DW, dev.warden.isa.AtomicOp.ADD, Instruction.Fetch.NO_FETCH,
                Reg.R10, Reg.R1, -12), new Exit());
        assertEquals(new Fault(0, FaultKind.MISALIGNED, f.message()), f);
    }

    @Test
    void aLoadedProgramRunsRepeatedlyWithAFreshStack() throws Exception {
        // Reads the stack slot it then increments: with a zeroed stack every run returns 0.
        List<Instruction> insns = new ArrayList<>(List.of(
                new Instruction.Load(Size.DW, Instruction.Extension.ZERO, Reg.R0, Reg.R10, -8),
                new Instruction.StoreImm(Size.DW, Reg.R10, -8, 9),
                new Exit()));
        try (var loaded = new Interpreter().load(Program.of(insns), ExecOptions.defaults())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(new ExecResult.Returned(0), loaded.run(new byte[0]));
            }
        }
    }
}
