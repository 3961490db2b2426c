package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.isa.asm.Disassembler;
import dev.warden.vm.Engines;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import org.junit.jupiter.api.Test;

/**
 * A kernel verifier bug the differential test found (Linux 6.18): precision backtracking treats
 * {@code r3 = xchg_64(r10 - 8, r3)} as a store, so it marks the old r3 precise instead of the
 * stack slot the new r3 came from; a path with a different slot value is then pruned as "safe",
 * the instruction only that path reaches is removed as dead, and the kernel computes the wrong
 * result. The program below must return 1 (its first word is non-zero, so the slot keeps 0);
 * the kernel with the bug returns 0. The interpreter must return 1.
 */
class KernelMistracksAtomicFetchTest {

    static Program reproducer() throws Exception {
        return Program.of(
                // r2 = the first word of the input (the packet length in the kernel): unknown to the verifier.
                new Instruction.Load(Size.W, Instruction.Extension.ZERO, Reg.R2, Reg.R1, 0),
                new Instruction.StoreImm(Size.DW, Reg.R10, -8, 0),
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R3, new Imm(0)),
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)),
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R4, new Imm(0)),
                new Instruction.Jump(Width.W64, JmpCond.JNE, Reg.R2, new Imm(0), 1),
                // Only when r2 == 0, which the verifier explores first: the slot becomes 1.
                new Instruction.StoreImm(Size.DW, Reg.R10, -8, 1),
                // A prune point where both paths meet with different (imprecise) slot values.
                new Instruction.Jump(Width.W64, JmpCond.JGT, Reg.R2, new Imm(1000), 0),
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R3, new Imm(7)),
                new Instruction.Atomic(Size.DW, AtomicOp.XCHG, Instruction.Fetch.FETCH, Reg.R10, Reg.R3, -8),
                new Instruction.Jump(Width.W64, JmpCond.JEQ, Reg.R3, new Imm(1), 1),
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(1)),
                new Instruction.Exit());
    }

    @Test
    void theInterpreterComputesTheRfcResult() throws Exception {
        byte[] input = new byte[64];
        input[0] = 64; // as the kernel's skb->len for a 64-byte packet
        ExecResult r = Engines.find("interp").orElseThrow().execute(reproducer(), input, ExecOptions.defaults());
        assertEquals(1, assertInstanceOf(ExecResult.Returned.class, r).r0());
    }

    /** Records what this kernel does; it is fixed when it returns 1. */
    @Test
    void theKernelEitherComputesItOrHasTheKnownBug() throws Exception {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        LoadResult l = KernelOracle.load(ProgType.SCHED_CLS, reproducer());
        try (KernelProgram p = assertInstanceOf(LoadResult.Loaded.class, l, l::toString).program()) {
            int retval = assertInstanceOf(TestRunResult.Ran.class, p.testRun(new byte[64])).retval();
            assertTrue(retval == 0 || retval == 1, "unexpected result " + retval);
            System.out.println("kernel " + ((Availability.Available) a).kernelRelease() + ": atomic-fetch precision bug "
                    + (retval == 0 ? "PRESENT (returns 0, should return 1)" : "absent (returns 1)")
                    + "\n" + Disassembler.listing(reproducer()));
        }
    }
}
