package dev.warden.runtime.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Access;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After {@code close()}, a loaded program refuses to run (its stack is freed, and compiled code
 * would write through it unchecked), in both engines and through both run methods.
 */
class ClosedProgramsRefuseToRunTest {

    @Test
    void bothEnginesRefuseToRunAClosedProgram() throws Exception {
        // Fills its stack frame: the write a run after close would make into freed memory.
        Program p = Program.of(
                new Instruction.StoreImm(Size.DW, Reg.R10, -8, 7),
                new Instruction.StoreImm(Size.DW, Reg.R10, -512, 7),
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(1)),
                new Instruction.Exit());
        for (Engine engine : List.<Engine>of(new Interpreter(), new JitEngine())) {
            LoadedProgram lp = engine.load(p, ExecOptions.defaults());
            assertEquals(1, assertInstanceOf(ExecResult.Returned.class, lp.run(new byte[4])).r0(), engine.name());
            lp.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> lp.run(new byte[4]), engine.name());
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment input = arena.allocate(16);
                assertThrows(IllegalStateException.class, () -> lp.run(input, Access.READ_WRITE), engine.name());
            }
            lp.close(); // closing again does nothing
        }
    }
}
