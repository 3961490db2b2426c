package dev.warden.verifier.eim;

import dev.warden.eim.CType;
import dev.warden.eim.Field;
import dev.warden.eim.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * Names bytes of a host object by the fields of its C type: byte 20 of a {@code RedisServer} is
 * {@code server.aof_fsync}, bytes 16-23 are {@code server.aof_enabled} and {@code server.aof_fsync},
 * byte 300 of a 280-byte {@code Request} is past its end. Used to word violations in the policy's terms.
 */
final class FieldNames {
    private FieldNames() {}

    /** The fields (leaf paths) that bytes {@code [lo, hi)} touch, in layout order; padding is named as such. */
    static List<String> touched(Layout layout, CType type, String root, long lo, long hi) {
        List<String> out = new ArrayList<>();
        collect(layout, type, root, 0, lo, hi, out);
        return out;
    }

    private static void collect(Layout layout, CType written, String path, long base, long lo, long hi, List<String> out) {
        CType t = layout.resolve(written);
        long size = layout.sizeOf(t);
        if (hi <= base || lo >= base + size) {
            return;
        }
        switch (t) {
            case CType.Named n when layout.hasStruct(n.name()) -> {
                Layout.StructLayout sl = layout.struct(n.name());
                long end = base;
                for (Field f : structFields(layout, n.name())) {
                    long at = base + sl.offsets().get(f.name());
                    if (at > end && lo < at && end < hi) {
                        out.add(path + " (padding)");
                    }
                    collect(layout, f.type(), path.isEmpty() || path.endsWith("->") ? path + f.name() : path + "." + f.name(), at, lo, hi,
                            out);
                    end = at + layout.sizeOf(f.type());
                }
                if (end < base + size && lo < base + size && end < hi) {
                    out.add(path + " (padding)");
                }
            }
            case CType.Array a -> {
                long elem = layout.sizeOf(a.element());
                long first = Math.max(0, (lo - base) / elem);
                long last = Math.min(a.length() - 1, (hi - 1 - base) / elem);
                if (last - first >= 4) {
                    out.add(path + "[" + first + ".." + last + "]");
                    return;
                }
                for (long i = first; i <= last; i++) {
                    collect(layout, a.element(), path + "[" + i + "]", base + i * elem, lo, hi, out);
                }
            }
            default -> out.add(path);
        }
    }

    private static List<Field> structFields(Layout layout, String struct) {
        List<Field> out = new ArrayList<>();
        for (String name : layout.struct(struct).offsets().keySet()) {
            out.add(layout.field(struct, name).orElseThrow());
        }
        return out;
    }

    /** The touched fields as one phrase: {@code server.aof_fsync}, or {@code r->uri[0..7] and r->status}. */
    static String phrase(List<String> fields) {
        if (fields.isEmpty()) {
            return "no field";
        }
        if (fields.size() == 1) {
            return fields.getFirst();
        }
        return String.join(", ", fields.subList(0, fields.size() - 1)) + " and " + fields.getLast();
    }
}
