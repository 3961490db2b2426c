package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.vm.Cancellation;
import org.junit.jupiter.api.Test;

/**
 * The registers a leaving stub may zero: those no path reads before writing. A scratch register
 * the loop writes before reading is dead at the loop's head; what a later instruction, an exit
 * (r0-r5, a caller reads r1-r5 back) or a local call (all of r0-r9) reads stays live.
 */
class RegisterLivenessTest {
    @Test
    void aScratchRegisterWrittenBeforeItIsReadIsDeadAtTheLoopHead() throws Exception {
        int[] live = liveIn("""
                r0 = 0
                r6 = 10
                loop:
                r8 = r6
                r8 *= 3
                r0 += r8
                r6 -= 1
                if r6 != 0 goto loop
                exit
                """);
        // At the head (pc 2): r6 and r0 are read later; r8 is written first; r1-r5 reach the exit.
        assertEquals(0b00_0111_1111, live[2] & 0x3ff, Integer.toBinaryString(live[2]));
        // Before r8 *= 3 (pc 3), r8 is live.
        assertEquals(1 << 8, live[3] & (1 << 8));
    }

    @Test
    void aLocalCallReadsEveryRegister() throws Exception {
        int[] live = liveIn("""
                r9 = 1
                call local f
                r0 = 0
                exit
                f:
                r0 = r9
                exit
                """);
        assertEquals(0b11_1111_1111, live[1] & 0x3ff, "the call: the callee sees the caller's r0-r9");
        assertEquals(0b01_1111_1111, live[0] & 0x3ff, "r9 is written at pc 0, before the call reads it");
    }

    /** Live-in by index of pc 0's function (pcs and indexes coincide for these programs). */
    private static int[] liveIn(String asm) throws Exception {
        Program p = Assembler.assemble(asm);
        ControlFlowGraph g = ControlFlowGraph.of(p);
        FunctionLayout f = FunctionLayout.functions(g, 1.0, Cancellation.POLLED).getFirst();
        return RegisterLiveness.liveIn(g, f);
    }
}
