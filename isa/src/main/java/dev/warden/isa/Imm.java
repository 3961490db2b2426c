package dev.warden.isa;

/**
 * A 32-bit immediate operand. ALU64 and 64-bit jumps sign-extend it to 64 bits (RFC 9669 §3.3);
 * {@link #signExtended()} gives that value.
 */
public record Imm(int value) implements Operand {
    public long signExtended() {
        return value;
    }
}
