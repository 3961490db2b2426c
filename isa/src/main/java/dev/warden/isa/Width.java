package dev.warden.isa;

/**
 * Operand width of an ALU operation or a conditional jump: the ALU/JMP32 classes work on the
 * low 32 bits (ALU results are zero-extended to 64), ALU64/JMP on all 64 (RFC 9669 §3).
 */
public enum Width {
    W32(32),
    W64(64);

    private final int bits;

    Width(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }
}
