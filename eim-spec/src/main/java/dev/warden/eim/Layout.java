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
    private final Map<String, CType> typedefs;
    private final java.util.Set<String> enums;
    private final Map<String, java.math.BigInteger> enumerators;
    private final Map<String, StructLayout> layouts = new HashMap<>();
    private final java.util.Set<String> broken;

    /**
     * @param typedefs    checked typedefs (no cycles), by name, to the type they name
     * @param enumerators every enumerator's value; {@code enums} the enum type names
     * @throws ArithmeticException if a size does not fit in a long
     */
    Layout(Map<String, Declaration.Struct> structs, Map<String, CType> typedefs, java.util.Set<String> enums,
           Map<String, java.math.BigInteger> enumerators) {
        this(structs, typedefs, enums, enumerators, java.util.Set.of());
    }

    /**
     * @param broken type names that are declared but could not be laid out (reported where
     *               declared): they are not {@linkplain #isOpaque opaque}, only unusable
     */
    Layout(Map<String, Declaration.Struct> structs, Map<String, CType> typedefs, java.util.Set<String> enums,
           Map<String, java.math.BigInteger> enumerators, java.util.Set<String> broken) {
        this.broken = java.util.Set.copyOf(broken);
        this.structs = Map.copyOf(structs);
        this.typedefs = Map.copyOf(typedefs);
        this.enums = java.util.Set.copyOf(enums);
        this.enumerators = Map.copyOf(enumerators);
        for (String name : structs.keySet()) struct(name);
    }

    /**
     * Enumerator values by C's rule: as written, or the previous value plus 1 (the first: 0).
     * The checker reports names given twice and values outside int; here the first one wins.
     */
    public static Map<String, java.math.BigInteger> enumeratorValues(java.util.Collection<Declaration.Enum> enums) {
        Map<String, java.math.BigInteger> out = new LinkedHashMap<>();
        for (Declaration.Enum e : enums) {
            java.math.BigInteger next = java.math.BigInteger.ZERO;
            for (Declaration.Enumerator x : e.enumerators()) {
                java.math.BigInteger v = x.written().orElse(next);
                out.putIfAbsent(x.name(), v);
                next = v.add(java.math.BigInteger.ONE);
            }
        }
        return out;
    }

    /** C's type of an enum: {@code int} (4 bytes, aligned to 4; every int value may be stored). */
    public static final CType ENUM_TYPE = new CType.Scalar(ScalarKind.INT);

    /**
     * The type behind a name, at the top level: a typedef is replaced by what it names (repeatedly),
     * an enum by {@link #ENUM_TYPE}; a struct name, a pointer or an array stays as it is.
     */
    public CType resolve(CType t) {
        while (t instanceof CType.Named n) {
            if (typedefs.containsKey(n.name())) {
                t = typedefs.get(n.name());
            } else if (enums.contains(n.name())) {
                return ENUM_TYPE;
            } else {
                return t;
            }
        }
        return t;
    }

    /** The type with every typedef and enum resolved at every level: equal canonical types are the same C type. */
    public CType canonical(CType t) {
        return switch (resolve(t)) {
            case CType.Pointer p -> new CType.Pointer(canonical(p.target()));
            case CType.Array a -> new CType.Array(canonical(a.element()), a.length());
            case CType r -> r;
        };
    }

    /** A prototype with {@link #canonical} types (parameter names kept). */
    public Prototype canonicalPrototype(Prototype p) {
        return new Prototype(p.parameters().stream().map(f -> new Field(f.name(), canonical(f.type()))).toList(),
                canonical(p.returns()));
    }

    /** True if {@code name} names a type: a struct, a typedef or an enum. */
    public boolean hasType(String name) {
        return structs.containsKey(name) || typedefs.containsKey(name) || enums.contains(name);
    }

    /** The value of an enumerator, if {@code name} is one. */
    public java.util.Optional<java.math.BigInteger> enumerator(String name) {
        return java.util.Optional.ofNullable(enumerators.get(name));
    }

    public long sizeOf(CType t) {
        return switch (resolve(t)) {
            case CType.Void v -> 1; // GNU C's sizeof(void); the checker rejects void objects anyway
            case CType.Scalar s -> s.kind().size();
            case CType.Pointer p -> 8;
            case CType.Array a -> Math.multiplyExact(sizeOf(a.element()), a.length());
            case CType.Named n -> struct(n.name()).size();
        };
    }

    /**
     * The size of a type whose layout is known; empty for an {@linkplain #isOpaque opaque} struct
     * (undeclared), for {@code void}, and for a struct that could not be laid out. Use it where a
     * policy written in the paper's notation may name a type it never declares ({@link #sizeOf}
     * throws for those).
     */
    public java.util.OptionalLong sizeIfKnown(CType t) {
        CType r = resolve(t);
        if (r instanceof CType.Void || !isComplete(r)) return java.util.OptionalLong.empty();
        return java.util.OptionalLong.of(sizeOf(r));
    }

    public long alignOf(CType t) {
        return switch (resolve(t)) {
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
        return switch (resolve(t)) {
            case CType.Named n -> layouts.containsKey(n.name());
            case CType.Array a -> isComplete(a.element());
            case CType.Pointer p -> true;
            case CType.Scalar s -> true;
            case CType.Void v -> true;
        };
    }

    /**
     * True if the type is a struct name the policy does not declare (C's incomplete type, as in
     * {@code (Request *r)} with no {@code struct Request}). Allowed only behind a pointer; an
     * object of such a type has no known size or fields, so no access to it can be proved in bounds.
     */
    public boolean isOpaque(CType t) {
        return resolve(t) instanceof CType.Named n && !hasType(n.name()) && !broken.contains(n.name());
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
