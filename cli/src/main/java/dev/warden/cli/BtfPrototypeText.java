package dev.warden.cli;

import dev.warden.isa.elf.Btf;
import dev.warden.isa.elf.BtfType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A function's BTF prototype written as a C declaration ({@code int f(struct xdp_md *ctx, __u32 n)}),
 * for the human output of {@code warden verify}: a {@code .text} function verified on its own has no
 * program type, and its prototype is what types its arguments.
 */
final class BtfPrototypeText {
    private BtfPrototypeText() {}

    /** Deeper type chains than this are cut with "..." (BTF may be cyclic through pointers only, but be safe). */
    private static final int MAX_DEPTH = 16;

    /** The declaration of function {@code name}, if {@code btf} has its prototype. */
    static Optional<String> of(Btf btf, String name) {
        return btf.prototype(name).map(p -> {
            List<String> params = new ArrayList<>();
            for (BtfType.Param param : p.params()) {
                params.add(declare(btf, param.type(), param.name()));
            }
            String args = params.isEmpty() ? "void" : String.join(", ", params);
            return declare(btf, p.returnType(), name + "(" + args + ")");
        });
    }

    /** {@code type} declaring {@code declarator} (which may be empty), C style. */
    private static String declare(Btf btf, long type, String declarator) {
        String d = declarator == null ? "" : declarator;
        long id = type;
        String prefix = "";
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            Optional<BtfType> t = btf.byId(id);
            if (t.isEmpty() || t.get() instanceof BtfType.Void) {
                return join("void", prefix, d);
            }
            switch (t.get()) {
                case BtfType.Ptr p -> {
                    d = "*" + d;
                    id = p.target();
                    continue;
                }
                case BtfType.Const c -> {
                    prefix = prefix + "const ";
                    id = c.type();
                    continue;
                }
                case BtfType.Volatile v -> {
                    prefix = prefix + "volatile ";
                    id = v.type();
                    continue;
                }
                case BtfType.Restrict r -> {
                    id = r.type();
                    continue;
                }
                case BtfType.TypeTag tt -> {
                    id = tt.type();
                    continue;
                }
                case BtfType.Array a -> {
                    d = (d.startsWith("*") ? "(" + d + ")" : d) + "[" + a.length() + "]";
                    id = a.element();
                    continue;
                }
                case BtfType.Struct s -> {
                    return join("struct " + s.name(), prefix, d);
                }
                case BtfType.Union u -> {
                    return join("union " + u.name(), prefix, d);
                }
                case BtfType.Enum e -> {
                    return join("enum " + e.name(), prefix, d);
                }
                case BtfType.Enum64 e -> {
                    return join("enum " + e.name(), prefix, d);
                }
                case BtfType.Fwd f -> {
                    return join((f.aggregate() == BtfType.Fwd.Aggregate.UNION ? "union " : "struct ") + f.name(), prefix, d);
                }
                case BtfType.FuncProto fp -> {
                    return join("void", prefix, "(" + d + ")(...)");
                }
                default -> {
                    return join(t.get().name().isEmpty() ? "?" : t.get().name(), prefix, d);
                }
            }
        }
        return join("...", prefix, d);
    }

    private static String join(String base, String prefix, String declarator) {
        String type = prefix + base;
        if (declarator.isEmpty()) {
            return type;
        }
        return declarator.startsWith("*") ? type + " " + declarator : type + " " + declarator;
    }
}
