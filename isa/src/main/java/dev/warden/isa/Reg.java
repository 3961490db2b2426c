package dev.warden.isa;

/**
 * The eleven eBPF registers (RFC 9669 §2.4): r0 return value, r1-r5 arguments,
 * r6-r9 callee-saved, r10 the read-only frame pointer.
 */
public enum Reg implements Operand {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    private static final Reg[] BY_NUMBER = values();

    /** The register's number as encoded in an instruction's dst or src field. */
    public int number() {
        return ordinal();
    }

    public static Reg of(int number) {
        if (number < 0 || number >= BY_NUMBER.length) {
            throw new IllegalArgumentException("no register r" + number);
        }
        return BY_NUMBER[number];
    }

    @Override
    public String toString() {
        return "r" + ordinal();
    }
}
