package dev.warden.isa.elf;

import java.util.List;
import java.util.Objects;

/**
 * One type of a {@code .BTF} type table, typed by its kind (include/uapi/linux/btf.h). Every type
 * has an id (its position in the table; 0 is {@code void}) and a name ({@code ""} when anonymous).
 * References to other types are ids: look them up with {@link Btf#byId}, or skip typedefs and
 * modifiers with {@link Btf#resolve}. The reader checks that every referenced id exists.
 */
public sealed interface BtfType {
    int id();

    String name();

    /** Whether a type is a typedef or a modifier (const, volatile, restrict, type tag) that {@link Btf#resolve} skips. */
    default boolean isModifierOrTypedef() {
        return this instanceof Typedef || this instanceof Volatile || this instanceof Const || this instanceof Restrict
                || this instanceof TypeTag;
    }

    /** Whether a {@code FUNC} or {@code VAR} is visible outside its object file. */
    enum Linkage {
        /** {@code static}: a BPF subprogram verified with its caller's argument types. */
        STATIC,
        /** A global definition: a BPF global function is verified once, against its BTF prototype. */
        GLOBAL,
        /** Declared here, defined elsewhere ({@code extern}). */
        EXTERN
    }

    /** Whether an integer or an enumeration is signed. */
    enum Signedness {
        UNSIGNED,
        SIGNED
    }

    /** Type id 0. */
    record Void() implements BtfType {
        @Override
        public int id() {
            return 0;
        }

        @Override
        public String name() {
            return "void";
        }
    }

    /**
     * An integer of {@code size} bytes holding {@code bits} bits from {@code bitOffset} (BTF_INT_BITS,
     * BTF_INT_OFFSET). {@code charType} and {@code boolType} record the encoding for display only.
     */
    record Int(int id, String name, int size, int bits, int bitOffset, Signedness signedness, Encoding encoding)
            implements BtfType {
        /** BTF_INT_CHAR and BTF_INT_BOOL: how the value prints; neither changes its arithmetic. */
        public enum Encoding { PLAIN, CHAR, BOOL }
    }

    record Ptr(int id, String name, int target) implements BtfType {}

    /** {@code element[length]}; {@code indexType} is the type of the subscript. */
    record Array(int id, String name, int element, int indexType, long length) implements BtfType {}

    /**
     * A struct or union member: its type, its offset in bits from the start, and for a bitfield its
     * width in bits (0 when not a bitfield).
     */
    record Member(String name, int type, long bitOffset, int bitfieldSize) {
        public Member {
            Objects.requireNonNull(name);
        }

        /** The byte offset, when the member starts on a byte. */
        public long byteOffset() {
            return bitOffset / 8;
        }
    }

    record Struct(int id, String name, long size, List<Member> members) implements BtfType {
        public Struct {
            members = List.copyOf(members);
        }
    }

    record Union(int id, String name, long size, List<Member> members) implements BtfType {
        public Union {
            members = List.copyOf(members);
        }
    }

    /** One enumerator. */
    record Enumerator(String name, long value) {}

    record Enum(int id, String name, int size, Signedness signedness, List<Enumerator> values) implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }
    }

    /** A 64-bit enumeration (BTF_KIND_ENUM64). */
    record Enum64(int id, String name, int size, Signedness signedness, List<Enumerator> values) implements BtfType {
        public Enum64 {
            values = List.copyOf(values);
        }
    }

    /** A forward declaration of a struct or union defined elsewhere (or nowhere). */
    record Fwd(int id, String name, Aggregate aggregate) implements BtfType {
        public enum Aggregate { STRUCT, UNION }
    }

    record Typedef(int id, String name, int type) implements BtfType {}

    record Volatile(int id, String name, int type) implements BtfType {}

    record Const(int id, String name, int type) implements BtfType {}

    record Restrict(int id, String name, int type) implements BtfType {}

    /** A {@code btf_type_tag} annotation on a pointer target ({@code __user}, {@code __percpu}, {@code __rcu}). */
    record TypeTag(int id, String name, int type) implements BtfType {}

    /** A function: its name, its {@link FuncProto} and its linkage. */
    record Func(int id, String name, int prototype, Linkage linkage) implements BtfType {}

    /** One parameter of a prototype; a last parameter of type 0 with no name marks a variadic function. */
    record Param(String name, int type) {}

    record FuncProto(int id, String name, List<Param> params, int returnType) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }

        /** Whether the prototype ends in {@code ...}. */
        public boolean variadic() {
            return !params.isEmpty() && params.getLast().type() == 0;
        }
    }

    record Var(int id, String name, int type, Linkage linkage) implements BtfType {}

    /** One variable of a data section: the VAR's id, its offset and size in the section. */
    record SectionVar(int type, long offset, long size) {}

    record Datasec(int id, String name, long size, List<SectionVar> vars) implements BtfType {
        public Datasec {
            vars = List.copyOf(vars);
        }
    }

    record Float(int id, String name, int size) implements BtfType {}

    /**
     * A {@code btf_decl_tag} on {@code type}: on the type itself when {@code componentIndex} is
     * -1, else on that member or parameter.
     */
    record DeclTag(int id, String name, int type, int componentIndex) implements BtfType {}
}
