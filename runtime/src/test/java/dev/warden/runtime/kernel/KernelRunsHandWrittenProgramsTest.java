package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KernelRunsHandWrittenProgramsTest {

    @BeforeAll
    static void requireKernel() {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
    }

    @Test
    void returnsTheLow32BitsOfR0() throws Exception {
        Program p = Program.of(
                Instruction.LoadImm64.of(Reg.R0, 0x1234_5678_9abc_def0L),
                new Instruction.Exit());
        assertEquals(0x9abc_def0, run(p));
    }

    @Test
    void rejectionCarriesTheVerifierLog() throws Exception {
        Program readsUninitialised = Program.of(
                new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R0, Reg.R2),
                new Instruction.Exit());
        LoadResult.Rejected r = assertInstanceOf(LoadResult.Rejected.class,
                KernelOracle.load(ProgType.SCHED_CLS, readsUninitialised));
        System.out.println(r);
    }

    private static int run(Program p) {
        LoadResult.Loaded l = assertInstanceOf(LoadResult.Loaded.class, KernelOracle.load(ProgType.SCHED_CLS, p));
        try (KernelProgram k = l.program()) {
            return assertInstanceOf(TestRunResult.Ran.class, k.testRun(new byte[64])).retval();
        }
    }
}
