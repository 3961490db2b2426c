package dev.warden.isa;

/** Opcode field constants of RFC 9669 §3 (classes, source bit, load/store modes). */
public final class Opcodes {
    private Opcodes() {}

    public static final int CLASS_MASK = 0x07;
    public static final int LD = 0x00;
    public static final int LDX = 0x01;
    public static final int ST = 0x02;
    public static final int STX = 0x03;
    public static final int ALU = 0x04;
    public static final int JMP = 0x05;
    public static final int JMP32 = 0x06;
    public static final int ALU64 = 0x07;

    /** Source bit of ALU and jump opcodes: immediate (K) or register (X). */
    public static final int SRC_X = 0x08;
    public static final int OP_MASK = 0xf0;

    public static final int MODE_MASK = 0xe0;
    public static final int SIZE_MASK = 0x18;
    public static final int MODE_IMM = 0x00;
    public static final int MODE_ABS = 0x20;
    public static final int MODE_IND = 0x40;
    public static final int MODE_MEM = 0x60;
    public static final int MODE_MEMSX = 0x80;
    public static final int MODE_ATOMIC = 0xc0;

    public static final int JA = 0x00;
    public static final int CALL = 0x80;
    public static final int EXIT = 0x90;
    public static final int END = 0xd0;

    /** Opcode of the first slot of the 64-bit immediate load. */
    public static final int LDDW = LD | MODE_IMM | 0x18;
}
