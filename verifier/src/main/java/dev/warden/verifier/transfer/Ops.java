package dev.warden.verifier.transfer;

import dev.warden.domains.AluOp;
import dev.warden.domains.Cond;
import dev.warden.domains.Width;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;

/**
 * The one place where the instruction set's operations are mapped onto the abstract domains'
 * (the domains keep their own enums so that they depend on nothing); if the two are unified,
 * only this class changes.
 */
public final class Ops {
    private Ops() {}

    public static Width width(dev.warden.isa.Width w) {
        return w == dev.warden.isa.Width.W64 ? Width.W64 : Width.W32;
    }

    public static AluOp alu(dev.warden.isa.AluOp op) {
        return switch (op) {
            case ADD -> AluOp.ADD;
            case SUB -> AluOp.SUB;
            case MUL -> AluOp.MUL;
            case DIV -> AluOp.DIV;
            case SDIV -> AluOp.SDIV;
            case OR -> AluOp.OR;
            case AND -> AluOp.AND;
            case LSH -> AluOp.LSH;
            case RSH -> AluOp.RSH;
            case NEG -> AluOp.NEG;
            case MOD -> AluOp.MOD;
            case SMOD -> AluOp.SMOD;
            case XOR -> AluOp.XOR;
            case MOV -> AluOp.MOV;
            case MOVSX8 -> AluOp.MOVSX8;
            case MOVSX16 -> AluOp.MOVSX16;
            case MOVSX32 -> AluOp.MOVSX32;
            case ARSH -> AluOp.ARSH;
        };
    }

    /** The domain operation of a byte-order instruction. */
    public static AluOp endian(Instruction.Endian e) {
        return switch (e.order()) {
            case TO_LE -> e.bits() == 16 ? AluOp.LE16 : e.bits() == 32 ? AluOp.LE32 : AluOp.LE64;
            case TO_BE -> e.bits() == 16 ? AluOp.BE16 : e.bits() == 32 ? AluOp.BE32 : AluOp.BE64;
            case SWAP -> e.bits() == 16 ? AluOp.BSWAP16 : e.bits() == 32 ? AluOp.BSWAP32 : AluOp.BSWAP64;
        };
    }

    public static Cond cond(JmpCond c) {
        return switch (c) {
            case JEQ -> Cond.EQ;
            case JNE -> Cond.NE;
            case JGT -> Cond.GT;
            case JGE -> Cond.GE;
            case JLT -> Cond.LT;
            case JLE -> Cond.LE;
            case JSET -> Cond.SET;
            case JSGT -> Cond.SGT;
            case JSGE -> Cond.SGE;
            case JSLT -> Cond.SLT;
            case JSLE -> Cond.SLE;
        };
    }
}
