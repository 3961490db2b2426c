package dev.warden.eim;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typing of paths and constraint expressions. Used by the checker (which reports each problem
 * through a {@link Problems} sink) and by the Z3 encoding (which only meets checked policies).
 */
public final class Types {

    /** What a constraint expression denotes. Pointers are addresses; {@code bool} values are integers 0 or 1. */
    public enum Kind { INT, BOOL, PTR }

    /** Where the typing reports a problem about a model node. */
    public interface Problems {
        void report(Object node, Code code, String message);

        Problems NONE = (node, code, message) -> {};
    }

    /** The pointer predicates and their parameter kinds. */
    public static final Map<String, List<Kind>> PREDICATES = Map.of(
            "non_null", List.of(Kind.PTR),
            "null_terminated", List.of(Kind.PTR),
            "readable", List.of(Kind.PTR, Kind.INT),
            "writable", List.of(Kind.PTR, Kind.INT));

    private final Layout layout;

    Types(Layout layout) {
        this.layout = layout;
    }

    public Layout layout() {
        return layout;
    }

    /** The type a path denotes, given the types of the names in scope. */
    public Optional<CType> typeOf(Path path, Map<String, CType> scope, Problems problems) {
        CType t = scope.get(path.root());
        if (t == null && path.steps().isEmpty() && layout.enumerator(path.root()).isPresent()) {
            return Optional.of(Layout.ENUM_TYPE); // an enumerator: an int constant (names in scope come first)
        }
        if (t == null) {
            problems.report(path, Code.EIM012, "unknown name '" + path.root() + "'" + inScope(scope));
            return Optional.empty();
        }
        for (Path.Step s : path.steps()) {
            Optional<CType> next = select(t, s, problems);
            if (next.isEmpty()) return Optional.empty();
            t = next.get();
        }
        return Optional.of(t);
    }

    private Optional<CType> select(CType written, Path.Step s, Problems problems) {
        CType t = layout.resolve(written);
        CType struct = t;
        if (s.selector() == Path.Selector.ARROW) {
            if (!(t instanceof CType.Pointer p)) {
                problems.report(s, Code.EIM041, "'->" + s.field() + "' needs a pointer to a struct, not " + written.spelling());
                return Optional.empty();
            }
            struct = layout.resolve(p.target());
        }
        if (!(struct instanceof CType.Named n)) {
            String hint = s.selector() == Path.Selector.DOT && t instanceof CType.Pointer ? " (use '->')" : "";
            problems.report(s, Code.EIM041, "'" + s.selector().text() + s.field() + "' needs a struct, not "
                    + written.spelling() + hint);
            return Optional.empty();
        }
        if (layout.isOpaque(n)) {
            problems.report(s, Code.EIM041, "struct " + n.name() + " is not declared, so it has no field '" + s.field()
                    + "' to select (declare struct " + n.name() + " { ... } with its fields)");
            return Optional.empty();
        }
        if (!layout.hasStruct(n.name())) return Optional.empty(); // a broken struct, reported where declared
        Optional<Field> f = layout.field(n.name(), s.field());
        if (f.isEmpty()) {
            problems.report(s, Code.EIM041, "struct " + n.name() + " has no field '" + s.field() + "'");
            return Optional.empty();
        }
        return Optional.of(f.get().type());
    }

    /**
     * The bytes a path names, for {@code read(path)}: {@code read(r)} of a pointer argument
     * {@code r} is its whole pointee; {@code read(r->f.g)} is the bytes of that field; each
     * {@code ->} moves to another object. Empty (after a report) when the path names no fixed
     * bytes, also for an object of undeclared layout (see {@link #span}).
     * @param rootKind for an entry argument the root must be a pointer (its pointee is
     *                 accessed); for a host variable the root is the storage itself
     */
    public Optional<Region> region(Path path, CType writtenRootType, RootKind rootKind, Problems problems) {
        return span(new Access(AccessOp.READ, path), writtenRootType, rootKind, Map.of(), problems)
                .flatMap(sp -> sp instanceof Region r ? Optional.of(r) : Optional.empty());
    }

    /** Where a path leads: the base whose target holds it, the offset there, and its type (resolved). */
    private record Located(String base, long offset, CType type) {}

    private Optional<Located> locate(Path path, CType writtenRootType, RootKind rootKind, Problems problems) {
        CType rootType = layout.resolve(writtenRootType);
        String base;
        long offset = 0;
        CType t;
        if (rootKind == RootKind.ARGUMENT) {
            if (!(rootType instanceof CType.Pointer p)) {
                problems.report(path, Code.EIM040, "'" + path.root() + "' is an argument of type " + writtenRootType.spelling()
                        + ", not a pointer: there is no memory to grant (its value is always available)");
                return Optional.empty();
            }
            if (!path.steps().isEmpty() && path.steps().getFirst().selector() == Path.Selector.DOT) {
                problems.report(path.steps().getFirst(), Code.EIM041, "'" + path.root() + "' is a pointer: use '->'");
                return Optional.empty();
            }
            base = path.root();
            t = layout.resolve(p.target());
            if (!path.steps().isEmpty()) {
                // The first step is '->' from the argument into its pointee.
                Path.Step first = path.steps().getFirst();
                Optional<CType> ft = select(rootType, first, problems);
                if (ft.isEmpty()) return Optional.empty();
                offset = layout.struct(((CType.Named) t).name()).offsets().get(first.field());
                t = layout.resolve(ft.get());
            }
        } else {
            base = "&" + path.root();
            t = rootType;
        }
        StringBuilder sofar = new StringBuilder(path.root());
        List<Path.Step> rest = rootKind == RootKind.ARGUMENT && !path.steps().isEmpty()
                ? path.steps().subList(1, path.steps().size()) : path.steps();
        if (rootKind == RootKind.ARGUMENT && !path.steps().isEmpty()) {
            sofar.append("->").append(path.steps().getFirst().field());
        }
        for (Path.Step s : rest) {
            Optional<CType> next = select(t, s, problems);
            if (next.isEmpty()) return Optional.empty();
            if (s.selector() == Path.Selector.ARROW) {
                base = sofar.toString();
                offset = 0;
                t = layout.resolve(((CType.Pointer) t).target());
            }
            offset += layout.struct(((CType.Named) t).name()).offsets().get(s.field());
            t = layout.resolve(next.get());
            sofar.append(s.selector().text()).append(s.field());
        }
        return Optional.of(new Located(base, offset, t));
    }

    /**
     * What an access names, resolved: fixed bytes ({@link Region}), a run-time {@link Span.Slice},
     * or an {@link Span.Opaque} object of undeclared layout.
     * <ul>
     *   <li>{@code p}: the bytes of the path ({@code read(r)} of a pointer argument: its pointee);</li>
     *   <li>{@code *p}: the whole object the pointer at {@code p} points to;</li>
     *   <li>{@code p[from, to)}: elements of the array at {@code p}, or of the buffer the pointer at
     *       {@code p} points to ({@code r[0, n)} for a pointer argument {@code r}); integer literal
     *       bounds give fixed bytes, other bounds a slice.</li>
     * </ul>
     * @param boundsScope the names slice bounds may use, with their types
     */
    public Optional<Span> span(Access access, CType writtenRootType, RootKind rootKind, Map<String, CType> boundsScope,
                               Problems problems) {
        Path path = access.path();
        Optional<Located> found = locate(path, writtenRootType, rootKind, problems);
        if (found.isEmpty()) return Optional.empty();
        Located at = found.get();
        // A bare pointer argument already stands for its pointee: *r and r[from, to) start there.
        boolean bareArgument = rootKind == RootKind.ARGUMENT && path.steps().isEmpty();
        return switch (access.reach()) {
            case Access.Reach.Whole w -> whole(path, at, problems);
            case Access.Reach.Pointee d -> {
                if (bareArgument) yield whole(path, at, problems);
                if (!(at.type() instanceof CType.Pointer p)) {
                    problems.report(path, Code.EIM044, "'*" + path + "' needs a pointer, but '" + path + "' is "
                            + at.type().spelling());
                    yield Optional.empty();
                }
                yield whole(path, new Located(path.toString(), 0, layout.resolve(p.target())), problems);
            }
            case Access.Reach.Slice sl -> slice(access, sl, bareArgument ? new Located(at.base(), 0, new CType.Pointer(at.type()))
                    : at, boundsScope, problems);
        };
    }

    private Optional<Span> whole(Path path, Located at, Problems problems) {
        CType t = at.type();
        if (layout.isOpaque(t)) {
            return Optional.of(new Span.Opaque(at.base(), "struct " + ((CType.Named) t).name() + " is not declared"));
        }
        if (!layout.isComplete(t)) return Optional.empty(); // a broken struct, reported where declared
        if (t instanceof CType.Void) {
            problems.report(path, Code.EIM042, "'" + path + "' points to void: the size of the access is unknown");
            return Optional.empty();
        }
        return Optional.of(new Region(at.base(), at.offset(), layout.sizeOf(t)));
    }

    private Optional<Span> slice(Access access, Access.Reach.Slice sl, Located at, Map<String, CType> scope, Problems problems) {
        Path path = access.path();
        String base;
        long offset;
        CType element;
        java.util.OptionalLong capacity;
        switch (at.type()) {
            case CType.Array a -> {
                base = at.base();
                offset = at.offset();
                element = layout.resolve(a.element());
                capacity = java.util.OptionalLong.of(a.length());
            }
            case CType.Pointer p -> {
                base = path.toString();
                offset = 0;
                element = layout.resolve(p.target());
                capacity = java.util.OptionalLong.empty();
            }
            default -> {
                problems.report(path, Code.EIM044, "a slice '" + access.target() + "' needs an array or a pointer, but '"
                        + path + "' is " + at.type().spelling());
                return Optional.empty();
            }
        }
        if (layout.isOpaque(element)) {
            problems.report(path, Code.EIM044, "the elements of '" + path + "' are of undeclared struct "
                    + ((CType.Named) element).name() + ": their size is unknown (declare it)");
            return Optional.empty();
        }
        if (!layout.isComplete(element)) return Optional.empty();
        // GNU C: arithmetic on void * counts bytes, so a void * buffer is sliced in bytes.
        long size = element instanceof CType.Void ? 1 : layout.sizeOf(element);
        boolean ok = expect(sl.from(), Kind.INT, scope, problems, "the start of a slice");
        ok &= expect(sl.to(), Kind.INT, scope, problems, "the end of a slice");
        if (!ok) return Optional.empty();
        if (sl.from() instanceof Expr.IntLit f && sl.to() instanceof Expr.IntLit t) {
            java.math.BigInteger from = f.value();
            java.math.BigInteger to = t.value();
            java.math.BigInteger cap = capacity.isPresent() ? java.math.BigInteger.valueOf(capacity.getAsLong())
                    : java.math.BigInteger.valueOf(Long.MAX_VALUE / Math.max(1, size));
            if (from.compareTo(to) >= 0 || to.compareTo(cap) > 0) {
                problems.report(path, Code.EIM044, "slice [" + from + ", " + to + ") of '" + path + "' is "
                        + (from.compareTo(to) >= 0 ? "empty" : "beyond its " + cap + " elements"));
                return Optional.empty();
            }
            return Optional.of(new Region(base, offset + from.longValueExact() * size,
                    (to.longValueExact() - from.longValueExact()) * size));
        }
        return Optional.of(new Span.Slice(base, offset, size, sl.from(), sl.to(), path.toString(), capacity));
    }

    /**
     * The type of the memory an access names: the path's type, or the pointee for a bare pointer
     * argument and for {@code *p}; empty for a slice (its elements have the element type, its
     * whole has none).
     */
    public Optional<CType> accessedType(Access access, CType rootType, RootKind rootKind) {
        return switch (access.reach()) {
            case Access.Reach.Whole w -> accessedType(access.path(), rootType, rootKind);
            case Access.Reach.Pointee d -> access.path().steps().isEmpty() && rootKind == RootKind.ARGUMENT
                    ? accessedType(access.path(), rootType, rootKind)
                    : accessedType(access.path(), rootType, rootKind)
                            .flatMap(t -> layout.resolve(t) instanceof CType.Pointer p ? Optional.of(p.target()) : Optional.empty());
            case Access.Reach.Slice s -> Optional.empty();
        };
    }

    /** The type of the memory a path names (the pointee for a bare pointer argument). */
    public Optional<CType> accessedType(Path path, CType rootType, RootKind rootKind) {
        if (rootKind == RootKind.ARGUMENT && path.steps().isEmpty()) {
            return layout.resolve(rootType) instanceof CType.Pointer p ? Optional.of(p.target()) : Optional.empty();
        }
        return typeOf(path, Map.of(path.root(), rootType), Problems.NONE);
    }

    /** Whether an access path starts at an entry argument or at a host variable. */
    public enum RootKind { ARGUMENT, HOST_VARIABLE }

    /** The kind of an expression, or empty after reporting why it has none. */
    public Optional<Kind> kindOf(Expr e, Map<String, CType> scope, Problems problems) {
        return switch (e) {
            case Expr.IntLit i -> Optional.of(Kind.INT);
            case Expr.BoolLit b -> Optional.of(Kind.BOOL);
            case Expr.Null n -> Optional.of(Kind.PTR);
            case Expr.SizeOfType s -> s.type() instanceof CType.Named n && scope.containsKey(n.name())
                    && !layout.hasType(n.name())
                    ? Optional.of(Kind.INT) // sizeof(x) of a variable x parses as a type name
                    : knownType(s.type(), s, problems) ? Optional.of(Kind.INT) : Optional.empty();
            case Expr.SizeOfPath s -> sizeofPath(s, scope, problems);
            case Expr.Ref r -> typeOf(r.path(), scope, problems).flatMap(t -> valueKind(t, r, problems));
            case Expr.Call c -> call(c, scope, problems);
            case Expr.Unary u -> {
                Kind want = u.op() == Expr.UnaryOp.NEG ? Kind.INT : Kind.BOOL;
                yield expect(u.operand(), want, scope, problems, "operand of '" + u.op().text() + "'")
                        ? Optional.of(want) : Optional.empty();
            }
            case Expr.InRange r -> {
                boolean ok = expect(r.operand(), Kind.INT, scope, problems, "operand of 'in'");
                ok &= expect(r.low(), Kind.INT, scope, problems, "lower bound");
                ok &= expect(r.high(), Kind.INT, scope, problems, "upper bound");
                yield ok ? Optional.of(Kind.BOOL) : Optional.empty();
            }
            case Expr.Binary b -> binary(b, scope, problems);
        };
    }

    private Optional<Kind> sizeofPath(Expr.SizeOfPath s, Map<String, CType> scope, Problems problems) {
        // sizeof(Name) parses as a path when Name is a bare identifier: a struct name wins if no variable has it.
        if (s.path().steps().isEmpty() && !scope.containsKey(s.path().root()) && layout.hasType(s.path().root())) {
            return Optional.of(Kind.INT);
        }
        return typeOf(s.path(), scope, problems).map(t -> Kind.INT);
    }

    private boolean knownType(CType t, Object node, Problems problems) {
        return switch (t) {
            case CType.Named n -> {
                if (!layout.hasType(n.name())) {
                    problems.report(node, Code.EIM011, "unknown type '" + n.name() + "'");
                    yield false;
                }
                yield true;
            }
            case CType.Array a -> knownType(a.element(), node, problems);
            case CType.Pointer p -> true;
            case CType.Scalar s -> true;
            case CType.Void v -> true;
        };
    }

    private Optional<Kind> valueKind(CType written, Expr.Ref r, Problems problems) {
        return switch (layout.resolve(written)) {
            case CType.Scalar s -> Optional.of(Kind.INT);
            case CType.Pointer p -> Optional.of(Kind.PTR);
            case CType.Named n -> {
                problems.report(r, Code.EIM030, "'" + r.path() + "' is a struct " + n.name() + ": constrain its fields");
                yield Optional.empty();
            }
            case CType.Array a -> {
                problems.report(r, Code.EIM030, "'" + r.path() + "' is an array: constrain it with a pointer predicate");
                yield Optional.empty();
            }
            case CType.Void v -> {
                problems.report(r, Code.EIM030, "'" + r.path() + "' has type void");
                yield Optional.empty();
            }
        };
    }

    private Optional<Kind> call(Expr.Call c, Map<String, CType> scope, Problems problems) {
        List<Kind> params = PREDICATES.get(c.function());
        if (params == null) {
            problems.report(c, Code.EIM031, "unknown predicate '" + c.function()
                    + "' (predicates: non_null, null_terminated, readable, writable)");
            return Optional.empty();
        }
        if (params.size() != c.arguments().size()) {
            problems.report(c, Code.EIM031, c.function() + " takes " + params.size() + " argument"
                    + (params.size() == 1 ? "" : "s") + ", not " + c.arguments().size());
            return Optional.empty();
        }
        boolean ok = true;
        for (int i = 0; i < params.size(); i++) {
            ok &= expect(c.arguments().get(i), params.get(i), scope, problems,
                    "argument " + (i + 1) + " of " + c.function());
        }
        return ok ? Optional.of(Kind.BOOL) : Optional.empty();
    }

    private Optional<Kind> binary(Expr.Binary b, Map<String, CType> scope, Problems problems) {
        String what = "'" + b.op().text() + "'";
        return switch (b.op()) {
            case MUL, DIV, MOD, ADD, SUB -> {
                boolean ok = expect(b.left(), Kind.INT, scope, problems, "left operand of " + what);
                ok &= expect(b.right(), Kind.INT, scope, problems, "right operand of " + what);
                if (ok && (b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.MOD)
                        && b.right() instanceof Expr.IntLit z && z.value().signum() == 0) {
                    problems.report(b.right(), Code.EIM033, "division by zero");
                    ok = false;
                }
                yield ok ? Optional.of(Kind.INT) : Optional.empty();
            }
            case LT, LE, GT, GE, EQ, NE -> {
                Optional<Kind> l = kindOf(b.left(), scope, problems);
                Optional<Kind> r = kindOf(b.right(), scope, problems);
                if (l.isEmpty() || r.isEmpty()) yield Optional.empty();
                boolean ordered = b.op() != Expr.BinaryOp.EQ && b.op() != Expr.BinaryOp.NE;
                if (l.get() != r.get()) {
                    problems.report(b, Code.EIM030, "cannot compare " + name(l.get()) + " with " + name(r.get())
                            + " using " + what);
                    yield Optional.empty();
                }
                if (ordered && l.get() == Kind.BOOL) {
                    problems.report(b, Code.EIM030, "cannot order booleans with " + what);
                    yield Optional.empty();
                }
                yield Optional.of(Kind.BOOL);
            }
            case AND, OR, IMPLIES -> {
                boolean ok = expect(b.left(), Kind.BOOL, scope, problems, "left operand of " + what);
                ok &= expect(b.right(), Kind.BOOL, scope, problems, "right operand of " + what);
                yield ok ? Optional.of(Kind.BOOL) : Optional.empty();
            }
        };
    }

    /** Checks that {@code e} has kind {@code want}; reports at {@code e} otherwise. */
    public boolean expect(Expr e, Kind want, Map<String, CType> scope, Problems problems, String role) {
        Optional<Kind> k = kindOf(e, scope, problems);
        if (k.isEmpty()) return false;
        if (k.get() != want) {
            problems.report(e, Code.EIM030, role + " must be " + name(want) + ", but '" + e.show()
                    + "' is " + name(k.get()));
            return false;
        }
        return true;
    }

    private static String name(Kind k) {
        return switch (k) {
            case INT -> "an integer";
            case BOOL -> "a boolean";
            case PTR -> "a pointer";
        };
    }

    private static String inScope(Map<String, CType> scope) {
        if (scope.isEmpty()) return " (nothing is in scope here)";
        return " (in scope: " + String.join(", ", new java.util.TreeSet<>(scope.keySet())) + ")";
    }
}
