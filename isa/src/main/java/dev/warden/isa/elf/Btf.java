package dev.warden.isa.elf;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.UnaryOperator;

/**
 * The {@code .BTF} section of an object: its type table, typed ({@link BtfType}, every kind up
 * to ENUM64), with lookups by id and name, resolution through typedefs and modifiers, sizes, and
 * function prototypes. Type id 0 is {@code void}; ids count from 1 in table order.
 *
 * <p>The reader checks, when it parses the section, that every type id a type refers to exists
 * and that no chain of typedefs and modifiers is longer than 32 (the kernel's MAX_RESOLVE_DEPTH)
 * or loops, so the lookups here are total over the ids the table itself contains.
 *
 * <p>Compact: a table keeps its bytes and where each type starts, and decodes a type when it is
 * first looked up (kept from then on), so the kernel's BTF ({@code /sys/kernel/btf/vmlinux}, over
 * 100,000 types, of which a verification looks at a few hundred) costs its 5 MB of bytes and about
 * a dozen bytes per type (its start, a slot for its decoded form, its place in the name index)
 * instead of some 50 MB of decoded types (docs/verifier-performance.md, "Memory"). Lookups by
 * name go through an index of ids sorted by name ({@link BtfNames}).
 */
public final class Btf {
    static final int MAGIC = 0xeb9f;
    static final int INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, UNION = 5, ENUM = 6, FWD = 7, TYPEDEF = 8,
            VOLATILE = 9, CONST = 10, RESTRICT = 11, FUNC = 12, FUNC_PROTO = 13, VAR = 14, DATASEC = 15,
            FLOAT = 16, DECL_TAG = 17, TYPE_TAG = 18, ENUM64 = 19;
    /** Modifier chains longer than this are rejected, as the kernel does (MAX_RESOLVE_DEPTH). */
    static final int MAX_DEPTH = 32;

    /** One member of a struct/union, one variable of a datasec (offset, size), or one parameter. */
    record Member(String name, int type, long offset, long size) {}

    /**
     * One type: its kind, name, the header's size-or-type word, and its kind-specific trailer
     * (members; for ARRAY one entry whose offset is the element count).
     */
    record Type(int id, int kind, String name, long sizeOrType, List<Member> members, long fileOffset) {}

    /** One type record read from the table: raw and typed, and where the next record starts. */
    private record Read(Type raw, BtfType typed, long end) {}

    private final Bytes section;
    private final Bytes typeBytes;
    private final Bytes strings;
    /** Where each type's record starts in {@link #typeBytes}, by id; entry 0 (void) has no record. */
    private final int[] starts;
    /** The types decoded so far, by id: each is decoded on its first lookup and kept. */
    private final AtomicReferenceArray<BtfType> decoded;
    /** Every named type, by name; built on the first lookup by name. */
    private volatile BtfNames names;

    private Btf(Bytes section, Bytes typeBytes, Bytes strings, int[] starts) {
        this.section = section;
        this.typeBytes = typeBytes;
        this.strings = strings;
        this.starts = starts;
        this.decoded = new AtomicReferenceArray<>(starts.length);
        decoded.set(0, new BtfType.Void());
    }

    static Btf parse(Bytes btf) throws ElfFormatException {
        int magic = btf.u16(0, "BTF magic");
        if (magic != MAGIC) {
            throw btf.error(0, String.format("BTF magic: expected 0xeb9f, found 0x%x", magic));
        }
        int version = btf.u8(2, "BTF version");
        if (version != 1) {
            throw btf.error(2, "BTF version: expected 1, found " + version);
        }
        long hdrLen = btf.u32l(4, "BTF header length");
        if (hdrLen < 24) {
            throw btf.error(4, "BTF header length " + hdrLen + " is shorter than the 24 bytes of the header");
        }
        long typeOff = btf.u32l(8, "BTF type_off");
        long typeLen = btf.u32l(12, "BTF type_len");
        long strOff = btf.u32l(16, "BTF str_off");
        long strLen = btf.u32l(20, "BTF str_len");
        Bytes typeBytes = btf.slice(hdrLen + typeOff, typeLen, "BTF type table");
        Bytes strings = btf.slice(hdrLen + strOff, strLen, "BTF string table");
        if (strLen == 0 || strings.u8(0, "BTF string table") != 0) {
            throw btf.error(hdrLen + strOff, "BTF string table must start with an empty string");
        }
        // Every record is read and decoded once here, so that a malformed table is rejected now
        // and later lookups cannot fail; only the start of each record is kept.
        int[] starts = new int[1024];
        int count = 1;
        long at = 0;
        long largestReference = 0;
        while (at < typeBytes.length()) {
            Read r = read(typeBytes, strings, at, count);
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, 2 * count);
            }
            starts[count++] = (int) at;
            at = r.end();
            for (int ref : BtfTypeDecoder.references(r.typed())) {
                // Ids are u32 in the file: compared unsigned, a huge one is not below the count.
                largestReference = Math.max(largestReference, Integer.toUnsignedLong(ref));
            }
        }
        Btf table = new Btf(btf, typeBytes, strings, Arrays.copyOf(starts, count));
        if (largestReference >= count) {
            table.reportDanglingReference();
        }
        table.checkChains();
        return table;
    }

    /** Reads the record at {@code at} of the type table as type {@code id}, checking every field. */
    private static Read read(Bytes typeBytes, Bytes strings, long at, int id) throws ElfFormatException {
        String what = "BTF type " + id;
        long nameOff = typeBytes.u32l(at, what + " name");
        int info = typeBytes.u32(at + 4, what + " info");
        long sizeOrType = typeBytes.u32l(at + 8, what + " size/type");
        int vlen = info & 0xffff;
        int kind = (info >>> 24) & 0x1f;
        boolean kindFlag = info < 0; // bit 31
        String name = strings.cString(nameOff, what + " name");
        long fileOffset = typeBytes.fileOffset(at);
        long start = at;
        at += 12;
        List<Member> members = new ArrayList<>();
        switch (kind) {
            case INT, VAR, DECL_TAG -> at += 4;
            case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> { }
            case ARRAY -> {
                members.add(new Member("", typeBytes.u32(at, what + " array element type"), typeBytes.u32l(at + 8, what + " array length"), 0));
                at += 12;
            }
            case STRUCT, UNION -> {
                for (int i = 0; i < vlen; i++, at += 12) {
                    members.add(new Member(strings.cString(typeBytes.u32l(at, what + " member name"), what + " member name"),
                            typeBytes.u32(at + 4, what + " member type"), typeBytes.u32l(at + 8, what + " member offset"), 0));
                }
            }
            case ENUM -> at += 8L * vlen;
            case ENUM64 -> at += 12L * vlen;
            case FUNC_PROTO -> {
                for (int i = 0; i < vlen; i++, at += 8) {
                    members.add(new Member("", typeBytes.u32(at + 4, what + " parameter type"), 0, 0));
                }
            }
            case DATASEC -> {
                for (int i = 0; i < vlen; i++, at += 12) {
                    members.add(new Member("", typeBytes.u32(at, what + " variable type"),
                            typeBytes.u32l(at + 4, what + " variable offset"), typeBytes.u32l(at + 8, what + " variable size")));
                }
            }
            default -> throw typeBytes.error(at - 12, what + ": unknown BTF kind " + kind);
        }
        if (at > typeBytes.length()) {
            throw typeBytes.error(typeBytes.length(), "truncated BTF type table: " + what + " ends past its end");
        }
        return new Read(new Type(id, kind, name, sizeOrType, List.copyOf(members), fileOffset),
                BtfTypeDecoder.decode(typeBytes, strings, start, id, kind, kindFlag, vlen, name, sizeOrType), at);
    }

    /** The record of type {@code id}, read again (the parse checked it, so this cannot fail). */
    private Read reread(int id) {
        try {
            return read(typeBytes, strings, starts[id], id);
        } catch (ElfFormatException e) {
            throw new IllegalStateException("BTF type " + id + " was checked when the table was read: " + e.getMessage(), e);
        }
    }

    /** The error for the first type, in id order, that refers to an id the table lacks (and its first such reference). */
    private void reportDanglingReference() throws ElfFormatException {
        for (int id = 1; id < starts.length; id++) {
            for (int ref : BtfTypeDecoder.references(reread(id).typed())) {
                if (ref < 0 || ref >= starts.length) {
                    throw section.error(typeBytes.fileOffset(starts[id]) - section.fileOffset(0), "BTF type " + id
                            + " refers to type " + Integer.toUnsignedString(ref) + ", which does not exist (there are "
                            + starts.length + ")");
                }
            }
        }
        throw new IllegalStateException("a reference past the table was seen but not found again");
    }

    /**
     * Checks that every typedef/modifier chain reaches a non-modifier within {@link #MAX_DEPTH}
     * steps (which also rules out loops), on the raw records: every id is known to exist by now.
     */
    private void checkChains() throws ElfFormatException {
        for (int id = 1; id < starts.length; id++) {
            int at = id;
            for (int depth = 0; isModifier(rawKind(at)); depth++) {
                if (depth > MAX_DEPTH) {
                    throw section.error(typeBytes.fileOffset(starts[id]) - section.fileOffset(0), "BTF type " + id
                            + ": chain of typedefs and modifiers deeper than " + MAX_DEPTH + " (or a loop)");
                }
                at = (int) rawWord(at, 8);
            }
        }
    }

    /** The kind of type {@code id}, from its record's info word (void's is 0). */
    int rawKind(int id) {
        return id == 0 ? 0 : (int) (rawWord(id, 4) >>> 24) & 0x1f;
    }

    /** The name of type {@code id} ({@code ""} when anonymous), read from the string table. */
    String rawName(int id) {
        if (id == 0) {
            return "void";
        }
        try {
            return strings.cString(rawWord(id, 0), "BTF type " + id + " name");
        } catch (ElfFormatException e) {
            throw new IllegalStateException("BTF type " + id + " was checked when the table was read: " + e.getMessage(), e);
        }
    }

    /** A 32-bit word of type {@code id}'s header, unsigned. */
    private long rawWord(int id, int offset) {
        try {
            return typeBytes.u32l(starts[id] + offset, "BTF type " + id);
        } catch (ElfFormatException e) {
            throw new IllegalStateException("BTF type " + id + " was checked when the table was read: " + e.getMessage(), e);
        }
    }

    /** The number of types, void included. */
    int count() {
        return starts.length;
    }

    /** An index of the named types by {@code key} of their names (for CO-RE's names without flavours). */
    BtfNames index(UnaryOperator<String> key) {
        return BtfNames.of(this, key);
    }

    private BtfNames names() {
        BtfNames n = names;
        if (n == null) {
            synchronized (this) {
                if (names == null) {
                    names = index(UnaryOperator.identity());
                }
                n = names;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- public, typed

    /** Every type, indexed by id ({@code types().get(0)} is {@link BtfType.Void}); decoded as they are read. */
    public List<BtfType> types() {
        return new AbstractList<>() {
            @Override
            public BtfType get(int id) {
                Objects.checkIndex(id, starts.length);
                return typed(id);
            }

            @Override
            public int size() {
                return starts.length;
            }
        };
    }

    /** The type with this id, if the table has one. */
    public Optional<BtfType> byId(long id) {
        return id >= 0 && id < starts.length ? Optional.of(typed((int) id)) : Optional.empty();
    }

    private BtfType typed(int id) {
        BtfType t = decoded.get(id);
        if (t == null) {
            // Two threads may decode the same type; both get equal values and one is kept.
            decoded.compareAndSet(id, null, reread(id).typed());
            t = decoded.get(id);
        }
        return t;
    }

    /** The first type of this kind and name, in id order. */
    public <T extends BtfType> Optional<T> named(String name, Class<T> kind) {
        for (int id : names().lookup(name)) {
            BtfType t = typed(id);
            if (kind.isInstance(t)) {
                return Optional.of(kind.cast(t));
            }
        }
        return Optional.empty();
    }

    /** The type under any typedefs and modifiers (const, volatile, restrict, type tags). */
    public Optional<BtfType> resolve(long id) {
        Optional<BtfType> t = byId(id);
        // The parse checked that chains end within MAX_DEPTH, so this loop terminates.
        while (t.isPresent() && t.get().isModifierOrTypedef()) {
            t = byId(BtfTypeDecoder.referent(t.get()));
        }
        return t;
    }

    /**
     * The size in bytes of a type, as {@code sizeof} gives it; empty for types without a size
     * (void, functions, prototypes, forward declarations) and ids the table lacks.
     */
    public OptionalLong sizeOf(long id) {
        return sizeOfTyped(id, 0);
    }

    private OptionalLong sizeOfTyped(long id, int depth) {
        Optional<BtfType> r = resolve(id);
        if (r.isEmpty() || depth > MAX_DEPTH) {
            return OptionalLong.empty();
        }
        return switch (r.get()) {
            case BtfType.Int t -> OptionalLong.of(t.size());
            case BtfType.Ptr t -> OptionalLong.of(8);
            case BtfType.Struct t -> OptionalLong.of(t.size());
            case BtfType.Union t -> OptionalLong.of(t.size());
            case BtfType.Enum t -> OptionalLong.of(t.size());
            case BtfType.Enum64 t -> OptionalLong.of(t.size());
            case BtfType.Float t -> OptionalLong.of(t.size());
            case BtfType.Datasec t -> OptionalLong.of(t.size());
            case BtfType.Var t -> sizeOfTyped(t.type(), depth + 1);
            case BtfType.Array t -> {
                OptionalLong elem = sizeOfTyped(t.element(), depth + 1);
                yield elem.isPresent() ? arraySize(elem.getAsLong(), t.length()) : OptionalLong.empty();
            }
            case BtfType.Void v -> OptionalLong.empty();
            case BtfType.Fwd f -> OptionalLong.empty();
            case BtfType.Func f -> OptionalLong.empty();
            case BtfType.FuncProto f -> OptionalLong.empty();
            case BtfType.DeclTag d -> OptionalLong.empty();
            case BtfType.Typedef t -> OptionalLong.empty(); // resolved above
            case BtfType.Volatile t -> OptionalLong.empty();
            case BtfType.Const t -> OptionalLong.empty();
            case BtfType.Restrict t -> OptionalLong.empty();
            case BtfType.TypeTag t -> OptionalLong.empty();
        };
    }

    /**
     * For a pointer type (through typedefs and modifiers), the size of what it points to: how many
     * bytes a global function may access through a pointer argument. Empty for non-pointers and
     * pointers to unsized types ({@code void *}, forward-declared structs).
     */
    public OptionalLong pointeeSize(long id) {
        return resolve(id).filter(t -> t instanceof BtfType.Ptr).map(t -> sizeOf(((BtfType.Ptr) t).target()))
                .orElse(OptionalLong.empty());
    }

    /** Every function (BTF FUNC), in id order; of several with one name, the first. */
    public List<BtfType.Func> functions() {
        Map<String, BtfType.Func> first = new LinkedHashMap<>();
        for (int id = 1; id < starts.length; id++) {
            if (rawKind(id) == FUNC && typed(id) instanceof BtfType.Func f) {
                first.putIfAbsent(f.name(), f);
            }
        }
        return List.copyOf(first.values());
    }

    /** The function of this name (the first, in id order). */
    public Optional<BtfType.Func> function(String name) {
        return named(name, BtfType.Func.class);
    }

    /** The prototype of the function of this name: its parameters and return type. */
    public Optional<BtfType.FuncProto> prototype(String functionName) {
        return function(functionName).flatMap(f -> byId(f.prototype()))
                .filter(t -> t instanceof BtfType.FuncProto).map(t -> (BtfType.FuncProto) t);
    }

    // ---------------------------------------------------------------- package-private, raw (for the reader)

    /** The string at {@code offset} of the BTF string table. */
    String string(long offset, String what) throws ElfFormatException {
        return strings.cString(offset, what);
    }

    Type type(long id, String what) throws ElfFormatException {
        if (id < 0 || id >= starts.length) {
            throw section.error(0, what + ": BTF type id " + id + " does not exist (there are " + starts.length + ")");
        }
        return id == 0 ? new Type(0, 0, "void", 0, List.of(), section.fileOffset(0)) : reread((int) id).raw();
    }

    Optional<Type> datasec(String name) {
        for (int id = 1; id < starts.length; id++) {
            if (rawKind(id) == DATASEC && rawName(id).equals(name)) {
                return Optional.of(reread(id).raw());
            }
        }
        return Optional.empty();
    }

    /** Follows typedefs and modifiers (const, volatile, restrict, type tags) to the underlying type. */
    Type skipModifiers(long id, String what) throws ElfFormatException {
        Type t = type(id, what);
        for (int depth = 0; isModifier(t.kind()); depth++) {
            if (depth > MAX_DEPTH) {
                throw section.error(t.fileOffset() - section.fileOffset(0), what + ": BTF modifier chain deeper than " + MAX_DEPTH);
            }
            t = type(t.sizeOrType(), what);
        }
        return t;
    }

    /** The size in bytes of a type, as {@code sizeof} gives it. */
    long sizeOf(long id, String what) throws ElfFormatException {
        return sizeOf(id, what, 0);
    }

    private long sizeOf(long id, String what, int depth) throws ElfFormatException {
        if (depth > MAX_DEPTH) {
            throw section.error(0, what + ": BTF type nesting deeper than " + MAX_DEPTH);
        }
        Type t = skipModifiers(id, what);
        return switch (t.kind()) {
            case INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC -> t.sizeOrType();
            case PTR -> 8;
            case ARRAY -> {
                Member a = t.members().get(0);
                long elem = sizeOf(a.type(), what, depth + 1);
                OptionalLong size = arraySize(elem, a.offset());
                if (size.isEmpty()) {
                    throw section.error(t.fileOffset() - section.fileOffset(0), what + ": BTF type " + t.id() + ", an array of "
                            + a.offset() + " elements of " + elem + " bytes, overflows U32_MAX bytes");
                }
                yield size.getAsLong();
            }
            case VAR -> sizeOf(t.sizeOrType(), what, depth + 1);
            default -> throw section.error(t.fileOffset() - section.fileOffset(0),
                    what + ": BTF type " + t.id() + " (kind " + t.kind() + ") has no size");
        };
    }

    /**
     * The size of {@code count} elements of {@code element} bytes, or empty past {@code U32_MAX}:
     * Linux refuses such an array ("Array size overflows U32_MAX"), and an array of such arrays
     * would otherwise multiply past 2^64 and wrap.
     */
    static OptionalLong arraySize(long element, long count) {
        long max = 0xffff_ffffL;
        return count != 0 && element > max / count ? OptionalLong.empty() : OptionalLong.of(element * count);
    }

    private static boolean isModifier(int kind) {
        return kind == TYPEDEF || kind == VOLATILE || kind == CONST || kind == RESTRICT || kind == TYPE_TAG;
    }
}
