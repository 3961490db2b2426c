package dev.warden.eim;

import java.math.BigInteger;

/**
 * The C scalar types of EIM, with their LP64 (x86-64, BPF) sizes. {@code char} is signed, as on
 * x86-64; {@code bool} holds 0 or 1.
 */
public enum ScalarKind {
    U8("u8", 1, false), U16("u16", 2, false), U32("u32", 4, false), U64("u64", 8, false),
    S8("s8", 1, true), S16("s16", 2, true), S32("s32", 4, true), S64("s64", 8, true),
    INT("int", 4, true), LONG("long", 8, true), SIZE_T("size_t", 8, false), TIME_T("time_t", 8, true),
    BOOL("bool", 1, false), CHAR("char", 1, true);

    private final String keyword;
    private final int size;
    private final boolean signed;

    ScalarKind(String keyword, int size, boolean signed) {
        this.keyword = keyword;
        this.size = size;
        this.signed = signed;
    }

    public String keyword() { return keyword; }

    /** Size in bytes; also the alignment. */
    public int size() { return size; }

    public boolean isSigned() { return signed; }

    /** The smallest value of the type (mathematical integer). */
    public BigInteger min() {
        if (this == BOOL || !signed) return BigInteger.ZERO;
        return BigInteger.ONE.shiftLeft(size * 8 - 1).negate();
    }

    /** The largest value of the type (mathematical integer). */
    public BigInteger max() {
        if (this == BOOL) return BigInteger.ONE;
        int bits = signed ? size * 8 - 1 : size * 8;
        return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    }

    /** The scalar named by a keyword of the language, if any. */
    public static java.util.Optional<ScalarKind> ofKeyword(String keyword) {
        for (ScalarKind k : values()) if (k.keyword.equals(keyword)) return java.util.Optional.of(k);
        return java.util.Optional.empty();
    }
}
