package dev.warden.domains;

/**
 * The ALU operations of eBPF (RFC 9669, section 4.2 "Arithmetic instructions" and 4.2.1 "Byte swap
 * instructions"), as the abstract domains see them. Kept here, not taken from the {@code isa}
 * module, so that the domains depend on nothing; the verifier maps opcodes onto these.
 *
 * <p>Each operation runs at a {@link Width}: 64-bit ({@code ALU64}) or 32-bit ({@code ALU}, result
 * zero-extended to 64 bits). The byte-order operations ({@code LE*}, {@code BE*}, {@code BSWAP*})
 * always produce a full 64-bit register; the width is ignored for them. {@code LE}/{@code BE}
 * convert from the host order, which Warden fixes to little-endian: {@code LE} truncates,
 * {@code BE} swaps.
 */
public enum AluOp {
    ADD(Operands.BINARY), SUB(Operands.BINARY), MUL(Operands.BINARY),
    /** Unsigned division; division by zero gives 0. */
    DIV(Operands.BINARY),
    /** Signed division (v4), truncating toward zero; by zero gives 0; MIN / -1 = MIN. */
    SDIV(Operands.BINARY),
    /** Unsigned modulo; modulo by zero leaves the dividend. */
    MOD(Operands.BINARY),
    /** Signed modulo (v4), sign of the dividend; by zero leaves the dividend; MIN % -1 = 0. */
    SMOD(Operands.BINARY),
    OR(Operands.BINARY), AND(Operands.BINARY), XOR(Operands.BINARY),
    /** Shifts take the amount modulo the width (masked with 63, or 31 at 32 bits). */
    LSH(Operands.BINARY), RSH(Operands.BINARY), ARSH(Operands.BINARY),
    NEG(Operands.DST),
    /** {@code dst = src}. */
    MOV(Operands.SRC),
    /** {@code dst = (s8) src} (v4), sign-extended to the operation's width. */
    MOVSX8(Operands.SRC),
    MOVSX16(Operands.SRC),
    /** 64-bit only. */
    MOVSX32(Operands.SRC),
    LE16(Operands.DST), LE32(Operands.DST), LE64(Operands.DST),
    BE16(Operands.DST), BE32(Operands.DST), BE64(Operands.DST),
    /** Unconditional byte swap (v4, ALU64 class). */
    BSWAP16(Operands.DST), BSWAP32(Operands.DST), BSWAP64(Operands.DST);

    /** Which register values an operation reads. */
    public enum Operands {
        /** {@code dst = dst op src}. */
        BINARY,
        /** {@code dst = op dst}. */
        DST,
        /** {@code dst = op src}. */
        SRC
    }

    private final Operands operands;

    AluOp(Operands operands) {
        this.operands = operands;
    }

    public Operands operands() {
        return operands;
    }

    /** Whether the width is ignored: the result is always a full 64-bit register. */
    public boolean isByteOrder() {
        return switch (this) {
            case LE16, LE32, LE64, BE16, BE32, BE64, BSWAP16, BSWAP32, BSWAP64 -> true;
            default -> false;
        };
    }

    /** Smallest bit-vector width at which this operation makes sense (e.g. 16 for BSWAP16). */
    public int minWidth() {
        return switch (this) {
            case MOVSX8 -> 16;
            case MOVSX16, LE16, BE16, BSWAP16 -> 32;
            case MOVSX32, LE32, BE32, BSWAP32 -> 64;
            case LE64, BE64, BSWAP64 -> 64;
            default -> 2;
        };
    }
}
