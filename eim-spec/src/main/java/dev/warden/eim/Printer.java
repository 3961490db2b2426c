package dev.warden.eim;

import dev.warden.eim.Declaration.Allowed;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical text of model values: what {@code warden fmt} prints and what messages quote.
 * Parsing the printed text gives back an equal value.
 */
public final class Printer {

    /** Lines longer than this break one property (or one set element) per line. */
    static final int WIDTH = 100;
    private static final String INDENT = "    ";

    private Printer() {}

    // ---------------------------------------------------------------- expressions

    public static String expr(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> i.value().toString();
            case Expr.BoolLit b -> Boolean.toString(b.value());
            case Expr.Null n -> "null";
            case Expr.SizeOfType s -> "sizeof(" + type(s.type()) + ")";
            case Expr.SizeOfPath s -> "sizeof(" + s.path() + ")";
            case Expr.Call c -> c.function() + "(" + String.join(", ", c.arguments().stream().map(Printer::expr).toList()) + ")";
            case Expr.Ref r -> r.path().toString();
            case Expr.Unary u -> u.op().text() + wrap(u.operand(), precedence(u.operand()) < Expr.UNARY_PRECEDENCE);
            case Expr.InRange r -> wrap(r.operand(), precedence(r.operand()) < Expr.IN_PRECEDENCE)
                    + " in [" + expr(r.low()) + ", " + expr(r.high()) + "]";
            case Expr.Binary b -> {
                int p = b.op().precedence();
                boolean rightAssoc = b.op() == Expr.BinaryOp.IMPLIES;
                // Left-associative: a same-precedence right operand needs parentheses; right-associative: the left one.
                boolean lp = precedence(b.left()) < p || (rightAssoc && precedence(b.left()) == p);
                boolean rp = precedence(b.right()) < p || (!rightAssoc && precedence(b.right()) == p);
                yield wrap(b.left(), lp) + " " + b.op().text() + " " + wrap(b.right(), rp);
            }
        };
    }

    private static int precedence(Expr e) {
        return switch (e) {
            case Expr.Binary b -> b.op().precedence();
            case Expr.InRange r -> Expr.IN_PRECEDENCE;
            default -> Expr.UNARY_PRECEDENCE;
        };
    }

    private static String wrap(Expr e, boolean parens) {
        return parens ? "(" + expr(e) + ")" : expr(e);
    }

    // ---------------------------------------------------------------- types

    /** A type alone: {@code char *}, {@code Request}. */
    public static String type(CType t) {
        return switch (t) {
            case CType.Pointer p -> p.target() instanceof CType.Pointer ? type(p.target()) + "*" : type(p.target()) + " *";
            case CType.Array a -> type(a.element()) + "[" + a.length() + "]";
            default -> t.spelling();
        };
    }

    /** A declarator: {@code char *uri}, {@code char name[16]}, {@code int m[2][3]}. */
    public static String declarator(CType t, String name) {
        StringBuilder dims = new StringBuilder();
        while (t instanceof CType.Array a) {
            dims.append('[').append(a.length()).append(']');
            t = a.element();
        }
        String base = type(t);
        return (base.endsWith("*") ? base : base + " ") + name + dims;
    }

    public static String prototype(Prototype p) {
        String params = p.parameters().isEmpty() ? "void"
                : String.join(", ", p.parameters().stream().map(f -> declarator(f.type(), f.name())).toList());
        return "(" + params + ") -> " + type(p.returns());
    }

    public static String allowed(Allowed a) {
        return switch (a) {
            case Allowed.Capability c -> c.name();
            case Allowed.ArgumentAccess acc -> acc.access().toString();
            case Allowed.Limit l -> l.kind().keyword() + " " + l.bound().show();
        };
    }

    // ---------------------------------------------------------------- declarations

    public static String declaration(Declaration d) {
        return declaration(d, Comments.NONE);
    }

    /**
     * A declaration with the comments {@code warden fmt} keeps inside it: at the end of struct
     * fields, and of properties and set elements when they are printed one per line (the caller
     * moves the others before the declaration).
     */
    static String declaration(Declaration d, Comments comments) {
        return switch (d) {
            case Declaration.Include i -> "include " + quote(i.name()) + ";";
            case Declaration.Struct s -> struct(s, comments);
            case Declaration.HostVariable h -> "host " + declarator(h.type(), h.name()) + ";";
            case Declaration.Typedef t -> "typedef " + declarator(t.type(), t.name()) + ";";
            case Declaration.Enum e -> {
                List<String> items = e.enumerators().stream()
                        .map(x -> x.name() + x.written().map(v -> " = " + v).orElse("")).toList();
                String one = "enum " + e.name() + " { " + String.join(", ", items) + " };";
                if (one.length() <= WIDTH) yield one;
                StringBuilder sb = new StringBuilder("enum ").append(e.name()).append(" {\n");
                for (int i = 0; i < items.size(); i++) {
                    sb.append(INDENT).append(items.get(i)).append(i + 1 < items.size() ? "," : "").append('\n');
                }
                yield sb.append("};").toString();
            }
            case Declaration.StateCapability s -> {
                List<Prop> props = new ArrayList<>();
                props.add(Prop.of("name", quote(s.name())));
                props.add(Prop.of("operation", s.operation().toString()));
                if (!s.constraints().isEmpty()) props.add(Prop.set("constraints", s.constraints().stream().map(Printer::expr).toList()));
                if (!s.entries().isEmpty()) props.add(Prop.set("entries", s.entries().stream().map(Printer::quote).toList()));
                yield kind("State_Capability", props, comments);
            }
            case Declaration.FunctionCapability f -> {
                List<Prop> props = new ArrayList<>();
                props.add(Prop.of("name", quote(f.name())));
                f.binding().ifPresent(b -> props.add(switch (b) {
                    case Binding.Helper h -> Prop.of("helper", Long.toString(h.id()));
                    case Binding.HostFunction h -> Prop.of("function", quote(h.name()));
                }));
                props.add(Prop.of("prototype", prototype(f.prototype())));
                if (!f.constraints().isEmpty()) props.add(Prop.set("constraints", f.constraints().stream().map(Printer::expr).toList()));
                if (!f.entries().isEmpty()) props.add(Prop.set("entries", f.entries().stream().map(Printer::quote).toList()));
                yield kind("Function_Capability", props, comments);
            }
            case Declaration.Entry e -> {
                List<Prop> props = new ArrayList<>(List.of(
                        Prop.of("name", quote(e.name())),
                        Prop.of("extension_entry", quote(e.hostFunction())),
                        Prop.of("prototype", prototype(e.prototype()))));
                if (!e.constraints().isEmpty()) props.add(Prop.set("constraints", e.constraints().stream().map(Printer::expr).toList()));
                yield kind("Extension_Entry", props, comments);
            }
            case Declaration.ExtensionClass c -> {
                List<Prop> props = new ArrayList<>(List.of(
                        Prop.of("name", quote(c.name())),
                        Prop.of("extension_entry", quote(c.entry())),
                        Prop.set("allowed", c.allowed().stream().map(Printer::allowed).toList())));
                if (!c.constraints().isEmpty()) props.add(Prop.set("constraints", c.constraints().stream().map(Printer::expr).toList()));
                yield kind("Extension_Class", props, comments);
            }
        };
    }

    /** A struct, one field per line, each with the comments {@code warden fmt} keeps before and after it. */
    static String struct(Declaration.Struct s, Comments comments) {
        StringBuilder sb = new StringBuilder("struct ").append(s.name()).append(" {\n");
        for (int i = 0; i < s.fields().size(); i++) {
            Field f = s.fields().get(i);
            Comments c = comments.field(i);
            for (String text : c.before()) sb.append(INDENT).append(text).append('\n');
            sb.append(INDENT).append(declarator(f.type(), f.name())).append(';').append(c.suffix()).append('\n');
        }
        return sb.append("};").toString();
    }

    /** One property: a plain value, or a set printed as {@code { a, b }} or one element per line. */
    private record Prop(String key, String value, List<String> elements, boolean isSet) {
        static Prop of(String key, String value) {
            return new Prop(key, value, List.of(), false);
        }

        static Prop set(String key, List<String> elements) {
            return new Prop(key, "", elements, true);
        }

        String inline() {
            if (!isSet) return key + " = " + value;
            return key + " = " + (elements.isEmpty() ? "{}" : "{ " + String.join(", ", elements) + " }");
        }

        /** The property on its own line(s), followed by {@code separator} and its end-of-line comments. */
        String broken(String indent, String separator, Comments comments) {
            String one = indent + inline();
            if (!isSet || one.length() <= WIDTH || elements.isEmpty()) return one + separator + comments.suffixWithElements(key);
            StringBuilder sb = new StringBuilder(indent).append(key).append(" = {\n");
            for (int i = 0; i < elements.size(); i++) {
                sb.append(indent).append(INDENT).append(elements.get(i)).append(i + 1 < elements.size() ? "," : "")
                        .append(comments.suffix(key + "#" + i)).append('\n');
            }
            return sb.append(indent).append('}').append(separator).append(comments.suffix(key)).toString();
        }
    }

    private static String kind(String kind, List<Prop> props, Comments comments) {
        String one = kind + "(" + String.join(", ", props.stream().map(Prop::inline).toList()) + ")";
        if (one.length() <= WIDTH) return one;
        StringBuilder sb = new StringBuilder(kind).append("(\n");
        for (int i = 0; i < props.size(); i++) {
            sb.append(props.get(i).broken(INDENT, i + 1 < props.size() ? "," : "", comments)).append('\n');
        }
        return sb.append(')').toString();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
