package dev.warden.isa.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpliceKeepsJumpsOnTheirInstructionsTest {
    private static Instruction mov(int r, int v) {
        return new Instruction.Alu(Width.W64, AluOp.MOV, Reg.of(r), new Imm(v));
    }

    @Test
    void targetsBeforeAtAndAfterTheReplacedInstruction() throws Exception {
        Program p = Program.of(
                mov(0, 0),                                                                    // 0
                new Instruction.Jump(Width.W64, JmpCond.JEQ, Reg.R0, new Imm(1), 2),           // 1 -> 4 (the replaced)
                new Instruction.Call(Instruction.CallKind.LOCAL, 4),                            // 2 -> 7
                new Instruction.Goto(3, Instruction.GotoForm.LONG),                            // 3 -> 7
                mov(1, 1),                                                                    // 4: replaced
                new Instruction.Jump(Width.W64, JmpCond.JNE, Reg.R0, new Imm(0), -6),          // 5 -> 0 (back edge)
                new Instruction.Exit(),                                                       // 6
                mov(0, 7),                                                                    // 7
                new Instruction.Exit());                                                      // 8
        Program q = Splice.replace(p, 4, List.of(Instruction.LoadImm64.of(Reg.R2, 5), mov(3, 3)));
        // New pcs: the 64-bit load takes two slots, so everything after the replaced one moves by 2.
        assertEquals(4, Program.targetOf(1, q.at(1)), "a jump to the replaced instruction reaches the replacement");
        assertEquals(9, Program.targetOf(2, q.at(2)));
        assertEquals(9, Program.targetOf(3, q.at(3)));
        assertEquals(0, Program.targetOf(7, q.at(7)), "a back edge from after it still reaches its target");
        assertEquals(mov(0, 7), q.at(9));
    }

    @Test
    void anEmptyReplacementIsRefused() throws Exception {
        Program p = Program.of(mov(0, 0), new Instruction.Exit());
        assertThrows(IllegalArgumentException.class, () -> Splice.replace(p, 0, List.of()));
    }
}
