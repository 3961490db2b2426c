package dev.warden.runtime.linux;

import java.nio.charset.StandardCharsets;

/**
 * The formatting of {@code bpf_trace_printk}: the format up to its first NUL, with {@code %d %i
 * %u %x %p} (with {@code l}/{@code ll} length modifiers) and {@code %%} replaced by up to three
 * arguments. {@code %s} would need a pointer dereference the runtime does not make: it prints the
 * pointer. Unknown conversions are printed as they are.
 */
final class TracePrintk {
    private TracePrintk() {}

    static String format(byte[] fmt, long a1, long a2, long a3) {
        int end = 0;
        while (end < fmt.length && fmt[end] != 0) {
            end++;
        }
        String f = new String(fmt, 0, end, StandardCharsets.ISO_8859_1);
        long[] args = {a1, a2, a3};
        int next = 0;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '%' || i + 1 >= f.length()) {
                out.append(c);
                continue;
            }
            int j = i + 1;
            int longs = 0;
            while (j < f.length() && f.charAt(j) == 'l') {
                longs++;
                j++;
            }
            if (j >= f.length()) {
                out.append(f, i, j);
                break;
            }
            char conv = f.charAt(j);
            if (conv == '%' && longs == 0) {
                out.append('%');
                i = j;
                continue;
            }
            if ("diuxps".indexOf(conv) < 0 || next >= args.length) {
                out.append(f, i, j + 1);
                i = j;
                continue;
            }
            long v = args[next++];
            long narrow = longs == 0 ? (conv == 'd' || conv == 'i' ? (int) v : v & 0xffff_ffffL) : v;
            out.append(switch (conv) {
                case 'd', 'i' -> Long.toString(narrow);
                case 'u' -> Long.toUnsignedString(narrow);
                case 'x' -> Long.toHexString(narrow);
                default -> "0x" + Long.toHexString(v);
            });
            i = j;
        }
        return out.toString();
    }
}
