package dev.warden.runtime.linux;

/**
 * {@code bpf_strtol} (105) and {@code bpf_strtoul} (106) as Linux 6.18 parses (kernel/bpf/helpers.c
 * {@code __bpf_strtoull}, lib/kstrtox.c): leading white space, an optional {@code -}, then at most
 * 63 bytes holding a number in base 8, 10 or 16, or base 0: {@code 0x} and a hex digit means 16, a
 * leading {@code 0} means 8, else 10; with base 16 a {@code 0x} prefix is skipped. The result is the
 * bytes consumed, or -EINVAL (bad flags, an empty buffer, no digit; strtoul of a negative number),
 * -ERANGE (overflow of u64, or of s64 for strtol).
 */
final class KernelStrtox {
    private static final long BASE_MASK = 0x1f;

    private KernelStrtox() {}

    /** A parse: the bytes consumed (or a negative errno) and the value, meaningful when consumed is not negative. */
    record Parsed(long consumed, long value) {
        static Parsed error(long errno) {
            return new Parsed(-errno, 0);
        }
    }

    /** {@code bpf_strtol}: a signed number. */
    static Parsed strtol(byte[] buf, long flags) {
        Unsigned u = strtoull(buf, flags);
        if (u.consumed < 0) {
            return new Parsed(u.consumed, 0);
        }
        if (u.negative) {
            // -_res must be negative; Long.MIN_VALUE's magnitude is the one unsigned value that fits.
            if (-u.value > 0) {
                return Parsed.error(Errno.ERANGE);
            }
            return new Parsed(u.consumed, -u.value);
        }
        if (u.value < 0) {
            return Parsed.error(Errno.ERANGE);
        }
        return new Parsed(u.consumed, u.value);
    }

    /** {@code bpf_strtoul}: an unsigned number; a {@code -} sign is -EINVAL. */
    static Parsed strtoul(byte[] buf, long flags) {
        Unsigned u = strtoull(buf, flags);
        if (u.consumed < 0) {
            return new Parsed(u.consumed, 0);
        }
        return u.negative ? Parsed.error(Errno.EINVAL) : new Parsed(u.consumed, u.value);
    }

    private record Unsigned(long consumed, long value, boolean negative) {}

    private static Unsigned strtoull(byte[] buf, long flags) {
        int base = (int) (flags & BASE_MASK);
        if (buf.length == 0 || (base != 0 && base != 8 && base != 10 && base != 16) || (flags & ~BASE_MASK) != 0) {
            return new Unsigned(-Errno.EINVAL, 0, false);
        }
        int cur = 0;
        while (cur < buf.length && isSpace(buf[cur] & 0xff)) {
            cur++;
        }
        boolean negative = cur < buf.length && buf[cur] == '-';
        if (negative) {
            cur++;
        }
        int consumed = cur;
        if (cur == buf.length) {
            return new Unsigned(-Errno.EINVAL, 0, negative);
        }
        // The kernel copies at most 63 bytes into a NUL-terminated buffer and parses that.
        byte[] str = new byte[Math.min(buf.length - cur, 63) + 1];
        System.arraycopy(buf, cur, str, 0, str.length - 1);
        int s = 0;
        if (base == 0) {
            if (str[0] == '0') {
                base = lower(str[1]) == 'x' && Character.digit(str[2], 16) >= 0 ? 16 : 8;
            } else {
                base = 10;
            }
        }
        if (base == 16 && str[0] == '0' && lower(str[1]) == 'x') {
            s = 2;
        }
        long res = 0;
        boolean overflow = false;
        int digits = 0;
        for (; ; s++, digits++) {
            int c = str[s] & 0xff;
            int v = c >= '0' && c <= '9' ? c - '0' : lower(c) >= 'a' && lower(c) <= 'f' ? lower(c) - 'a' + 10 : 99;
            if (v >= base) {
                break;
            }
            // Overflow is checked only near the top, as lib/kstrtox.c does; the result then still wraps.
            if ((res & (~0L << 60)) != 0 && Long.compareUnsigned(res, Long.divideUnsigned(-1L - v, base)) > 0) {
                overflow = true;
            }
            res = res * base + v;
        }
        if (overflow) {
            return new Unsigned(-Errno.ERANGE, 0, negative);
        }
        if (digits == 0) {
            return new Unsigned(-Errno.EINVAL, 0, negative);
        }
        return new Unsigned(consumed + s, res, negative);
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    /** The kernel's {@code isspace} (lib/ctype.c, Latin-1): \t..\r, space and 0xa0. */
    private static boolean isSpace(int c) {
        return BpfPrintf.isSpace(c) || c == 0xa0;
    }
}
