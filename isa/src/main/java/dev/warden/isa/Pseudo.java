package dev.warden.isa;

/**
 * The src field of the 64-bit immediate load (RFC 9669 §5.4): a plain constant, or a reference
 * the loader resolves to an address (a map, a map value, a BTF variable, a function).
 */
public enum Pseudo {
    /** dst = imm64. */
    IMM64(0),
    /** dst = map_by_fd(imm). */
    MAP_FD(1),
    /** dst = map_val(map_by_fd(imm)) + next_imm. */
    MAP_VALUE(2),
    /** dst = var_addr(imm). */
    BTF_ID(3),
    /** dst = code_addr(imm): imm is relative to the next instruction. */
    FUNC(4),
    /** dst = map_by_idx(imm). */
    MAP_IDX(5),
    /** dst = map_val(map_by_idx(imm)) + next_imm. */
    MAP_IDX_VALUE(6);

    private final int code;

    Pseudo(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether the second slot's immediate carries an offset; otherwise it must be zero. */
    public boolean usesNextImm() {
        return this == IMM64 || this == MAP_VALUE || this == MAP_IDX_VALUE;
    }

    static Pseudo decode(int code) {
        for (Pseudo p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }
}
