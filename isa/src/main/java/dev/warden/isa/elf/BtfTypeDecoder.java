package dev.warden.isa.elf;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one BTF type record into its typed form ({@link BtfType}) and lists the ids it refers
 * to, which {@link Btf#parse} checks once the table is complete. The record layouts are those of include/uapi/linux/btf.h; the
 * raw pass in {@link Btf#parse} has already bounded each record, so reads here stay inside it.
 */
final class BtfTypeDecoder {
    private BtfTypeDecoder() {}

    static BtfType decode(Bytes b, Bytes strings, long start, int id, int kind, boolean kindFlag, int vlen, String name,
                          long sizeOrType) throws ElfFormatException {
        String what = "BTF type " + id;
        long at = start + 12;
        int ref = (int) sizeOrType;
        int size = (int) sizeOrType;
        return switch (kind) {
            case Btf.INT -> {
                int enc = b.u32(at, what + " int encoding");
                int encoding = (enc >>> 24) & 0x0f;
                BtfType.Signedness sign = (encoding & 1) != 0 ? BtfType.Signedness.SIGNED : BtfType.Signedness.UNSIGNED;
                BtfType.Int.Encoding display = (encoding & 4) != 0 ? BtfType.Int.Encoding.BOOL
                        : (encoding & 2) != 0 ? BtfType.Int.Encoding.CHAR : BtfType.Int.Encoding.PLAIN;
                yield new BtfType.Int(id, name, size, enc & 0xff, (enc >>> 16) & 0xff, sign, display);
            }
            case Btf.PTR -> new BtfType.Ptr(id, name, ref);
            case Btf.ARRAY -> new BtfType.Array(id, name, b.u32(at, what + " array element type"),
                    b.u32(at + 4, what + " array index type"), b.u32l(at + 8, what + " array length"));
            case Btf.STRUCT, Btf.UNION -> {
                List<BtfType.Member> members = new ArrayList<>();
                for (int i = 0; i < vlen; i++, at += 12) {
                    String m = strings.cString(b.u32l(at, what + " member name"), what + " member name");
                    int type = b.u32(at + 4, what + " member type");
                    long offset = b.u32l(at + 8, what + " member offset");
                    // With kind_flag set, the offset word holds the bitfield width in its top 8 bits.
                    members.add(kindFlag ? new BtfType.Member(m, type, offset & 0xff_ffffL, (int) (offset >>> 24))
                            : new BtfType.Member(m, type, offset, 0));
                }
                yield kind == Btf.STRUCT ? new BtfType.Struct(id, name, sizeOrType, members)
                        : new BtfType.Union(id, name, sizeOrType, members);
            }
            case Btf.ENUM, Btf.ENUM64 -> {
                List<BtfType.Enumerator> values = new ArrayList<>();
                int record = kind == Btf.ENUM ? 8 : 12;
                for (int i = 0; i < vlen; i++, at += record) {
                    String n = strings.cString(b.u32l(at, what + " enumerator name"), what + " enumerator name");
                    long value = kind == Btf.ENUM
                            ? (kindFlag ? b.u32(at + 4, what + " enumerator value") : b.u32l(at + 4, what + " enumerator value"))
                            : b.u32l(at + 4, what + " enumerator value") | b.u32l(at + 8, what + " enumerator value") << 32;
                    values.add(new BtfType.Enumerator(n, value));
                }
                BtfType.Signedness sign = kindFlag ? BtfType.Signedness.SIGNED : BtfType.Signedness.UNSIGNED;
                yield kind == Btf.ENUM ? new BtfType.Enum(id, name, size, sign, values) : new BtfType.Enum64(id, name, size, sign, values);
            }
            case Btf.FWD -> new BtfType.Fwd(id, name, kindFlag ? BtfType.Fwd.Aggregate.UNION : BtfType.Fwd.Aggregate.STRUCT);
            case Btf.TYPEDEF -> new BtfType.Typedef(id, name, ref);
            case Btf.VOLATILE -> new BtfType.Volatile(id, name, ref);
            case Btf.CONST -> new BtfType.Const(id, name, ref);
            case Btf.RESTRICT -> new BtfType.Restrict(id, name, ref);
            case Btf.TYPE_TAG -> new BtfType.TypeTag(id, name, ref);
            case Btf.FUNC -> new BtfType.Func(id, name, ref, linkage(b, start, vlen, what));
            case Btf.FUNC_PROTO -> {
                List<BtfType.Param> params = new ArrayList<>();
                for (int i = 0; i < vlen; i++, at += 8) {
                    params.add(new BtfType.Param(strings.cString(b.u32l(at, what + " parameter name"), what + " parameter name"),
                            b.u32(at + 4, what + " parameter type")));
                }
                yield new BtfType.FuncProto(id, name, params, ref);
            }
            case Btf.VAR -> new BtfType.Var(id, name, ref, linkage(b, start, b.u32(at, what + " var linkage"), what));
            case Btf.DATASEC -> {
                List<BtfType.SectionVar> vars = new ArrayList<>();
                for (int i = 0; i < vlen; i++, at += 12) {
                    vars.add(new BtfType.SectionVar(b.u32(at, what + " variable type"), b.u32l(at + 4, what + " variable offset"),
                            b.u32l(at + 8, what + " variable size")));
                }
                yield new BtfType.Datasec(id, name, sizeOrType, vars);
            }
            case Btf.FLOAT -> new BtfType.Float(id, name, size);
            case Btf.DECL_TAG -> new BtfType.DeclTag(id, name, ref, b.u32(at, what + " decl tag component"));
            default -> throw b.error(start, what + ": unknown BTF kind " + kind);
        };
    }

    private static BtfType.Linkage linkage(Bytes b, long start, int value, String what) throws ElfFormatException {
        return switch (value) {
            case 0 -> BtfType.Linkage.STATIC;
            case 1 -> BtfType.Linkage.GLOBAL;
            case 2 -> BtfType.Linkage.EXTERN;
            default -> throw b.error(start, what + ": unknown linkage " + value);
        };
    }

    /** The type a typedef or modifier stands for. */
    static int referent(BtfType t) {
        return switch (t) {
            case BtfType.Typedef x -> x.type();
            case BtfType.Volatile x -> x.type();
            case BtfType.Const x -> x.type();
            case BtfType.Restrict x -> x.type();
            case BtfType.TypeTag x -> x.type();
            default -> throw new IllegalArgumentException("type " + t.id() + " is not a typedef or modifier");
        };
    }

    /** Every type id a type mentions, so that the table can be checked for dangling references. */
    static List<Integer> references(BtfType t) {
        return switch (t) {
            case BtfType.Ptr x -> List.of(x.target());
            case BtfType.Array x -> List.of(x.element(), x.indexType());
            case BtfType.Struct x -> x.members().stream().map(BtfType.Member::type).toList();
            case BtfType.Union x -> x.members().stream().map(BtfType.Member::type).toList();
            case BtfType.Typedef x -> List.of(x.type());
            case BtfType.Volatile x -> List.of(x.type());
            case BtfType.Const x -> List.of(x.type());
            case BtfType.Restrict x -> List.of(x.type());
            case BtfType.TypeTag x -> List.of(x.type());
            case BtfType.Func x -> List.of(x.prototype());
            case BtfType.FuncProto x -> {
                List<Integer> out = new ArrayList<>(x.params().stream().map(BtfType.Param::type).toList());
                out.add(x.returnType());
                yield out;
            }
            case BtfType.Var x -> List.of(x.type());
            case BtfType.Datasec x -> x.vars().stream().map(BtfType.SectionVar::type).toList();
            case BtfType.DeclTag x -> List.of(x.type());
            case BtfType.Void x -> List.of();
            case BtfType.Int x -> List.of();
            case BtfType.Enum x -> List.of();
            case BtfType.Enum64 x -> List.of();
            case BtfType.Fwd x -> List.of();
            case BtfType.Float x -> List.of();
        };
    }
}
