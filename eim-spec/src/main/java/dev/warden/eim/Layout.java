package dev.warden.eim;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * C layout (LP64, as x86-64 and BPF): a scalar is aligned to its size, a pointer is 8 bytes, a
 * field is placed at the next multiple of its alignment, a struct is aligned to its most aligned
 * field and padded to a multiple of that. Only made for structs the checker has validated
 * (known field types, no struct containing itself).
 */
public final class Layout {

    /** Offsets of the fields of one struct, its size and alignment. */
    public record StructLayout(long size, long alignment, Map<String, Long> offsets) {
        public StructLayout {
            offsets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(offsets));
        }
    }

    private final Map<String, Declaration.Struct> structs;
    private final Map<String, StructLayout> layouts = new HashMap<>();

    /** @throws ArithmeticException if a size does not fit in a long */
    Layout(Map<String, Declaration.Struct> structs) {
        this.structs = Map.copyOf(structs);
        for (String name : structs.keySet()) struct(name);
    }

    public long sizeOf(CType t) {
        return switch (t) {
            case CType.Void v -> 1; // GNU C's sizeof(void); the checker rejects void objects anyway
            case CType.Scalar s -> s.kind().size();
            case CType.Pointer p -> 8;
            case CType.Array a -> Math.multiplyExact(sizeOf(a.element()), a.length());
            case CType.Named n -> struct(n.name()).size();
        };
    }

    public long alignOf(CType t) {
        return switch (t) {
            case CType.Void v -> 1;
            case CType.Scalar s -> s.kind().size();
            case CType.Pointer p -> 8;
            case CType.Array a -> alignOf(a.element());
            case CType.Named n -> struct(n.name()).alignment();
        };
    }

    public StructLayout struct(String name) {
        StructLayout l = layouts.get(name);
        if (l != null) return l;
        Declaration.Struct s = structs.get(name);
        if (s == null) throw new IllegalArgumentException("no struct " + name);
        long offset = 0;
        long align = 1;
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (Field f : s.fields()) {
            long a = alignOf(f.type());
            offset = roundUp(offset, a);
            offsets.put(f.name(), offset);
            offset = Math.addExact(offset, sizeOf(f.type()));
            align = Math.max(align, a);
        }
        l = new StructLayout(roundUp(offset, align), align, offsets);
        layouts.put(name, l);
        return l;
    }

    /** True if the type's size is known: every struct it holds by value is laid out. */
    public boolean isComplete(CType t) {
        return switch (t) {
            case CType.Named n -> layouts.containsKey(n.name());
            case CType.Array a -> isComplete(a.element());
            case CType.Pointer p -> true;
            case CType.Scalar s -> true;
            case CType.Void v -> true;
        };
    }

    public boolean hasStruct(String name) {
        return structs.containsKey(name);
    }

    public java.util.Optional<Field> field(String struct, String field) {
        Declaration.Struct s = structs.get(struct);
        if (s == null) return java.util.Optional.empty();
        return s.fields().stream().filter(f -> f.name().equals(field)).findFirst();
    }

    private static long roundUp(long n, long a) {
        return Math.multiplyExact((n + a - 1) / a, a);
    }
}
