package dev.warden.verifier.state;

import dev.warden.domains.Scalar;

/** Short text forms of abstract values for the log and violation messages. */
public final class Render {
    private Render() {}

    /** {@code =5}, or the tightest bounds worth printing ({@code [0, 255]}, {@code s[-1, 7]}). */
    public static String scalar(Scalar s) {
        if (s.isBottom()) {
            return "(⊥)";
        }
        if (s.isConstant()) {
            return "=" + s.tnum().value();
        }
        long ulo = s.u64().lo();
        long uhi = s.u64().hi();
        if (ulo == 0 && uhi == -1L) {
            if (s.s64().lo() == Long.MIN_VALUE && s.s64().hi() == Long.MAX_VALUE) {
                return s.tnum().mask() == -1L ? "" : "(" + s.tnum() + ")";
            }
            return "s[" + s.s64().lo() + ", " + s.s64().hi() + "]";
        }
        return "[" + Long.toUnsignedString(ulo) + ", " + Long.toUnsignedString(uhi) + "]";
    }

    static String kind(PtrKind k) {
        return switch (k) {
            case CTX -> "ctx";
            case STACK -> "fp";
            case MAP -> "map";
            case MAP_VALUE -> "map_value";
            case PACKET -> "pkt";
            case PACKET_END -> "pkt_end";
            case PACKET_META -> "pkt_meta";
            case MEM -> "mem";
            case SOCKET -> "sock";
            case BTF_ID -> "btf_ptr";
            case BTF_UNTRUSTED -> "untrusted_btf_ptr";
            case FUNC -> "func";
            case DYNPTR -> "dynptr";
            case ITER_BUF -> "iter_buf";
            case ARG_MEM -> "arg_mem";
            case HOST -> "host";
            case HEAP -> "heap";
        };
    }
}
