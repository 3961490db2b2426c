package dev.warden.runtime.linux;

import dev.warden.vm.Memory;
import java.nio.charset.StandardCharsets;

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
    static final int BIN_ARGS = 512;
    /** {@code MAX_BPRINTF_BUF}: the trace helpers' output buffer. */
    static final int LINE_BUFFER = 512;
    /** The kernel's {@code FIELD_WIDTH_MAX}: wider fields are cut to it. */
    static final int FIELD_WIDTH_MAX = (1 << 23) - 1;

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
        PrintfCapture p = new PrintfCapture(fmt, end, args, memory, pc);
        long errno = p.run();
        if (errno != 0) {
            return new Result.Refused(errno);
        }
        return new PrintfOutput(p.bin, size).run(p.pieces);
    }

    /** What a conversion captures and how {@code bstr_printf} prints it. */
    enum Kind {
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
    sealed interface Piece {
        record Literal(byte[] text) implements Piece {}

        record Conversion(Kind kind, Spec spec) implements Piece {}
    }

    /** One conversion's flags, width (-1: none), argument size, base and letter. */
    static final class Spec {
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

    static boolean isPrint(int c) {
        return c >= 0x20 && c < 0x7f;
    }

    /** The kernel's {@code isspace} on ASCII: space, \t \n \v \f \r. */
    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    static boolean isPunct(int c) {
        return isPrint(c) && c != ' ' && !Character.isLetterOrDigit(c);
    }
}
