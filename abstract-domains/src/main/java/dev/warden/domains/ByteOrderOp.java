package dev.warden.domains;

import dev.warden.isa.Instruction;

/**
 * The byte-order operations of eBPF (RFC 9669, section 4.2.1 "Byte swap instructions"), one
 * constant per {@link Instruction.Endian} order and size. The {@code isa} module models them as one
 * instruction with two fields; the domains need each combination as one operation (its own
 * transfer function and its own proof obligation), which is all this enum adds.
 *
 * <p>They read only {@code dst} and always produce a full 64-bit register. {@code LE}/{@code BE}
 * convert from the host order, which Warden fixes to little-endian: {@code LE} truncates,
 * {@code BE} swaps; {@code BSWAP} (v4, ALU64 class) always swaps.
 */
public enum ByteOrderOp implements Operation {
    LE16(Instruction.ByteOrder.TO_LE, 16), LE32(Instruction.ByteOrder.TO_LE, 32), LE64(Instruction.ByteOrder.TO_LE, 64),
    BE16(Instruction.ByteOrder.TO_BE, 16), BE32(Instruction.ByteOrder.TO_BE, 32), BE64(Instruction.ByteOrder.TO_BE, 64),
    BSWAP16(Instruction.ByteOrder.SWAP, 16), BSWAP32(Instruction.ByteOrder.SWAP, 32), BSWAP64(Instruction.ByteOrder.SWAP, 64);

    private final Instruction.ByteOrder order;
    private final int bits;

    ByteOrderOp(Instruction.ByteOrder order, int bits) {
        this.order = order;
        this.bits = bits;
    }

    /** The operation of an {@code Endian} instruction. */
    public static ByteOrderOp of(Instruction.Endian e) {
        return of(e.order(), e.bits());
    }

    /** The operation converting the low {@code bits} (16, 32 or 64) bits in {@code order}. */
    public static ByteOrderOp of(Instruction.ByteOrder order, int bits) {
        for (ByteOrderOp op : values()) {
            if (op.order == order && op.bits == bits) {
                return op;
            }
        }
        throw new IllegalArgumentException("byte-order size must be 16, 32 or 64, got " + bits);
    }

    public Instruction.ByteOrder order() {
        return order;
    }

    /** How many low bits are kept (and, unless {@code LE}, swapped). */
    public int bits() {
        return bits;
    }

    /** Whether the bytes are reversed (on Warden's little-endian host: {@code BE} and {@code BSWAP}). */
    public boolean swaps() {
        return order != Instruction.ByteOrder.TO_LE;
    }

    @Override
    public String label() {
        return name().toLowerCase();
    }

    @Override
    public Operands operands() {
        return Operands.DST;
    }

    @Override
    public int minWidth() {
        return bits;
    }
}
