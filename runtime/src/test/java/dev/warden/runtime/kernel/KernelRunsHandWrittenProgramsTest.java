package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.isa.random.ExitState;
import dev.warden.isa.random.GeneratedProgram;
import dev.warden.isa.random.GeneratorOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Programs whose results are known by hand, run in the kernel: they check the bindings and the harness. */
class KernelRunsHandWrittenProgramsTest {

    @BeforeAll
    static void requireKernel() {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
    }

    @Test
    void testRunReturnsTheLow32BitsOfR0() throws Exception {
        Program p = Program.of(Instruction.LoadImm64.of(Reg.R0, 0x1234_5678_9abc_def0L), new Instruction.Exit());
        try (KernelProgram k = loaded(ProgType.SCHED_CLS, p)) {
            assertEquals(0x9abc_def0, assertInstanceOf(TestRunResult.Ran.class, k.testRun(new byte[64])).retval());
        }
    }

    @Test
    void socketFilterRunsToo() throws Exception {
        Program p = Program.of(alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(7)), new Instruction.Exit());
        try (KernelProgram k = loaded(ProgType.SOCKET_FILTER, p)) {
            assertEquals(7, assertInstanceOf(TestRunResult.Ran.class, k.testRun(new byte[64])).retval());
        }
    }

    @Test
    void aPacketShorterThanAnEthernetHeaderIsAFailedRunNotAnException() throws Exception {
        Program p = Program.of(alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(7)), new Instruction.Exit());
        try (KernelProgram k = loaded(ProgType.SCHED_CLS, p)) {
            TestRunResult.Failed f = assertInstanceOf(TestRunResult.Failed.class, k.testRun(new byte[3]));
            assertTrue(f.error().contains("EINVAL"), f.error());
        }
    }

    @Test
    void rejectionCarriesTheVerifierLogAndItsReason() throws Exception {
        Program readsUninitialised = Program.of(alu(Width.W64, AluOp.ADD, Reg.R0, Reg.R2), new Instruction.Exit());
        LoadResult.Rejected r = assertInstanceOf(LoadResult.Rejected.class,
                KernelOracle.load(ProgType.SCHED_CLS, readsUninitialised));
        assertTrue(r.error().contains("EACCES"), r.error());
        assertEquals("R2 !read_ok", r.reason());
    }

    @Test
    void theHarnessReadsBackEveryRegisterAndTheStack() {
        List<Instruction> body = new ArrayList<>();
        for (int i = 0; i < ExitState.REGISTERS; i++) {
            body.add(Instruction.LoadImm64.of(Reg.of(i), 0x0101_0101_0101_0101L * i + 0x8000_0000_0000_0000L));
        }
        body.add(new Instruction.StoreReg(Size.DW, Reg.R10, Reg.R3, -16));
        body.add(new Instruction.StoreImm(Size.DW, Reg.R10, -8, -2));
        body.add(new Instruction.StoreImm(Size.B, Reg.R10, -8, 0x55));
        ExitState s = runState(body, 2);
        for (int i = 0; i < ExitState.REGISTERS; i++) {
            assertEquals(0x0101_0101_0101_0101L * i + 0x8000_0000_0000_0000L, s.register(i), "r" + i);
        }
        assertEquals(0xffff_ffff_ffff_ff55L, s.stackSlot(0));
        assertEquals(0x8303_0303_0303_0303L, s.stackSlot(1));
    }

    /** RFC 9669 §4.1: division by zero gives 0, modulo by zero leaves the dividend, at both widths. */
    @Test
    void divisionAndModuloByZeroFollowTheRfc() {
        List<Instruction> body = zeroedRegisters();
        body.add(Instruction.LoadImm64.of(Reg.R1, 0x1_0000_0007L));
        body.add(alu(Width.W64, AluOp.MOV, Reg.R2, Reg.R1));
        body.add(alu(Width.W64, AluOp.MOV, Reg.R3, Reg.R1));
        body.add(alu(Width.W64, AluOp.DIV, Reg.R1, Reg.R0));
        body.add(alu(Width.W64, AluOp.MOD, Reg.R2, Reg.R0));
        body.add(alu(Width.W32, AluOp.MOD, Reg.R3, Reg.R0));
        ExitState s = runState(body, 1);
        assertEquals(0, s.register(1));
        assertEquals(0x1_0000_0007L, s.register(2));
        assertEquals(7, s.register(3), "32-bit modulo by zero truncates the dividend");
    }

    @Test
    void signedDivisionOfTheMinimumByMinusOne() {
        assumeTrue(KernelOracle.supportsCpuV4(), "kernel lacks CPU v4");
        List<Instruction> body = zeroedRegisters();
        body.add(Instruction.LoadImm64.of(Reg.R1, Long.MIN_VALUE));
        body.add(alu(Width.W64, AluOp.MOV, Reg.R2, Reg.R1));
        body.add(alu(Width.W64, AluOp.SDIV, Reg.R1, new Imm(-1)));
        body.add(alu(Width.W64, AluOp.SMOD, Reg.R2, new Imm(-1)));
        body.add(alu(Width.W64, AluOp.MOV, Reg.R3, new Imm(Integer.MIN_VALUE)));
        body.add(alu(Width.W32, AluOp.SDIV, Reg.R3, new Imm(-1)));
        body.add(alu(Width.W64, AluOp.MOVSX8, Reg.R4, Reg.R1));
        ExitState s = runState(body, 1);
        assertEquals(Long.MIN_VALUE, s.register(1));
        assertEquals(0, s.register(2));
        assertEquals(0x8000_0000L, s.register(3), "32-bit result, zero-extended");
        assertEquals(0, s.register(4));
    }

    @Test
    void alu32ResultsAreZeroExtended() {
        List<Instruction> body = zeroedRegisters();
        body.add(alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(-1)));
        body.add(alu(Width.W32, AluOp.ADD, Reg.R1, new Imm(0)));
        ExitState s = runState(body, 1);
        assertEquals(0xffff_ffffL, s.register(1));
    }

    @Test
    void cpuV4IsSupportedOnLinux66AndLater() {
        String release = ((Availability.Available) KernelOracle.available()).kernelRelease();
        String[] parts = release.split("[.-]");
        int major = Integer.parseInt(parts[0]);
        int minor = Integer.parseInt(parts[1]);
        assumeTrue(major > 6 || (major == 6 && minor >= 6), "kernel " + release + " predates CPU v4");
        assertTrue(KernelOracle.supportsCpuV4(), "kernel " + release + " refused the v4 probe");
    }

    private static List<Instruction> zeroedRegisters() {
        List<Instruction> body = new ArrayList<>();
        for (int i = 0; i < ExitState.REGISTERS; i++) {
            body.add(alu(Width.W64, AluOp.MOV, Reg.of(i), new Imm(0)));
        }
        body.add(new Instruction.StoreImm(Size.DW, Reg.R10, -8, 0));
        return body;
    }

    private static ExitState runState(List<Instruction> body, int stackSlots) {
        List<Instruction> insns = new ArrayList<>(body);
        insns.add(new Instruction.Exit());
        Program p;
        try {
            p = Program.of(insns);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        GeneratorOptions o = GeneratorOptions.defaults();
        GeneratedProgram g = new GeneratedProgram(0, new GeneratorOptions(o.features(), 1, stackSlots, 1, 0), p);
        KernelExecutor.Outcome out = KernelExecutor.run(g);
        return assertInstanceOf(KernelExecutor.Outcome.Ran.class, out, out::toString).state();
    }

    private static Instruction alu(Width w, AluOp op, Reg dst, Operand src) {
        return new Instruction.Alu(w, op, dst, src);
    }

    private static KernelProgram loaded(ProgType type, Program p) {
        LoadResult r = KernelOracle.load(type, p);
        return assertInstanceOf(LoadResult.Loaded.class, r, r::toString).program();
    }
}
