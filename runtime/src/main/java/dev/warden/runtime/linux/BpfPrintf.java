package dev.warden.runtime.linux;

import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux's printf for BPF programs, the one formatter of {@code bpf_trace_printk} (6),
 * {@code bpf_snprintf} (165) and {@code bpf_trace_vprintk} (177), in the kernel's two steps
 * (kernel/bpf/helpers.c, lib/vsprintf.c, Linux 6.18): {@code bpf_bprintf_prepare} checks the format
 * and captures the arguments into a 512-byte buffer (numbers, characters, strings read from memory,
 * pre-formatted IP addresses), then {@code bstr_printf} formats from that buffer into the output.
 *
 * <p>The format is a NUL-terminated string of printable or white-space ASCII. A conversion is
 * {@code %} then flags {@code [0 +-]*}, an optional width, then one of: {@code d i u x X} with
 * {@code l} or {@code ll}; {@code c}; {@code s} (a string read from the program's memory; an
 * unreadable address gives an empty string, as the kernel's non-faulting copy does);
 * {@code %pks %pus} (the same, without width); {@code %px} (the pointer in hex, 16 digits by
 * default); {@code %p} and {@code %pK} (printed as {@code %px}: Linux prints a per-boot hash of the
 * pointer, or zeros, which no user-space runtime can reproduce); {@code %ps %pS %pB} ({@code 0x} and
 * the address in hex, what Linux prints for an address that is no kernel symbol, and no address a
 * Warden program holds is one); {@code %pI4 %pi4 %pI6 %pi6} (an IP address read from memory, zeros
 * where unreadable). No precision, no {@code #}, no {@code h}. More conversions than arguments, any
 * other conversion, or a character outside that set is -EINVAL; arguments beyond the capture buffer
 * are -ENOSPC (a long string is cut to fit).
 *
 * <p>Kept from the kernel because programs see it: letters right after a {@code %p} conversion are
 * dropped ({@code bstr_printf} skips a pointer's suffix); once the output is full, a pre-formatted
 * argument ({@code %pI4} and the like, {@code %pks}, {@code %pB}) is neither counted nor consumed,
 * so the conversions after it read their values from its text (the capture buffer is modelled
 * exactly; where such a read runs past the captured bytes it reads zeros, the kernel a per-CPU
 * buffer's earlier contents).
 */
final class BpfPrintf {
    /** {@code MAX_BPRINTF_VARARGS}: the most arguments snprintf and trace_vprintk take. */
    static final int MAX_VARARGS = 12;
    /** {@code MAX_BPRINTF_BIN_ARGS}: the bytes the captured arguments may take. */
    private static final int BIN_ARGS = 512;
    /** {@code MAX_BPRINTF_BUF}: the trace helpers' output buffer. */
    static final int LINE_BUFFER = 512;
    /** The kernel's {@code FIELD_WIDTH_MAX}: wider fields are cut to it. */
    private static final int FIELD_WIDTH_MAX = (1 << 23) - 1;

    private BpfPrintf() {}

    /** A formatting's outcome: the text, or the negative errno the helper returns. */
    sealed interface Result {
        /**
         * What {@code bstr_printf} into a buffer of {@code size} bytes gives: {@code length}, the
         * count it returns (what an unlimited buffer would take, less the kernel's skipped
         * pre-formatted arguments), and the bytes it stored before the NUL.
         */
        record Text(byte[] stored, long length) implements Result {
            String asString() {
                return new String(stored, StandardCharsets.ISO_8859_1);
            }
        }

        /** A refused format: -EINVAL or -ENOSPC. */
        record Refused(long errno) implements Result {}
    }

    /**
     * Formats {@code fmt} (up to its first NUL, which must be there: -EINVAL without) with
     * {@code args} into a buffer of {@code size} bytes; strings and IP addresses are read from
     * {@code memory}.
     */
    static Result format(byte[] fmt, long[] args, Memory memory, int pc, int size) {
        int end = 0;
        while (end < fmt.length && fmt[end] != 0) {
            end++;
        }
        if (end == fmt.length) {
            return new Result.Refused(-Errno.EINVAL);
        }
        Prepare p = new Prepare(fmt, end, args, memory, pc);
        long errno = p.run();
        if (errno != 0) {
            return new Result.Refused(errno);
        }
        return new Print(p.bin, size).run(p.pieces);
    }

    /** What a conversion captures and how {@code bstr_printf} prints it. */
    private enum Kind {
        /** d i u x X: 4 or 8 bytes, 4-aligned. */
        NUMBER,
        /** c: one byte. */
        CHAR,
        /** s: the string and its NUL, printed with the width. */
        STRING,
        /** %p, %pK, %px, %ps, %pS: 8 bytes, 4-aligned. */
        POINTER,
        /** %pks %pus %pI4 %pi4 %pI6 %pi6 %pB: text made at capture, copied as it is. */
        PREFORMATTED
    }

    /** A run of literal format text, or one conversion. */
    private sealed interface Piece {
        record Literal(byte[] text) implements Piece {}

        record Conversion(Kind kind, Spec spec) implements Piece {}
    }

    /** One conversion's flags, width (-1: none), argument size, base and letter. */
    private static final class Spec {
        boolean zero;
        boolean plus;
        boolean left;
        boolean space;
        int width = -1;
        int size = 4;
        boolean signed;
        int base = 10;
        boolean upper;
        /** For pointers: the letter after p ('x', 'K', 's', 'S'), or 0 for a plain %p. */
        int pointer;
    }

    /** {@code bpf_bprintf_prepare}: checks the format, splits it into pieces and fills the capture buffer. */
    private static final class Prepare {
        private final byte[] fmt;
        private final int end;
        private final long[] args;
        private final Memory memory;
        private final int pc;
        final List<Piece> pieces = new ArrayList<>();
        final byte[] bin = new byte[BIN_ARGS];
        /** Bytes of {@link #bin} used (may pass its end after a pre-formatted argument, as in the kernel). */
        private int used;
        private final ByteArrayOutputStream literal = new ByteArrayOutputStream();

        Prepare(byte[] fmt, int end, long[] args, Memory memory, int pc) {
            this.fmt = fmt;
            this.end = end;
            this.args = args;
            this.memory = memory;
            this.pc = pc;
        }

        /** The byte at {@code i}, or 0 at and past the terminating NUL. */
        private int at(int i) {
            return i < end ? fmt[i] & 0xff : 0;
        }

        long run() {
            int spec = 0;
            for (int i = 0; i < end; i++) {
                int c = at(i);
                if (c >= 0x80 || !(isPrint(c) || isSpace(c))) {
                    return -Errno.EINVAL;
                }
                if (c != '%') {
                    literal.write(c);
                    continue;
                }
                if (at(i + 1) == '%') {
                    literal.write('%');
                    i++;
                    continue;
                }
                if (spec >= args.length) {
                    return -Errno.EINVAL;
                }
                i++;
                Spec s = new Spec();
                for (; ; i++) {
                    int f = at(i);
                    if (f == '0') {
                        s.zero = true;
                    } else if (f == '+') {
                        s.plus = true;
                    } else if (f == '-') {
                        s.left = true;
                    } else if (f == ' ') {
                        s.space = true;
                    } else {
                        break;
                    }
                }
                if (at(i) >= '1' && at(i) <= '9') {
                    s.width = 0;
                    while (at(i) >= '0' && at(i) <= '9') {
                        s.width = Math.min(s.width * 10 + at(i) - '0', FIELD_WIDTH_MAX);
                        i++;
                    }
                }
                long arg = args[spec];
                long errno;
                Kind kind;
                if (at(i) == 'p') {
                    int next = at(i + 1);
                    if (next == 0 || isSpace(next) || isPunct(next)) {
                        kind = Kind.POINTER;
                        errno = number(arg, 8);
                    } else if ((next == 'k' || next == 'u') && at(i + 2) == 's') {
                        i += 2;
                        kind = Kind.PREFORMATTED;
                        errno = string(arg, at(i + 1));
                    } else if (next == 'K' || next == 'x' || next == 's' || next == 'S') {
                        i++;
                        kind = Kind.POINTER;
                        s.pointer = next;
                        errno = number(arg, 8);
                    } else if (next == 'B') {
                        i++;
                        kind = Kind.PREFORMATTED;
                        errno = storeString(("0x" + Long.toHexString(arg)).getBytes(StandardCharsets.US_ASCII));
                    } else if ((next == 'i' || next == 'I') && (at(i + 2) == '4' || at(i + 2) == '6')) {
                        i += 2;
                        kind = Kind.PREFORMATTED;
                        int bytes = at(i) == '4' ? 4 : 16;
                        errno = used > BIN_ARGS - bytes ? -Errno.ENOSPC : storeString(ip(arg, next == 'I', bytes));
                    } else {
                        return -Errno.EINVAL;
                    }
                } else if (at(i) == 's') {
                    kind = Kind.STRING;
                    errno = string(arg, at(i + 1));
                } else if (at(i) == 'c') {
                    kind = Kind.CHAR;
                    errno = used >= BIN_ARGS ? -Errno.ENOSPC : store(new byte[] {(byte) arg});
                } else {
                    kind = Kind.NUMBER;
                    if (at(i) == 'l') {
                        s.size = 8;
                        i++;
                    }
                    if (at(i) == 'l') {
                        i++;
                    }
                    int conv = at(i);
                    if (conv != 'i' && conv != 'd' && conv != 'u' && conv != 'x' && conv != 'X') {
                        return -Errno.EINVAL;
                    }
                    s.signed = conv == 'd' || conv == 'i';
                    s.base = conv == 'x' || conv == 'X' ? 16 : 10;
                    s.upper = conv == 'X';
                    errno = number(arg, s.size);
                }
                if (errno != 0) {
                    return errno;
                }
                if (kind == Kind.POINTER && s.pointer != 's' && s.pointer != 'S' && s.width < 0) {
                    s.width = 16; // pointer_string's default: all 16 digits
                    s.zero = true;
                }
                flushLiteral();
                pieces.add(new Piece.Conversion(kind, s));
                spec++;
            }
            flushLiteral();
            return 0;
        }

        private void flushLiteral() {
            if (literal.size() > 0) {
                pieces.add(new Piece.Literal(literal.toByteArray()));
                literal.reset();
            }
        }

        /** A number or pointer of {@code size} bytes at the next 4-aligned offset. */
        private long number(long arg, int size) {
            used = (used + 3) & ~3;
            if (BIN_ARGS - used < size) {
                return -Errno.ENOSPC;
            }
            for (int k = 0; k < size; k++) {
                bin[used + k] = (byte) (arg >>> (8 * k));
            }
            used += size;
            return 0;
        }

        /** {@code %s} and {@code %pks}: the string at {@code address}, cut to the buffer's room; "" where unreadable. */
        private long string(long address, int after) {
            if (after != 0 && !isSpace(after) && !isPunct(after)) {
                return -Errno.EINVAL;
            }
            if (used >= BIN_ARGS) {
                return -Errno.ENOSPC;
            }
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            try {
                for (int k = 0; k < BIN_ARGS - used - 1; k++) {
                    int b = (int) memory.load8(address + k, pc);
                    if (b == 0) {
                        break;
                    }
                    s.write(b);
                }
            } catch (VmFault unreadable) {
                s.reset(); // the kernel's non-faulting copy gives an empty string
            }
            return storeString(s.toByteArray());
        }

        /** Stores a character (no NUL). */
        private long store(byte[] bytes) {
            for (int k = 0; k < bytes.length && used + k < BIN_ARGS; k++) {
                bin[used + k] = bytes[k];
            }
            used += bytes.length;
            return 0;
        }

        /**
         * Stores {@code bytes} and a NUL, what fits of them (the kernel's {@code snprintf} into the
         * rest of the buffer), advancing by their whole length as the kernel does.
         */
        private long storeString(byte[] bytes) {
            store(bytes);
            store(new byte[1]);
            if (used > BIN_ARGS) {
                bin[BIN_ARGS - 1] = 0;
            }
            return 0;
        }

        /** {@code %pI4 %pi4 %pI6 %pi6} of the bytes at {@code address} (zeros where unreadable). */
        private byte[] ip(long address, boolean dotted, int size) {
            byte[] a = new byte[size];
            try {
                for (int k = 0; k < size; k++) {
                    a[k] = (byte) memory.load8(address + k, pc);
                }
            } catch (VmFault unreadable) {
                a = new byte[size];
            }
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < size; k++) {
                int b = a[k] & 0xff;
                if (size == 4) {
                    sb.append(k == 0 ? "" : ".").append(dotted ? Integer.toString(b) : String.format("%03d", b));
                } else {
                    sb.append(dotted && k > 0 && k % 2 == 0 ? ":" : "").append(String.format("%02x", b));
                }
            }
            return sb.toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** {@code bstr_printf}: formats the pieces from the capture buffer into a buffer of {@code size} bytes. */
    private static final class Print {
        private final byte[] bin;
        private final int size;
        private final ByteArrayOutputStream stored = new ByteArrayOutputStream();
        /** The output position ({@code str - buf}), which passes {@code size} when the text does not fit. */
        private long str;
        /** The read position in the capture buffer. */
        private int args;

        Print(byte[] bin, int size) {
            this.bin = bin;
            this.size = size;
        }

        Result run(List<Piece> pieces) {
            boolean afterPointer = false;
            for (Piece piece : pieces) {
                switch (piece) {
                    case Piece.Literal l -> {
                        int k = 0;
                        while (afterPointer && k < l.text().length && Character.isLetterOrDigit(l.text()[k])) {
                            k++; // bstr_printf skips a pointer conversion's alphanumeric suffix
                        }
                        for (; k < l.text().length; k++) {
                            put(l.text()[k]);
                        }
                        afterPointer = false;
                    }
                    case Piece.Conversion c -> {
                        convert(c.kind(), c.spec());
                        afterPointer = c.kind() == Kind.POINTER || c.kind() == Kind.PREFORMATTED;
                    }
                }
            }
            return new Result.Text(stored.toByteArray(), str);
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

        private void convert(Kind kind, Spec s) {
            switch (kind) {
                case NUMBER -> {
                    long v = s.size == 8 ? arg8() : s.signed ? (int) arg4() : arg4() & 0xffff_ffffL;
                    number(v, s, s.signed, s.base, s.upper);
                }
                case CHAR -> pad(new byte[] {args < BIN_ARGS ? bin[args++] : 0}, s);
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
            while (args < BIN_ARGS && bin[args] != 0) {
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
            return i < BIN_ARGS ? bin[i] & 0xffL : 0;
        }

        /** The kernel's {@code number()}: sign, padding with spaces or zeros, digits. */
        private void number(long v, Spec s, boolean signed, int base, boolean upper) {
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
        private void pad(byte[] text, Spec s) {
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

    private static boolean isPrint(int c) {
        return c >= 0x20 && c < 0x7f;
    }

    /** The kernel's {@code isspace} on ASCII: space, \t \n \v \f \r. */
    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isPunct(int c) {
        return isPrint(c) && c != ' ' && !Character.isLetterOrDigit(c);
    }
}
