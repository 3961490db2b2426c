package dev.warden.isa;

/** Access size of a load or store (RFC 9669 §5.1), with its encoding in opcode bits 3-4. */
public enum Size {
    W(4, 0x00),
    H(2, 0x08),
    B(1, 0x10),
    DW(8, 0x18);

    private final int bytes;
    private final int code;

    Size(int bytes, int code) {
        this.bytes = bytes;
        this.code = code;
    }

    public int bytes() {
        return bytes;
    }

    public int bits() {
        return bytes * 8;
    }

    /** The size field as it sits in the opcode byte. */
    public int code() {
        return code;
    }

    static Size fromCode(int code) {
        for (Size s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("size code " + code);
    }

    /** The size whose access is {@code bytes} wide. */
    public static Size ofBytes(int bytes) {
        for (Size s : values()) {
            if (s.bytes == bytes) {
                return s;
            }
        }
        throw new IllegalArgumentException("no access size of " + bytes + " bytes");
    }
}
