package dev.warden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The coverage hook ({@link Interpreter.Coverage#BRANCH_EDGES}): every conditional jump, in every
 * width and operand form, decides as the plain interpreter does (the recording jump has its own
 * copy of the conditions, so they are compared on operands chosen to sit at the signed and unsigned
 * edges), and records exactly the edge it took; a program loaded without coverage records nothing.
 */
class BranchEdgesRecordWhatEachJumpDidTest {
    private static final int JUMP_PC = 5;
    private static final long[] EDGES = {0, 1, -1, 2, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 0x1_0000_0000L,
        Long.MAX_VALUE, Long.MIN_VALUE, 0xffff_ffff_0000_0000L, 0x8000_0000_8000_0000L};

    /** r1 = x; r2 = y; r0 = 0; if r1 cond (r2 or y) goto +1; exit; r0 = 1; exit. */
    private static Program program(Width width, JmpCond cond, boolean register, long x, long y) throws Exception {
        Operand src = register ? Reg.R2 : new Imm((int) y);
        return Program.of(Instruction.LoadImm64.of(Reg.R1, x), Instruction.LoadImm64.of(Reg.R2, y),
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)),
                new Instruction.Jump(width, cond, Reg.R1, src, 1), new Instruction.Exit(),
                new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(1)), new Instruction.Exit());
    }

    private static long r0(ExecResult r) {
        return ((ExecResult.Returned) r).r0();
    }

    @Test
    void everyConditionDecidesAsThePlainLoopAndRecordsItsEdge() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        int checked = 0;
        for (Width width : Width.values()) {
            for (JmpCond cond : JmpCond.values()) {
                for (boolean register : new boolean[] {true, false}) {
                    for (int i = 0; i < 40; i++) {
                        long x = i < 20 ? EDGES[rnd.nextInt(EDGES.length)] : rnd.nextLong();
                        long y = i % 3 == 0 ? x : i < 20 ? EDGES[rnd.nextInt(EDGES.length)] : rnd.nextLong();
                        if (!register) {
                            y = (int) y; // what the immediate form compares against
                        }
                        Program p = program(width, cond, register, x, y);
                        try (LoadedProgram plain = new Interpreter().load(p, ExecOptions.defaults());
                             LoadedProgram covered = new Interpreter(Interpreter.Coverage.BRANCH_EDGES).load(p, ExecOptions.defaults())) {
                            long expected = r0(plain.run(new byte[0]));
                            assertEquals(expected, r0(covered.run(new byte[0])), width + " " + cond + " " + x + ", " + y);
                            BranchEdges edges = Interpreter.branchEdges(covered).orElseThrow();
                            BitSet run = edges.takeRun();
                            BitSet one = new BitSet();
                            one.set(2 * JUMP_PC + (int) expected);
                            assertEquals(one, run, width + " " + cond + " " + x + ", " + y);
                            assertEquals(2, edges.conditionalEdges());
                            assertTrue(Interpreter.branchEdges(plain).isEmpty());
                            checked++;
                        }
                    }
                }
            }
        }
        assertEquals(2 * JmpCond.values().length * 2 * 40, checked);
    }

    @Test
    void takeRunForgetsTheRunButCoveredKeepsEveryEdge() throws Exception {
        Program taken = program(Width.W64, JmpCond.JEQ, true, 3, 3);
        Program fallsThrough = program(Width.W64, JmpCond.JEQ, true, 3, 4);
        Interpreter interpreter = new Interpreter(Interpreter.Coverage.BRANCH_EDGES);
        try (LoadedProgram a = interpreter.load(taken, ExecOptions.defaults())) {
            BranchEdges edges = Interpreter.branchEdges(a).orElseThrow();
            a.run(new byte[0]);
            a.run(new byte[0]);
            assertEquals(1, edges.takeRun().cardinality());
            assertEquals(0, edges.takeRun().cardinality());
            assertEquals(1, edges.covered());
        }
        try (LoadedProgram b = interpreter.load(fallsThrough, ExecOptions.defaults())) {
            // Each loaded program has its own record.
            BranchEdges edges = Interpreter.branchEdges(b).orElseThrow();
            b.run(new byte[0]);
            assertEquals(BitSet.valueOf(new long[] {1L << (2 * JUMP_PC)}), edges.coveredEdges());
        }
    }
}
