package dev.warden.isa;

/** The conditions of conditional jumps (RFC 9669 §4.3); comparisons are unsigned unless named signed. */
public enum JmpCond {
    JEQ(0x10, "=="),
    JGT(0x20, ">"),
    JGE(0x30, ">="),
    /** Taken when {@code dst & src != 0}. */
    JSET(0x40, "&"),
    JNE(0x50, "!="),
    JSGT(0x60, "s>"),
    JSGE(0x70, "s>="),
    JLT(0xa0, "<"),
    JLE(0xb0, "<="),
    JSLT(0xc0, "s<"),
    JSLE(0xd0, "s<=");

    private final int code;
    private final String symbol;

    JmpCond(int code, String symbol) {
        this.code = code;
        this.symbol = symbol;
    }

    public int code() {
        return code;
    }

    /** The operator as the LLVM/kernel syntax writes it ({@code if r1 s> 5 goto +3}). */
    public String symbol() {
        return symbol;
    }

    static JmpCond decode(int code) {
        for (JmpCond c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }

    public static JmpCond ofSymbol(String symbol) {
        for (JmpCond c : values()) {
            if (c.symbol.equals(symbol)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no jump condition " + symbol);
    }
}
