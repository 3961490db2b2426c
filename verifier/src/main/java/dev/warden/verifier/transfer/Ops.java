package dev.warden.verifier.transfer;

import dev.warden.domains.ByteOrderOp;
import dev.warden.domains.Cond;
import dev.warden.domains.Operation;
import dev.warden.isa.AluOp;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;

/**
 * The one place where the instruction set's operations meet the abstract domains' vocabulary.
 * The domains now share {@code isa.AluOp}/{@code isa.Width}; conditions and byte-order operations
 * still have their own enums there.
 */
public final class Ops {
    private Ops() {}

    /** Which operands an ALU operation reads. */
    public static Operation.Operands operands(AluOp op) {
        return Operation.operandsOf(op);
    }

    /** The domain operation of a byte-order instruction. */
    public static ByteOrderOp endian(Instruction.Endian e) {
        return ByteOrderOp.of(e);
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
