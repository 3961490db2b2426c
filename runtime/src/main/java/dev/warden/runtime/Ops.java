package dev.warden.runtime;

import dev.warden.isa.AluOp;
import dev.warden.isa.JmpCond;

/**
 * The interpreter's internal opcodes: dense small integers so that the dispatch {@code switch}
 * compiles to a jump table. One eBPF instruction maps to one of them, with the operand form
 * (register or immediate) and the width folded in, so the hot loop never tests them again.
 */
final class Ops {
    private Ops() {}

    // ALU operations, in one block per (width, source form): block + aluIndex(op).
    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, SDIV = 4, OR = 5, AND = 6, LSH = 7, RSH = 8,
            NEG = 9, MOD = 10, SMOD = 11, XOR = 12, MOV = 13, MOVSX8 = 14, MOVSX16 = 15, MOVSX32 = 16, ARSH = 17;
    static final int ALU_OPS = 18;
    static final int A64K = 0, A64X = A64K + ALU_OPS, A32K = A64X + ALU_OPS, A32X = A32K + ALU_OPS;

    // Conditional jumps, one block per (width, source form): block + condIndex(cond).
    static final int JEQ = 0, JGT = 1, JGE = 2, JSET = 3, JNE = 4, JSGT = 5, JSGE = 6, JLT = 7, JLE = 8,
            JSLT = 9, JSLE = 10;
    static final int CONDS = 11;
    static final int J64K = A32X + ALU_OPS, J64X = J64K + CONDS, J32K = J64X + CONDS, J32X = J32K + CONDS;

    static final int GOTO = J32X + CONDS;
    static final int CALL_HELPER = GOTO + 1;
    static final int CALL_LOCAL = CALL_HELPER + 1;
    static final int CALLX = CALL_LOCAL + 1;
    static final int EXIT = CALLX + 1;
    static final int LDDW = EXIT + 1;
    static final int LDXB = LDDW + 1, LDXH = LDXB + 1, LDXW = LDXH + 1, LDXDW = LDXW + 1;
    static final int LDXSB = LDXDW + 1, LDXSH = LDXSB + 1, LDXSW = LDXSH + 1;
    static final int STB = LDXSW + 1, STH = STB + 1, STW = STH + 1, STDW = STW + 1;
    static final int STXB = STDW + 1, STXH = STXB + 1, STXW = STXH + 1, STXDW = STXW + 1;
    // Atomics: the FETCH variants write the old value to src (CMPXCHG to r0, XCHG to src).
    static final int AADD32 = STXDW + 1, AOR32 = AADD32 + 1, AAND32 = AOR32 + 1, AXOR32 = AAND32 + 1;
    static final int AFADD32 = AXOR32 + 1, AFOR32 = AFADD32 + 1, AFAND32 = AFOR32 + 1, AFXOR32 = AFAND32 + 1;
    static final int AXCHG32 = AFXOR32 + 1, ACMPXCHG32 = AXCHG32 + 1;
    static final int AADD64 = ACMPXCHG32 + 1, AOR64 = AADD64 + 1, AAND64 = AOR64 + 1, AXOR64 = AAND64 + 1;
    static final int AFADD64 = AXOR64 + 1, AFOR64 = AFADD64 + 1, AFAND64 = AFOR64 + 1, AFXOR64 = AFAND64 + 1;
    static final int AXCHG64 = AFXOR64 + 1, ACMPXCHG64 = AXCHG64 + 1;
    // Byte-order conversions: to little endian is a truncation on this (little-endian) machine.
    static final int LE16 = ACMPXCHG64 + 1, LE32 = LE16 + 1, LE64 = LE32 + 1;
    static final int SWAP16 = LE64 + 1, SWAP32 = SWAP16 + 1, SWAP64 = SWAP32 + 1;
    // Legacy packet loads.
    static final int LDABSB = SWAP64 + 1, LDABSH = LDABSB + 1, LDABSW = LDABSH + 1;
    static final int LDINDB = LDABSW + 1, LDINDH = LDINDB + 1, LDINDW = LDINDH + 1;
    /**
     * Loads and stores confined to the heap (KFlex's guard, {@code vm.HeapSandbox}): the same 15
     * operations as LDXB..STXDW, in the same order, on the confined address.
     */
    static final int HEAP_FIRST = LDINDW + 1;
    static final int HLDXB = HEAP_FIRST, HLDXH = HLDXB + 1, HLDXW = HLDXH + 1, HLDXDW = HLDXW + 1;
    static final int HLDXSB = HLDXDW + 1, HLDXSH = HLDXSB + 1, HLDXSW = HLDXSH + 1;
    static final int HSTB = HLDXSW + 1, HSTH = HSTB + 1, HSTW = HSTH + 1, HSTDW = HSTW + 1;
    static final int HSTXB = HSTDW + 1, HSTXH = HSTXB + 1, HSTXW = HSTXH + 1, HSTXDW = HSTXW + 1;
    /** An instruction that can only fault (its fault was decided when pre-decoding). */
    static final int FAULT = HSTXDW + 1;
    /** The slot after the last instruction: reaching it means the program fell off its end. */
    static final int FELL_OFF = FAULT + 1;
    /**
     * A call of a {@code vm.BudgetedHelper} (the tail call), which may end the calling function
     * by throwing {@code FunctionReturn}: apart from CALL_HELPER, so that only this case carries
     * the handler (with it around every helper call and callx, sum_loop, which calls none, ran
     * about 1.2 times as long).
     */
    static final int CALL_BUDGETED = FELL_OFF + 1;
    static final int COUNT = CALL_BUDGETED + 1;
    /**
     * A conditional jump whose edge is recorded ({@link BranchEdges}): only in programs loaded for
     * coverage, which keep the jump's own opcode aside. Outside the dense range on purpose: the
     * loop reaches it through its {@code default} branch, so the dispatch table and the cases of
     * every other program are exactly what they were without coverage.
     */
    static final int COVERED_JUMP = 0xff;

    static int aluIndex(AluOp op) {
        return switch (op) {
            case ADD -> ADD;
            case SUB -> SUB;
            case MUL -> MUL;
            case DIV -> DIV;
            case SDIV -> SDIV;
            case OR -> OR;
            case AND -> AND;
            case LSH -> LSH;
            case RSH -> RSH;
            case NEG -> NEG;
            case MOD -> MOD;
            case SMOD -> SMOD;
            case XOR -> XOR;
            case MOV -> MOV;
            case MOVSX8 -> MOVSX8;
            case MOVSX16 -> MOVSX16;
            case MOVSX32 -> MOVSX32;
            case ARSH -> ARSH;
        };
    }

    /**
     * Whether the conditional jump {@code op} (one of the J64K..J32X blocks) is taken on
     * {@code x} (dst) and {@code y} (src or immediate): the plain cases' conditions, written once
     * more for the coverage-recording jump only. 32-bit forms compare the low halves.
     */
    static boolean jumpTaken(int op, long x, long y) {
        boolean wide = op < J32K;
        int cond = (op - J64K) % CONDS;
        if (!wide) {
            x = (int) x;
            y = (int) y;
        }
        int unsigned = wide ? Long.compareUnsigned(x, y) : Integer.compareUnsigned((int) x, (int) y);
        return switch (cond) {
            case JEQ -> x == y;
            case JGT -> unsigned > 0;
            case JGE -> unsigned >= 0;
            case JSET -> (x & y) != 0;
            case JNE -> x != y;
            case JSGT -> x > y;
            case JSGE -> x >= y;
            case JLT -> unsigned < 0;
            case JLE -> unsigned <= 0;
            case JSLT -> x < y;
            case JSLE -> x <= y;
            default -> throw new IllegalStateException("internal opcode " + op + " is no conditional jump");
        };
    }

    static int condIndex(JmpCond c) {
        return switch (c) {
            case JEQ -> JEQ;
            case JGT -> JGT;
            case JGE -> JGE;
            case JSET -> JSET;
            case JNE -> JNE;
            case JSGT -> JSGT;
            case JSGE -> JSGE;
            case JLT -> JLT;
            case JLE -> JLE;
            case JSLT -> JSLT;
            case JSLE -> JSLE;
        };
    }
}
