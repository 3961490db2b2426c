package dev.warden.eim;

import dev.warden.eim.Declaration.Allowed;
import dev.warden.grammar.EimParser;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Builds model records from a parse tree of one file, item by item. Items that contain a syntax
 * error are skipped (their names are remembered so that references to them do not add
 * "unknown name" errors on top). Property-level problems (missing, duplicate, not allowed) are
 * reported here because they decide whether a record can be built at all.
 */
final class ModelBuilder {

    /** The properties each declaration kind takes; the first ones listed are required. */
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "State_Capability", List.of("name", "operation"),
            "Function_Capability", List.of("name", "prototype"),
            "Extension_Entry", List.of("name", "extension_entry", "prototype"),
            "Extension_Class", List.of("name", "extension_entry", "allowed"));
    private static final Map<String, Set<String>> OPTIONAL = Map.of(
            "State_Capability", Set.of("constraints", "entries"),
            "Function_Capability", Set.of("constraints", "helper", "function", "entries"),
            "Extension_Entry", Set.of("constraints"),
            "Extension_Class", Set.of("constraints"));

    private final SourceFile source;
    private final SourceMap map;
    private final Consumer<Diagnostic> sink;

    ModelBuilder(SourceFile source, SourceMap map, Consumer<Diagnostic> sink) {
        this.source = source;
        this.map = map;
        this.sink = sink;
    }

    /** The declarations built, the names of items skipped for syntax errors, and comments for fmt. */
    record Built(List<Declaration> declarations, Set<String> brokenNames,
                 IdentityHashMap<Declaration, Comments> comments, List<String> trailingComments) {}

    /**
     * @param syntaxErrorTokens token indices of the syntax errors; an error between two items counts
     *                          for the first (recovery reports a missing token at the next one)
     */
    Built build(EimParser.PolicyContext tree, List<Token> comments, List<Integer> syntaxErrorTokens) {
        List<Declaration> out = new ArrayList<>();
        Set<String> broken = new java.util.HashSet<>();
        IdentityHashMap<Declaration, Comments> byDeclaration = new IdentityHashMap<>();
        int nextComment = 0;
        List<EimParser.ItemContext> items = tree.item();
        for (int i = 0; i < items.size(); i++) {
            EimParser.ItemContext item = items.get(i);
            Token start = item.getStart();
            Token stop = item.getStop();
            if (start == null || stop == null) continue;
            int from = start.getTokenIndex();
            int to = i + 1 < items.size() && items.get(i + 1).getStart() != null
                    ? items.get(i + 1).getStart().getTokenIndex() - 1 : Integer.MAX_VALUE;
            boolean hasError = item.exception != null || syntaxErrorTokens.stream().anyMatch(o -> o >= from && o <= to);
            List<Token> inside = new ArrayList<>();
            while (nextComment < comments.size() && comments.get(nextComment).getStartIndex() <= stop.getStopIndex()) {
                inside.add(comments.get(nextComment++));
            }
            // End-of-line comments: they start on the line the item ends on, after it.
            List<String> after = new ArrayList<>();
            int nextStart = i + 1 < items.size() && items.get(i + 1).getStart() != null
                    ? items.get(i + 1).getStart().getStartIndex() : Integer.MAX_VALUE;
            while (nextComment < comments.size() && comments.get(nextComment).getLine() == stop.getLine()
                    && comments.get(nextComment).getStartIndex() < nextStart) {
                after.add(commentText(comments.get(nextComment++)));
            }
            if (hasError) {
                broken.add(""); // marks "something was skipped" (see Checker: no unused-capability warnings then)
                nameOf(item).ifPresent(broken::add);
                continue;
            }
            Optional<Declaration> d = item(item);
            d.ifPresent(decl -> {
                out.add(decl);
                byDeclaration.put(decl, placed(item, inside, after));
            });
            if (d.isEmpty()) {
                broken.add("");
                nameOf(item).ifPresent(broken::add);
            }
        }
        List<String> trailing = new ArrayList<>();
        while (nextComment < comments.size()) trailing.add(commentText(comments.get(nextComment++)));
        return new Built(out, broken, byDeclaration, trailing);
    }

    /**
     * Places the comments written inside an item: in a struct, a comment at the end of a field's
     * line stays after that field and a comment on the lines before a field stays before it;
     * every other comment goes before the declaration (the canonical layout has no place for it).
     */
    private Comments placed(EimParser.ItemContext item, List<Token> inside, List<String> after) {
        if (item instanceof EimParser.DeclItemContext d) return placedInDeclaration(d, inside, after);
        if (!(item instanceof EimParser.StructItemContext s) || s.field().isEmpty()) {
            return new Comments(inside.stream().map(this::commentText).toList(), after, List.of(), List.of());
        }
        List<EimParser.FieldContext> fields = s.field();
        List<String> before = new ArrayList<>();
        List<List<String>> fieldBefore = new ArrayList<>();
        List<List<String>> fieldAfter = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            fieldBefore.add(new ArrayList<>());
            fieldAfter.add(new ArrayList<>());
        }
        int nameEnd = s.ident().getStop().getStopIndex();
        for (Token c : inside) {
            String text = commentText(c);
            int trails = -1; // the field whose line this comment ends
            int precedes = -1; // the first field after this comment
            for (int i = 0; i < fields.size(); i++) {
                Token fe = fields.get(i).getStop();
                if (fe != null && fe.getStopIndex() < c.getStartIndex() && fe.getLine() == c.getLine()) trails = i;
                if (precedes < 0 && fields.get(i).getStart().getStartIndex() > c.getStartIndex()) precedes = i;
            }
            if (trails >= 0) {
                fieldAfter.get(trails).add(text);
            } else if (precedes >= 0 && c.getStartIndex() > nameEnd) {
                fieldBefore.get(precedes).add(text);
            } else {
                before.add(text);
            }
        }
        List<Comments> perField = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) perField.add(new Comments(fieldBefore.get(i), fieldAfter.get(i), List.of(), List.of()));
        return new Comments(before, after, perField, List.of());
    }

    /**
     * In {@code Kind(key = value, ...)}: a comment at the end of a line stays with the last
     * property or set element that ends on that line before it; any other comment goes before the
     * declaration.
     */
    private Comments placedInDeclaration(EimParser.DeclItemContext d, List<Token> inside, List<String> after) {
        // The parts, each with its last token: every property, and every element of a set property.
        List<String> names = new ArrayList<>();
        List<Token> stops = new ArrayList<>();
        for (EimParser.PropertyContext p : d.property()) {
            String key = p.getStart().getText();
            names.add(key);
            stops.add(p.getStop());
            List<? extends org.antlr.v4.runtime.tree.ParseTree> elements = switch (p) {
                case EimParser.ConstraintsPropContext c -> c.expr();
                case EimParser.EntriesPropContext e -> e.STRING();
                case EimParser.AllowedPropContext a -> a.allowed();
                default -> List.of();
            };
            for (int i = 0; i < elements.size(); i++) {
                names.add(key + "#" + i);
                stops.add(switch (elements.get(i)) {
                    case ParserRuleContext r -> r.getStop();
                    case org.antlr.v4.runtime.tree.TerminalNode t -> t.getSymbol();
                    default -> null;
                });
            }
        }
        List<String> before = new ArrayList<>();
        List<Comments.Part> parts = new ArrayList<>();
        for (Token c : inside) {
            int best = -1;
            for (int i = 0; i < stops.size(); i++) {
                Token t = stops.get(i);
                if (t != null && t.getLine() == c.getLine() && t.getStopIndex() < c.getStartIndex()
                        && (best < 0 || t.getStopIndex() > stops.get(best).getStopIndex())) {
                    best = i;
                }
            }
            if (best < 0) {
                before.add(commentText(c));
            } else {
                parts.add(new Comments.Part(names.get(best), commentText(c)));
            }
        }
        return new Comments(before, after, List.of(), parts);
    }

    /** A comment's text, with a final newline when a blank line follows it (the formatter keeps that paragraph break). */
    private String commentText(Token c) {
        String text = source.text();
        int newlines = 0;
        for (int i = c.getStopIndex() + 1; i < text.length() && Character.isWhitespace(text.charAt(i)); i++) {
            if (text.charAt(i) == '\n') newlines++;
        }
        return c.getText().strip() + (newlines >= 2 ? "\n" : "");
    }

    private static Optional<String> nameOf(EimParser.ItemContext item) {
        return switch (item) {
            case EimParser.StructItemContext s when s.ident() != null -> Optional.of(s.ident().getText());
            case EimParser.HostItemContext h when h.ident() != null -> Optional.of(h.ident().getText());
            case EimParser.TypedefItemContext t when t.ident() != null -> Optional.of(t.ident().getText());
            case EimParser.EnumItemContext e when e.ident() != null -> Optional.of(e.ident().getText());
            case EimParser.DeclItemContext d -> d.property().stream()
                    .filter(p -> p instanceof EimParser.NamePropContext n && n.STRING() != null)
                    .map(p -> unquote(((EimParser.NamePropContext) p).STRING().getText()))
                    .findFirst();
            default -> Optional.empty();
        };
    }

    // ---------------------------------------------------------------- items

    private Optional<Declaration> item(EimParser.ItemContext item) {
        return switch (item) {
            case EimParser.IncludeItemContext c -> {
                var d = new Declaration.Include(unquote(c.STRING().getText()));
                map.put(d, at(c.STRING().getSymbol()));
                yield Optional.of(d);
            }
            case EimParser.StructItemContext c -> {
                List<Field> fields = new ArrayList<>();
                for (var f : c.field()) {
                    Field field = new Field(f.ident().getText(), arrays(type(f.type()), f.arraySuffix()));
                    map.put(field, at(f.ident()));
                    map.put(field.type(), at(f.type()));
                    fields.add(field);
                }
                var d = new Declaration.Struct(c.ident().getText(), fields);
                map.put(d, at(c.ident()));
                yield Optional.of(d);
            }
            case EimParser.HostItemContext c -> {
                var d = new Declaration.HostVariable(c.ident().getText(), arrays(type(c.type()), c.arraySuffix()));
                map.put(d, at(c.ident()));
                map.put(d.type(), at(c.type()));
                yield Optional.of(d);
            }
            case EimParser.TypedefItemContext c -> {
                var d = new Declaration.Typedef(c.ident().getText(), arrays(type(c.type()), c.arraySuffix()));
                map.put(d, at(c.ident()));
                yield Optional.of(d);
            }
            case EimParser.EnumItemContext c -> {
                List<Declaration.Enumerator> es = new ArrayList<>();
                for (var e : c.enumerator()) {
                    Optional<BigInteger> v = e.INT() == null ? Optional.empty()
                            : Optional.of(e.minus != null ? integer(e.INT().getSymbol()).negate() : integer(e.INT().getSymbol()));
                    var en = new Declaration.Enumerator(e.ident().getText(), v);
                    map.put(en, at(e.ident()));
                    es.add(en);
                }
                var d = new Declaration.Enum(c.ident().getText(), es);
                map.put(d, at(c.ident()));
                yield Optional.of(d);
            }
            case EimParser.DeclItemContext c -> declaration(c);
            default -> Optional.empty();
        };
    }

    private Optional<Declaration> declaration(EimParser.DeclItemContext c) {
        String kind = c.kind.getText();
        Map<String, EimParser.PropertyContext> props = new LinkedHashMap<>();
        boolean ok = true;
        for (EimParser.PropertyContext p : c.property()) {
            String key = p.getStart().getText();
            if (!REQUIRED.get(kind).contains(key) && !OPTIONAL.get(kind).contains(key)) {
                List<String> allowed = new ArrayList<>(REQUIRED.get(kind));
                allowed.addAll(OPTIONAL.get(kind).stream().sorted().toList());
                report(at(p.getStart()), Code.EIM014, "property '" + key + "' is not allowed in " + kind
                        + " (allowed: " + String.join(", ", allowed) + ")");
                ok = false;
            } else if (props.containsKey(key)) {
                report(at(p.getStart()), Code.EIM015, "duplicate property '" + key + "'");
                ok = false;
            } else {
                props.put(key, p);
            }
        }
        for (String req : REQUIRED.get(kind)) {
            if (!props.containsKey(req)) {
                report(at(c.kind), Code.EIM013, kind + " lacks the required property '" + req + "'");
                ok = false;
            }
        }
        if (!ok) return Optional.empty();

        String name = unquote(((EimParser.NamePropContext) props.get("name")).STRING().getText());
        Location nameAt = at(((EimParser.NamePropContext) props.get("name")).STRING().getSymbol());
        Declaration d = switch (kind) {
            case "State_Capability" -> {
                var op = (EimParser.OperationPropContext) props.get("operation");
                Access access = access(op.op, op.target());
                if (access == null) yield null;
                List<Expr> cs = constraints(props);
                yield cs == null ? null : new Declaration.StateCapability(name, access, cs, entries(props));
            }
            case "Function_Capability" -> {
                Optional<Binding> binding = Optional.empty();
                if (props.get("helper") instanceof EimParser.HelperPropContext h) {
                    BigInteger id = integer(h.INT().getSymbol());
                    if (id.bitLength() > 31) {
                        report(at(h.INT().getSymbol()), Code.EIM071, "helper id " + h.INT().getText() + " is out of range");
                        yield null;
                    }
                    binding = Optional.of(new Binding.Helper(id.longValueExact()));
                }
                if (props.get("function") instanceof EimParser.FunctionPropContext f) {
                    if (binding.isPresent()) {
                        report(at(f.getStart()), Code.EIM071, "a function capability is bound to a helper or to a host function, not both");
                        yield null;
                    }
                    binding = Optional.of(new Binding.HostFunction(unquote(f.STRING().getText())));
                }
                var proto = (EimParser.PrototypePropContext) props.get("prototype");
                List<Expr> cs = constraints(props);
                yield cs == null ? null : new Declaration.FunctionCapability(name, binding, prototype(proto.prototype()),
                        cs, entries(props));
            }
            case "Extension_Entry" -> {
                var e = (EimParser.EntryPropContext) props.get("extension_entry");
                var proto = (EimParser.PrototypePropContext) props.get("prototype");
                List<Expr> cs = constraints(props);
                yield cs == null ? null : new Declaration.Entry(name, unquote(e.STRING().getText()), prototype(proto.prototype()), cs);
            }
            case "Extension_Class" -> {
                var e = (EimParser.EntryPropContext) props.get("extension_entry");
                var a = (EimParser.AllowedPropContext) props.get("allowed");
                List<Allowed> items = new ArrayList<>();
                for (var it : a.allowed()) {
                    Allowed x = allowed(it);
                    if (x == null) yield null;
                    items.add(x);
                }
                List<Expr> cs = constraints(props);
                yield cs == null ? null : new Declaration.ExtensionClass(name, unquote(e.STRING().getText()), items, cs);
            }
            default -> throw new IllegalStateException("grammar has a kind the builder lacks: " + kind);
        };
        if (d == null) return Optional.empty();
        map.put(d, nameAt);
        for (var e : props.entrySet()) {
            EimParser.PropertyContext p = e.getValue();
            // Point at the value (the tokens after "key ="), which is what a diagnostic is about.
            Token valueStart = p.getChildCount() > 2 && p.getChild(2).getPayload() instanceof Token t ? t
                    : p.getChildCount() > 2 && p.getChild(2) instanceof ParserRuleContext r ? r.getStart() : p.getStart();
            map.putProperty(d, e.getKey(), at(valueStart));
        }
        if (props.get("entries") instanceof EimParser.EntriesPropContext en) {
            for (int i = 0; i < en.STRING().size(); i++) {
                map.putProperty(d, "entries#" + i, at(en.STRING(i).getSymbol()));
            }
        }
        return Optional.of(d);
    }

    /** Deeper constraints are refused: every later pass (typing, printing, Z3, equality) recurses over them. */
    static final int MAX_EXPR_DEPTH = 200;

    private List<Expr> constraints(Map<String, EimParser.PropertyContext> props) {
        if (props.get("constraints") instanceof EimParser.ConstraintsPropContext c) {
            List<Expr> out = new ArrayList<>();
            for (EimParser.ExprContext x : c.expr()) {
                Expr e = expr(x);
                if (depth(e) > MAX_EXPR_DEPTH) {
                    report(at(x), Code.EIM004, "constraint nested deeper than " + MAX_EXPR_DEPTH + " operators; split it into several constraints");
                    return null;
                }
                out.add(e);
            }
            return out;
        }
        return List.of();
    }

    private static int depth(Expr e) {
        return 1 + switch (e) {
            case Expr.Unary u -> depth(u.operand());
            case Expr.Binary b -> Math.max(depth(b.left()), depth(b.right()));
            case Expr.InRange r -> Math.max(depth(r.operand()), Math.max(depth(r.low()), depth(r.high())));
            case Expr.Call c -> c.arguments().stream().mapToInt(ModelBuilder::depth).max().orElse(0);
            case Expr.IntLit i -> 0;
            case Expr.BoolLit b -> 0;
            case Expr.Null n -> 0;
            case Expr.SizeOfType t -> 0;
            case Expr.SizeOfPath t -> 0;
            case Expr.Ref r -> 0;
        };
    }

    private static List<String> entries(Map<String, EimParser.PropertyContext> props) {
        if (props.get("entries") instanceof EimParser.EntriesPropContext c) {
            return c.STRING().stream().map(s -> unquote(s.getText())).toList();
        }
        return List.of();
    }

    private Allowed allowed(EimParser.AllowedContext c) {
        Allowed a = switch (c) {
            case EimParser.AccessAllowedContext x -> {
                Access access = access(x.op, x.target());
                yield access == null ? null : new Allowed.ArgumentAccess(access);
            }
            case EimParser.LimitAllowedContext x -> {
                Optional<LimitKind> kind = LimitKind.ofKeyword(x.ident().getText());
                if (kind.isEmpty()) {
                    report(at(x.ident()), Code.EIM060, "unknown limit '" + x.ident().getText()
                            + "' (limits: instructions, memory, stack)");
                    yield null;
                }
                Bound.Comparison cmp = x.cmp.getText().equals("<=") ? Bound.Comparison.AT_MOST : Bound.Comparison.LESS;
                Bound bound;
                if (x.bound() instanceof EimParser.FiniteBoundContext f) {
                    BigInteger n = integer(f.INT().getSymbol());
                    // "<= n" must still have a representable exclusive bound n + 1.
                    BigInteger exclusive = cmp == Bound.Comparison.AT_MOST ? n.add(BigInteger.ONE) : n;
                    if (exclusive.bitLength() > 63) {
                        report(at(f.INT().getSymbol()), Code.EIM060, "limit " + f.INT().getText() + " is too large (write inf)");
                        yield null;
                    }
                    bound = new Bound.Finite(cmp, n.longValueExact());
                } else {
                    bound = new Bound.Infinite(cmp);
                }
                yield new Allowed.Limit(kind.get(), bound);
            }
            case EimParser.CapabilityAllowedContext x -> new Allowed.Capability(x.ident().getText());
            default -> throw new IllegalStateException("unknown allowed item");
        };
        if (a != null) map.put(a, at(c));
        return a;
    }

    /** {@code read(target)} / {@code write(target)}; null (after a diagnostic) when a slice bound is too deep. */
    private Access access(Token op, EimParser.TargetContext t) {
        AccessOp kind = op.getText().equals("read") ? AccessOp.READ : AccessOp.WRITE;
        Access.Reach reach;
        if (t.deref != null) {
            reach = new Access.Reach.Pointee();
        } else if (t.from != null) {
            Expr from = expr(t.from);
            Expr to = expr(t.to);
            if (depth(from) > MAX_EXPR_DEPTH || depth(to) > MAX_EXPR_DEPTH) {
                report(at(t), Code.EIM004, "slice bound nested deeper than " + MAX_EXPR_DEPTH + " operators");
                return null;
            }
            reach = new Access.Reach.Slice(from, to);
        } else {
            reach = new Access.Reach.Whole();
        }
        Access access = new Access(kind, path(t.path()), reach);
        map.put(access, at(t));
        return access;
    }

    // ---------------------------------------------------------------- types

    private Prototype prototype(EimParser.PrototypeContext c) {
        List<Field> params = new ArrayList<>();
        EimParser.TypeContext ret;
        switch (c) {
            case EimParser.VoidParamsContext v -> ret = v.type();
            case EimParser.SomeParamsContext s -> {
                ret = s.type();
                for (var p : s.param()) {
                    CType t = arrays(type(p.type()), p.arraySuffix());
                    Field f = new Field(p.ident().getText(), t);
                    map.put(f, at(p.ident()));
                    params.add(f);
                }
            }
            default -> throw new IllegalStateException("unknown prototype form");
        }
        CType r = type(ret);
        Prototype proto = new Prototype(params, r);
        map.put(proto, at(c));
        return proto;
    }

    private CType type(EimParser.TypeContext c) {
        CType t = switch (c.baseType()) {
            case EimParser.ScalarTypeContext s -> s.scalar.getText().equals("void")
                    ? new CType.Void()
                    : new CType.Scalar(ScalarKind.ofKeyword(s.scalar.getText()).orElseThrow());
            case EimParser.NamedTypeContext n -> new CType.Named(n.ident().getText());
            default -> throw new IllegalStateException("unknown base type");
        };
        map.put(t, at(c.baseType()));
        for (int i = 0; i < c.stars.size(); i++) {
            t = new CType.Pointer(t);
            map.put(t, at(c));
        }
        return t;
    }

    private CType arrays(CType element, List<EimParser.ArraySuffixContext> suffixes) {
        CType t = element;
        // int m[2][3] is an array of 2 arrays of 3 ints: wrap from the innermost (last) suffix.
        for (int i = suffixes.size() - 1; i >= 0; i--) {
            Token n = suffixes.get(i).INT().getSymbol();
            BigInteger len = integer(n);
            if (len.signum() == 0 || len.bitLength() > 31) {
                report(at(n), Code.EIM020, "array length " + n.getText() + " must be between 1 and 2^31-1");
                len = BigInteger.ONE;
            }
            Location l = map.of(t, at(n));
            t = new CType.Array(t, len.longValueExact());
            map.put(t, l);
        }
        return t;
    }

    // ---------------------------------------------------------------- expressions

    private Path path(EimParser.PathContext c) {
        List<Path.Step> steps = new ArrayList<>();
        for (int i = 0; i < c.sel.size(); i++) {
            Path.Step s = new Path.Step(c.sel.get(i).getText().equals("->") ? Path.Selector.ARROW : Path.Selector.DOT,
                    c.ident(i + 1).getText());
            map.put(s, at(c.ident(i + 1)));
            steps.add(s);
        }
        Path p = new Path(c.ident(0).getText(), steps);
        map.put(p, at(c));
        return p;
    }

    private Expr expr(EimParser.ExprContext c) {
        Expr e = switch (c) {
            case EimParser.ParenExprContext x -> expr(x.expr());
            case EimParser.IntExprContext x -> new Expr.IntLit(integer(x.INT().getSymbol()));
            case EimParser.BoolExprContext x -> new Expr.BoolLit(x.value.getText().equals("true"));
            case EimParser.NullExprContext x -> new Expr.Null();
            case EimParser.SizeofTypeExprContext x -> new Expr.SizeOfType(type(x.type()));
            case EimParser.SizeofPathExprContext x -> new Expr.SizeOfPath(path(x.path()));
            case EimParser.CallExprContext x -> new Expr.Call(x.ident().getText(), x.expr().stream().map(this::expr).toList());
            case EimParser.PathExprContext x -> new Expr.Ref(path(x.path()));
            case EimParser.UnaryExprContext x -> new Expr.Unary(
                    x.op.getText().equals("-") ? Expr.UnaryOp.NEG : Expr.UnaryOp.NOT, expr(x.expr()));
            case EimParser.BinaryExprContext x -> new Expr.Binary(Expr.BinaryOp.of(x.op.getText()), expr(x.expr(0)), expr(x.expr(1)));
            case EimParser.InExprContext x -> new Expr.InRange(expr(x.expr(0)), expr(x.expr(1)), expr(x.expr(2)));
            default -> throw new IllegalStateException("unknown expression form");
        };
        // A parenthesised expression keeps the location of its inside, which is what a message is about.
        if (!(c instanceof EimParser.ParenExprContext)) map.put(e, at(c));
        return e;
    }

    // ---------------------------------------------------------------- helpers

    static BigInteger integer(Token t) {
        String s = t.getText();
        return s.startsWith("0x") || s.startsWith("0X") ? new BigInteger(s.substring(2), 16) : new BigInteger(s);
    }

    static String unquote(String quoted) {
        String s = quoted.substring(1, quoted.length() - 1);
        return s.replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private void report(Location at, Code code, String message) {
        sink.accept(new Diagnostic(at, code, message));
    }

    private Location at(Token t) {
        return source.at(t.getLine(), t.getCharPositionInLine(), t.getStopIndex() - t.getStartIndex() + 1);
    }

    private Location at(ParserRuleContext c) {
        Token s = c.getStart();
        Token e = c.getStop();
        int len = e == null || e.getLine() != s.getLine() ? s.getStopIndex() - s.getStartIndex() + 1
                : e.getStopIndex() - s.getStartIndex() + 1;
        return source.at(s.getLine(), s.getCharPositionInLine(), len);
    }
}
