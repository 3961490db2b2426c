package dev.warden.jit;

import static dev.warden.jit.Jit.assertR0;
import static dev.warden.jit.Jit.exit;
import static dev.warden.jit.Jit.mov64;
import static dev.warden.isa.Reg.R0;
import static dev.warden.isa.Reg.R1;
import static dev.warden.isa.Reg.R2;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Instruction.Alu;
import dev.warden.isa.Instruction.Endian;
import dev.warden.isa.Instruction.Jump;
import dev.warden.isa.Instruction.LoadImm64;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Width;
import org.junit.jupiter.api.Test;

/** RFC 9669's arithmetic corner cases and every kind of jump, compiled and run. */
class JitComputesAluJumpsAndExitTest {

    private static Alu alu(Width w, AluOp op, dev.warden.isa.Reg d, int imm) {
        return new Alu(w, op, d, new Imm(imm));
    }

    private static Alu aluX(Width w, AluOp op, dev.warden.isa.Reg d, dev.warden.isa.Reg s) {
        return new Alu(w, op, d, s);
    }

    @Test
    void thirtyTwoBitResultsAreZeroExtended() {
        assertR0(0xffff_fffeL, mov64(R0, -1), alu(Width.W32, AluOp.ADD, R0, -1), exit());
        assertR0(1L, mov64(R0, -1), alu(Width.W32, AluOp.NEG, R0, 0), exit());
    }

    @Test
    void divisionByZeroGivesZeroAndModuloByZeroKeepsTheDividend() {
        assertR0(0, mov64(R0, 7), mov64(R1, 0), aluX(Width.W64, AluOp.DIV, R0, R1), exit());
        assertR0(0, mov64(R0, 7), alu(Width.W64, AluOp.DIV, R0, 0), exit());
        assertR0(7, mov64(R0, 7), mov64(R1, 0), aluX(Width.W64, AluOp.MOD, R0, R1), exit());
        assertR0(7, mov64(R0, 7), alu(Width.W64, AluOp.MOD, R0, 0), exit());
        // 32-bit modulo by zero keeps the dividend truncated to 32 bits.
        assertR0(0xffff_ffffL, mov64(R0, -1), mov64(R1, 0), aluX(Width.W32, AluOp.MOD, R0, R1), exit());
        assertR0(0xffff_ffffL, mov64(R0, -1), alu(Width.W32, AluOp.MOD, R0, 0), exit());
        assertR0(0, mov64(R0, -1), alu(Width.W32, AluOp.SDIV, R0, 0), exit());
    }

    @Test
    void unsignedDivisionTreatsOperandsAsUnsigned() {
        // 0xffff...ff / 3 unsigned, by immediate (the constant fast path) and by register.
        assertR0(Long.divideUnsigned(-1L, 3), mov64(R0, -1), alu(Width.W64, AluOp.DIV, R0, 3), exit());
        assertR0(Long.divideUnsigned(-1L, 3), mov64(R0, -1), mov64(R1, 3), aluX(Width.W64, AluOp.DIV, R0, R1), exit());
        assertR0(Long.remainderUnsigned(-1L, 65535), mov64(R0, -1), alu(Width.W64, AluOp.MOD, R0, 65535), exit());
        assertR0(Long.remainderUnsigned(-7L, -3L), mov64(R0, -7), alu(Width.W64, AluOp.MOD, R0, -3), exit());
        assertR0(Integer.divideUnsigned(-1, 7) & 0xffff_ffffL, mov64(R0, -1), alu(Width.W32, AluOp.DIV, R0, 7), exit());
        assertR0(Integer.divideUnsigned(-1, -2) & 0xffff_ffffL, mov64(R0, -1), alu(Width.W32, AluOp.DIV, R0, -2), exit());
    }

    @Test
    void signedDivisionOfTheMinimumByMinusOne() {
        LoadImm64 min = LoadImm64.of(R0, Long.MIN_VALUE);
        assertR0(Long.MIN_VALUE, min, alu(Width.W64, AluOp.SDIV, R0, -1), exit());
        assertR0(0, min, alu(Width.W64, AluOp.SMOD, R0, -1), exit());
        assertR0(Long.MIN_VALUE, min, mov64(R1, -1), aluX(Width.W64, AluOp.SDIV, R0, R1), exit());
        assertR0(0x8000_0000L, mov64(R0, Integer.MIN_VALUE), alu(Width.W32, AluOp.SDIV, R0, -1), exit());
        assertR0((-7 % 3) & 0xffff_ffffL, mov64(R0, -7), alu(Width.W32, AluOp.SMOD, R0, 3), exit());
    }

    @Test
    void shiftAmountsAreMasked() {
        assertR0(2, mov64(R0, 1), mov64(R1, 65), aluX(Width.W64, AluOp.LSH, R0, R1), exit());
        assertR0(2, mov64(R0, 1), mov64(R1, 33), aluX(Width.W32, AluOp.LSH, R0, R1), exit());
        assertR0(0xffff_ffffL, mov64(R0, -1), alu(Width.W32, AluOp.ARSH, R0, 4), exit());
        assertR0(-1L >>> 4, mov64(R0, -1), alu(Width.W64, AluOp.RSH, R0, 4), exit());
        assertR0(-1L, mov64(R0, -1), alu(Width.W64, AluOp.ARSH, R0, 4), exit());
    }

    @Test
    void signExtendingMovesAndByteSwaps() {
        assertR0(-128L, mov64(R1, 0x80), aluX(Width.W64, AluOp.MOVSX8, R0, R1), exit());
        assertR0(0xffff_8000L, mov64(R1, 0x8000), aluX(Width.W32, AluOp.MOVSX16, R0, R1), exit());
        assertR0(Integer.MIN_VALUE, mov64(R1, Integer.MIN_VALUE), aluX(Width.W64, AluOp.MOVSX32, R0, R1), exit());
        Instruction v = LoadImm64.of(R0, 0x0102_0304_0506_0708L);
        assertR0(0x0807, v, new Endian(Instruction.ByteOrder.TO_BE, 16, R0), exit());
        assertR0(0x0807_0605L, v, new Endian(Instruction.ByteOrder.TO_BE, 32, R0), exit());
        assertR0(0x0807_0605_0403_0201L, v, new Endian(Instruction.ByteOrder.SWAP, 64, R0), exit());
        assertR0(0x0708, v, new Endian(Instruction.ByteOrder.TO_LE, 16, R0), exit());
        assertR0(0x0506_0708L, v, new Endian(Instruction.ByteOrder.TO_LE, 32, R0), exit());
        assertR0(0x0102_0304_0506_0708L, v, new Endian(Instruction.ByteOrder.TO_LE, 64, R0), exit());
    }

    @Test
    void conditionalJumpsCompareSignedAndUnsignedAtBothWidths() {
        // r1 = -1, r2 = 1: unsigned r1 > r2, signed r1 < r2.
        for (JmpCond cond : JmpCond.values()) {
            for (Width w : Width.values()) {
                boolean expected = switch (cond) {
                    case JEQ -> false;
                    case JNE, JGT, JGE, JSLT, JSLE, JSET -> true;
                    case JLT, JLE, JSGT, JSGE -> false;
                };
                assertR0(expected ? 1 : 0, mov64(R1, -1), mov64(R2, 1), mov64(R0, 1),
                        new Jump(w, cond, R1, R2, 1), mov64(R0, 0), exit());
                // The same with an immediate operand.
                assertR0(expected ? 1 : 0, mov64(R1, -1), mov64(R0, 1),
                        new Jump(w, cond, R1, new Imm(1), 1), mov64(R0, 0), exit());
            }
        }
        // JMP32 compares only the low halves: 0x1_0000_0000 == 0 at 32 bits.
        assertR0(1, LoadImm64.of(R1, 1L << 32), mov64(R0, 1),
                new Jump(Width.W32, JmpCond.JEQ, R1, new Imm(0), 1), mov64(R0, 0), exit());
    }

    @Test
    void loopsRunTheirBackEdges() {
        // r0 = sum 1..100 by a back edge.
        assertR0(5050, mov64(R0, 0), mov64(R1, 1),
                aluX(Width.W64, AluOp.ADD, R0, R1),
                alu(Width.W64, AluOp.ADD, R1, 1),
                new Jump(Width.W64, JmpCond.JLE, R1, new Imm(100), -3),
                exit());
    }
}
