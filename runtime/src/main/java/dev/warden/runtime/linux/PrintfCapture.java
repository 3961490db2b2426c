package dev.warden.runtime.linux;

import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link BpfPrintf}'s first step, the kernel's {@code bpf_bprintf_prepare}: checks the format, splits
 * it into literal text and conversions, and fills the 512-byte capture buffer as the kernel lays it out.
 */
final class PrintfCapture {
    private final byte[] fmt;
    private final int end;
    private final long[] args;
    private final Memory memory;
    private final int pc;
    final List<BpfPrintf.Piece> pieces = new ArrayList<>();
    final byte[] bin = new byte[BpfPrintf.BIN_ARGS];
    /** Bytes of {@link #bin} used (may pass its end after a pre-formatted argument, as in the kernel). */
    private int used;
    private final ByteArrayOutputStream literal = new ByteArrayOutputStream();

    PrintfCapture(byte[] fmt, int end, long[] args, Memory memory, int pc) {
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
            if (c >= 0x80 || !(BpfPrintf.isPrint(c) || BpfPrintf.isSpace(c))) {
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
            BpfPrintf.Spec s = new BpfPrintf.Spec();
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
                    s.width = Math.min(s.width * 10 + at(i) - '0', BpfPrintf.FIELD_WIDTH_MAX);
                    i++;
                }
            }
            long arg = args[spec];
            long errno;
            BpfPrintf.Kind kind;
            if (at(i) == 'p') {
                int next = at(i + 1);
                if (next == 0 || BpfPrintf.isSpace(next) || BpfPrintf.isPunct(next)) {
                    kind = BpfPrintf.Kind.POINTER;
                    errno = number(arg, 8);
                } else if ((next == 'k' || next == 'u') && at(i + 2) == 's') {
                    i += 2;
                    kind = BpfPrintf.Kind.PREFORMATTED;
                    errno = string(arg, at(i + 1));
                } else if (next == 'K' || next == 'x' || next == 's' || next == 'S') {
                    i++;
                    kind = BpfPrintf.Kind.POINTER;
                    s.pointer = next;
                    errno = number(arg, 8);
                } else if (next == 'B') {
                    i++;
                    kind = BpfPrintf.Kind.PREFORMATTED;
                    errno = storeString(("0x" + Long.toHexString(arg)).getBytes(StandardCharsets.US_ASCII));
                } else if ((next == 'i' || next == 'I') && (at(i + 2) == '4' || at(i + 2) == '6')) {
                    i += 2;
                    kind = BpfPrintf.Kind.PREFORMATTED;
                    int bytes = at(i) == '4' ? 4 : 16;
                    errno = used > BpfPrintf.BIN_ARGS - bytes ? -Errno.ENOSPC : storeString(ip(arg, next == 'I', bytes));
                } else {
                    return -Errno.EINVAL;
                }
            } else if (at(i) == 's') {
                kind = BpfPrintf.Kind.STRING;
                errno = string(arg, at(i + 1));
            } else if (at(i) == 'c') {
                kind = BpfPrintf.Kind.CHAR;
                errno = used >= BpfPrintf.BIN_ARGS ? -Errno.ENOSPC : store(new byte[] {(byte) arg});
            } else {
                kind = BpfPrintf.Kind.NUMBER;
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
            if (kind == BpfPrintf.Kind.POINTER && s.pointer != 's' && s.pointer != 'S' && s.width < 0) {
                s.width = 16; // pointer_string's default: all 16 digits
                s.zero = true;
            }
            flushLiteral();
            pieces.add(new BpfPrintf.Piece.Conversion(kind, s));
            spec++;
        }
        flushLiteral();
        return 0;
    }

    private void flushLiteral() {
        if (literal.size() > 0) {
            pieces.add(new BpfPrintf.Piece.Literal(literal.toByteArray()));
            literal.reset();
        }
    }

    /** A number or pointer of {@code size} bytes at the next 4-aligned offset. */
    private long number(long arg, int size) {
        used = (used + 3) & ~3;
        if (BpfPrintf.BIN_ARGS - used < size) {
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
        if (after != 0 && !BpfPrintf.isSpace(after) && !BpfPrintf.isPunct(after)) {
            return -Errno.EINVAL;
        }
        if (used >= BpfPrintf.BIN_ARGS) {
            return -Errno.ENOSPC;
        }
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        try {
            for (int k = 0; k < BpfPrintf.BIN_ARGS - used - 1; k++) {
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
        for (int k = 0; k < bytes.length && used + k < BpfPrintf.BIN_ARGS; k++) {
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
        if (used > BpfPrintf.BIN_ARGS) {
            bin[BpfPrintf.BIN_ARGS - 1] = 0;
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
