package dev.warden.runtime.linux;

import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Linux's printf for BPF programs, the one formatter of {@code bpf_trace_printk} (6),
 * {@code bpf_snprintf} (165) and {@code bpf_trace_vprintk} (177): the format check and argument
 * capture of the kernel's {@code bpf_bprintf_prepare} followed by the formatting of
 * {@code bstr_printf} (kernel/bpf/helpers.c, lib/vsprintf.c, Linux 6.18).
 *
 * <p>The format is a NUL-terminated string of printable or white-space ASCII. A conversion is
 * {@code %} then flags {@code [0 +-]*}, an optional width, then one of: {@code d i u x X} with
 * {@code l} or {@code ll}; {@code c}; {@code s} (a string read from the program's memory; an
 * unreadable address gives an empty string, as the kernel's non-faulting copy does);
 * {@code %pks %pus} (the same); {@code %px} (the pointer in hex, 16 digits by default); {@code %p}
 * and {@code %pK} (printed as {@code %px}: Linux prints a per-boot hash of the pointer, or zeros,
 * which no user-space runtime can reproduce); {@code %ps %pS %pB} ({@code 0x} and the address in
 * hex, what Linux prints for an address that is no kernel symbol, and every address a Warden
 * program holds is one); {@code %pI4 %pi4 %pI6 %pi6} (an IP address read from memory, zeros where
 * unreadable). No precision, no {@code #}, no {@code h}. More conversions than arguments, any other
 * conversion, or a character outside that set is -EINVAL; captured arguments beyond the kernel's
 * 512-byte buffer are -ENOSPC (long strings are cut to fit, as in the kernel).
 */
final class BpfPrintf {
    /** {@code MAX_BPRINTF_VARARGS}: the most arguments snprintf and trace_vprintk take. */
    static final int MAX_VARARGS = 12;
    /** {@code MAX_BPRINTF_BIN_ARGS}: the bytes the captured arguments may take. */
    private static final int BIN_ARGS = 512;
    /** {@code MAX_BPRINTF_BUF}: trace_printk's line buffer (the line is cut to one byte less). */
    static final int LINE_BUFFER = 512;

    private BpfPrintf() {}

    /** A formatting's outcome: the text, or the negative errno the helper returns. */
    sealed interface Result {
        /** The whole text (the helper cuts it to its buffer) as bytes. */
        record Text(byte[] bytes) implements Result {
            String asString() {
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }
        }

        /** A refused format: -EINVAL or -ENOSPC. */
        record Refused(long errno) implements Result {}
    }

    /**
     * Formats {@code fmt} (up to its first NUL, which must be there: -EINVAL without) with
     * {@code args}; strings and IP addresses are read from {@code memory}.
     */
    static Result format(byte[] fmt, long[] args, Memory memory, int pc) {
        int end = 0;
        while (end < fmt.length && fmt[end] != 0) {
            end++;
        }
        if (end == fmt.length) {
            return new Result.Refused(-Errno.EINVAL);
        }
        Formatter f = new Formatter(fmt, end, args, memory, pc);
        long errno = f.run();
        return errno != 0 ? new Result.Refused(errno) : new Result.Text(f.out.toByteArray());
    }

    /** One formatting: the kernel's two passes in one, since the output only counts when both succeed. */
    private static final class Formatter {
        private final byte[] fmt;
        private final int end;
        private final long[] args;
        private final Memory memory;
        private final int pc;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        /** Bytes of the kernel's argument buffer used so far. */
        private int bin;
        private int spec;

        Formatter(byte[] fmt, int end, long[] args, Memory memory, int pc) {
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
            for (int i = 0; i < end; i++) {
                int c = at(i);
                if (c >= 0x80 || !(isPrint(c) || isSpace(c))) {
                    return -Errno.EINVAL;
                }
                if (c != '%') {
                    out.write(c);
                    continue;
                }
                if (at(i + 1) == '%') {
                    out.write('%');
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
                int conv = at(i);
                if (conv == 'p') {
                    int next = at(i + 1);
                    if (next == 0 || isSpace(next) || isPunct(next)) {
                        errno = pointer(arg, s);
                    } else if ((next == 'k' || next == 'u') && at(i + 2) == 's') {
                        i += 2;
                        errno = string(arg, s, at(i + 1));
                    } else if (next == 'K' || next == 'x') {
                        i++;
                        errno = pointer(arg, s);
                    } else if (next == 's' || next == 'S') {
                        i++;
                        errno = capture(8);
                        pad(("0x" + Long.toHexString(arg)).getBytes(StandardCharsets.US_ASCII), s);
                    } else if (next == 'B') {
                        i++;
                        byte[] text = ("0x" + Long.toHexString(arg)).getBytes(StandardCharsets.US_ASCII);
                        bin += text.length + 1; // pre-formatted into the buffer without a space check, as Linux does
                        out.writeBytes(text);
                        errno = 0;
                    } else if ((next == 'i' || next == 'I') && (at(i + 2) == '4' || at(i + 2) == '6')) {
                        i += 2;
                        errno = ip(arg, next == 'I', at(i) == '4' ? 4 : 16);
                    } else {
                        return -Errno.EINVAL;
                    }
                } else if (conv == 's') {
                    errno = string(arg, s, at(i + 1));
                } else if (conv == 'c') {
                    if (bin == BIN_ARGS) {
                        return -Errno.ENOSPC;
                    }
                    bin++;
                    pad(new byte[] {(byte) arg}, s);
                    errno = 0;
                } else {
                    int size = 4;
                    if (at(i) == 'l') {
                        size = 8;
                        i++;
                    }
                    if (at(i) == 'l') {
                        i++;
                    }
                    conv = at(i);
                    if (conv != 'i' && conv != 'd' && conv != 'u' && conv != 'x' && conv != 'X') {
                        return -Errno.EINVAL;
                    }
                    errno = capture(size);
                    boolean signed = conv == 'd' || conv == 'i';
                    long v = size == 8 ? arg : signed ? (int) arg : arg & 0xffff_ffffL;
                    number(v, s, signed, conv == 'd' || conv == 'i' || conv == 'u' ? 10 : 16, conv == 'X');
                }
                if (errno != 0) {
                    return errno;
                }
                spec++;
            }
            return 0;
        }

        /** Room for a {@code size}-byte argument, 4-aligned, in the kernel's argument buffer. */
        private long capture(int size) {
            bin = (bin + 3) & ~3;
            if (BIN_ARGS - bin < size) {
                return -Errno.ENOSPC;
            }
            bin += size;
            return 0;
        }

        /** {@code %px} and its relatives: hex, 16 zero-padded digits unless a width is given. */
        private long pointer(long arg, Spec s) {
            long errno = capture(8);
            if (s.width < 0) {
                s.width = 16;
                s.zero = true;
            }
            number(arg, s, false, 16, false);
            return errno;
        }

        /** {@code %s}: the string at {@code address}, cut to the argument buffer's room; "" where unreadable. */
        private long string(long address, Spec s, int after) {
            if (after != 0 && !isSpace(after) && !isPunct(after)) {
                return -Errno.EINVAL;
            }
            int room = BIN_ARGS - bin;
            if (room == 0) {
                return -Errno.ENOSPC;
            }
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            int copied = 1;
            try {
                for (int k = 0; k < room - 1; k++) {
                    int b = (int) memory.load8(address + k, pc);
                    if (b == 0) {
                        break;
                    }
                    text.write(b);
                }
                copied = text.size() + 1;
            } catch (VmFault unreadable) {
                text.reset(); // the kernel's non-faulting copy gives an empty string
            }
            bin += copied;
            pad(text.toByteArray(), s);
            return 0;
        }

        /** {@code %pI4 %pi4 %pI6 %pi6}: pre-formatted, so no width applies (as in Linux). */
        private long ip(long address, boolean dotted, int size) {
            if (BIN_ARGS - bin < size) {
                return -Errno.ENOSPC;
            }
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
            byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
            bin += text.length + 1;
            out.writeBytes(text);
            return 0;
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
            out.writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }

        /** Strings and characters: padded with spaces to the width, on the left unless {@code -}. */
        private void pad(byte[] text, Spec s) {
            int fill = Math.max(0, s.width - text.length);
            if (!s.left) {
                out.writeBytes(" ".repeat(fill).getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes(text);
            if (s.left) {
                out.writeBytes(" ".repeat(fill).getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    /** The kernel's {@code FIELD_WIDTH_MAX}: wider fields are cut to it. */
    private static final int FIELD_WIDTH_MAX = (1 << 23) - 1;

    /** One conversion's flags and width (-1: none). */
    private static final class Spec {
        boolean zero;
        boolean plus;
        boolean left;
        boolean space;
        int width = -1;
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
