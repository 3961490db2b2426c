package dev.warden.runtime.linux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@link BpfPrintf}'s second step, the kernel's {@code bstr_printf}: formats the pieces from the
 * capture buffer into a buffer of {@code size} bytes, counting what does not fit.
 */
final class PrintfOutput {
    private final byte[] bin;
    private final int size;
    private final ByteArrayOutputStream stored = new ByteArrayOutputStream();
    /** The output position ({@code str - buf}), which passes {@code size} when the text does not fit. */
    private long str;
    /** The read position in the capture buffer. */
    private int args;

    PrintfOutput(byte[] bin, int size) {
        this.bin = bin;
        this.size = size;
    }

    BpfPrintf.Result run(List<BpfPrintf.Piece> pieces) {
        boolean afterPointer = false;
        for (BpfPrintf.Piece piece : pieces) {
            switch (piece) {
                case BpfPrintf.Piece.Literal l -> {
                    int k = 0;
                    while (afterPointer && k < l.text().length && Character.isLetterOrDigit(l.text()[k])) {
                        k++; // bstr_printf skips a pointer conversion's alphanumeric suffix
                    }
                    for (; k < l.text().length; k++) {
                        put(l.text()[k]);
                    }
                    afterPointer = false;
                }
                case BpfPrintf.Piece.Conversion c -> {
                    convert(c.kind(), c.spec());
                    afterPointer = c.kind() == BpfPrintf.Kind.POINTER || c.kind() == BpfPrintf.Kind.PREFORMATTED;
                }
            }
        }
        return new BpfPrintf.Result.Text(stored.toByteArray(), str);
    }

    private void put(int b) {
        if (str < size) {
            stored.write(b);
        }
        str++;
    }

    private void put(byte[] bytes) {
        for (byte b : bytes) {
            put(b);
        }
    }

    private void convert(BpfPrintf.Kind kind, BpfPrintf.Spec s) {
        switch (kind) {
            case NUMBER -> {
                long v = s.size == 8 ? arg8() : s.signed ? (int) arg4() : arg4() & 0xffff_ffffL;
                number(v, s, s.signed, s.base, s.upper);
            }
            case CHAR -> pad(new byte[] {args < BpfPrintf.BIN_ARGS ? bin[args++] : 0}, s);
            case STRING -> pad(cString(), s);
            case POINTER -> {
                long v = arg8();
                if (s.pointer == 's' || s.pointer == 'S') {
                    pad(("0x" + Long.toHexString(v)).getBytes(StandardCharsets.US_ASCII), s);
                } else {
                    number(v, s, false, 16, false);
                }
            }
            case PREFORMATTED -> {
                // Only while the output has room: past its end the argument stays unread (Linux).
                if (str < size) {
                    put(cString());
                }
            }
        }
    }

    /** The NUL-terminated bytes at the read position, which then moves past the NUL. */
    private byte[] cString() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        while (args < BpfPrintf.BIN_ARGS && bin[args] != 0) {
            s.write(bin[args++]);
        }
        args++;
        return s.toByteArray();
    }

    private long arg4() {
        args = (args + 3) & ~3;
        long v = byteAt(args) | byteAt(args + 1) << 8 | byteAt(args + 2) << 16 | byteAt(args + 3) << 24;
        args += 4;
        return v;
    }

    private long arg8() {
        long low = arg4() & 0xffff_ffffL;
        return low | arg4() << 32;
    }

    private long byteAt(int i) {
        return i < BpfPrintf.BIN_ARGS ? bin[i] & 0xffL : 0;
    }

    /** The kernel's {@code number()}: sign, padding with spaces or zeros, digits. */
    private void number(long v, BpfPrintf.Spec s, boolean signed, int base, boolean upper) {
        String digits;
        String sign = "";
        if (signed && v < 0) {
            sign = "-";
            digits = Long.toUnsignedString(-v, base);
        } else {
            digits = Long.toUnsignedString(v, base);
            if (signed && s.plus) {
                sign = "+";
            } else if (signed && s.space) {
                sign = " ";
            }
        }
        if (upper) {
            digits = digits.toUpperCase(java.util.Locale.ROOT);
        }
        int fill = Math.max(0, s.width - sign.length() - digits.length());
        StringBuilder sb = new StringBuilder();
        if (!s.left && !s.zero) {
            sb.repeat(' ', fill);
        }
        sb.append(sign);
        if (!s.left && s.zero) {
            sb.repeat('0', fill);
        }
        sb.append(digits);
        if (s.left) {
            sb.repeat(' ', fill);
        }
        put(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Strings and characters: padded with spaces to the width, on the left unless {@code -}. */
    private void pad(byte[] text, BpfPrintf.Spec s) {
        int fill = Math.max(0, s.width - text.length);
        byte[] spaces = " ".repeat(fill).getBytes(StandardCharsets.US_ASCII);
        if (!s.left) {
            put(spaces);
        }
        put(text);
        if (s.left) {
            put(spaces);
        }
    }
}
