package dev.warden.isa;

/**
 * One raw 8-byte instruction slot (RFC 9669 §3): opcode, 4-bit registers, signed 16-bit offset,
 * signed 32-bit immediate. Bytes are little-endian; dst is the low nibble of byte 1.
 */
public record Slot(int opcode, int dst, int src, int offset, int imm) {
    public static final int BYTES = 8;

    public Slot {
        if ((opcode & ~0xff) != 0 || (dst & ~0xf) != 0 || (src & ~0xf) != 0 || offset != (short) offset) {
            throw new IllegalArgumentException("slot field out of range");
        }
    }

    /** Reads the slot at byte {@code at} of {@code code}; the caller checks the length. */
    public static Slot read(byte[] code, int at) {
        int opcode = code[at] & 0xff;
        int regs = code[at + 1] & 0xff;
        int offset = (short) ((code[at + 2] & 0xff) | (code[at + 3] & 0xff) << 8);
        int imm = (code[at + 4] & 0xff) | (code[at + 5] & 0xff) << 8 | (code[at + 6] & 0xff) << 16 | (code[at + 7] & 0xff) << 24;
        return new Slot(opcode, regs & 0xf, regs >>> 4, offset, imm);
    }

    public void write(byte[] out, int at) {
        out[at] = (byte) opcode;
        out[at + 1] = (byte) (dst | src << 4);
        out[at + 2] = (byte) offset;
        out[at + 3] = (byte) (offset >> 8);
        out[at + 4] = (byte) imm;
        out[at + 5] = (byte) (imm >> 8);
        out[at + 6] = (byte) (imm >> 16);
        out[at + 7] = (byte) (imm >> 24);
    }
}
