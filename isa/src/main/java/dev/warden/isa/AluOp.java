package dev.warden.isa;

/**
 * Arithmetic operations of the ALU and ALU64 classes (RFC 9669 §4.1). Operations that share an
 * opcode are told apart by the offset field: SDIV/SMOD have offset 1, MOVSX has offset 8, 16 or
 * 32 (the source width). Byte swaps are a separate instruction, {@link Instruction.Endian}.
 */
public enum AluOp {
    ADD(0x00, 0),
    SUB(0x10, 0),
    MUL(0x20, 0),
    DIV(0x30, 0),
    SDIV(0x30, 1),
    OR(0x40, 0),
    AND(0x50, 0),
    LSH(0x60, 0),
    RSH(0x70, 0),
    /** dst = -dst; encoded with source K and an immediate of zero. */
    NEG(0x80, 0),
    MOD(0x90, 0),
    SMOD(0x90, 1),
    XOR(0xa0, 0),
    MOV(0xb0, 0),
    /** Sign-extending move from the low 8 bits of src (v4). */
    MOVSX8(0xb0, 8),
    /** Sign-extending move from the low 16 bits of src (v4). */
    MOVSX16(0xb0, 16),
    /** Sign-extending move from the low 32 bits of src (v4, ALU64 only). */
    MOVSX32(0xb0, 32),
    ARSH(0xc0, 0);

    private final int code;
    private final int offset;

    AluOp(int code, int offset) {
        this.code = code;
        this.offset = offset;
    }

    /** The operation field as it sits in the opcode byte (bits 4-7). */
    public int code() {
        return code;
    }

    /** The value the offset field must hold for this operation. */
    public int offset() {
        return offset;
    }

    public boolean isSignExtendingMove() {
        return this == MOVSX8 || this == MOVSX16 || this == MOVSX32;
    }

    /** Whether the operation is defined at this width: MOVSX32 only exists for ALU64. */
    public boolean validAt(Width width) {
        return !(this == MOVSX32 && width == Width.W32);
    }

    static AluOp decode(int code, int offset) {
        for (AluOp op : values()) {
            if (op.code == code && op.offset == offset) {
                return op;
            }
        }
        return null;
    }

    static boolean knownCode(int code) {
        for (AluOp op : values()) {
            if (op.code == code) {
                return true;
            }
        }
        return false;
    }
}
