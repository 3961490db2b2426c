package dev.warden.verifier.eim;

import dev.warden.eim.AccessOp;
import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import dev.warden.eim.Layout;
import dev.warden.eim.ScalarKind;
import dev.warden.eim.Types;
import dev.warden.domains.Scalar;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a policy constraint over the abstract values of its names, in Kleene's three-valued
 * logic: TRUE means it holds for every concrete state the abstract one describes, FALSE that it
 * fails for every one, UNKNOWN otherwise. Integers are mathematical (docs/eim.md), so each name
 * is first read as its C type reads the register (a {@code u32} parameter sees the low 32 bits), and
 * arithmetic is on intervals of unbounded integers, never wrapping.
 *
 * <p>This is the "domains first" half of discharging a constraint; {@link ConstraintProver} asks
 * Z3 what it leaves UNKNOWN.
 */
final class ConstraintEvaluator {
    /** An interval of mathematical integers; the widest one stands for "any integer". */
    record Ints(BigInteger lo, BigInteger hi) {
        static final Ints ANY = new Ints(BigInteger.ONE.shiftLeft(66).negate(), BigInteger.ONE.shiftLeft(66));

        static Ints of(long v) {
            return new Ints(BigInteger.valueOf(v), BigInteger.valueOf(v));
        }

        boolean isConstant() {
            return lo.equals(hi);
        }

        boolean contains(BigInteger x) {
            return lo.compareTo(x) <= 0 && x.compareTo(hi) <= 0;
        }
    }

    /** What an expression evaluates to: integers, a truth value, or a pointer (a register's value). */
    sealed interface V {
        record I(Ints range) implements V {}

        record B(Truth truth) implements V {}

        record P(Value value) implements V {}
    }

    private final Types types;
    private final Map<String, Operand> scope;
    private final Map<String, Ints> fixed;
    private final MemoryOracle memory;

    ConstraintEvaluator(Types types, Map<String, Operand> scope, MemoryOracle memory) {
        this(types, scope, Map.of(), memory);
    }

    private ConstraintEvaluator(Types types, Map<String, Operand> scope, Map<String, Ints> fixed, MemoryOracle memory) {
        this.types = types;
        this.scope = new LinkedHashMap<>(scope);
        this.fixed = Map.copyOf(fixed);
        this.memory = memory;
    }

    /** The same evaluation with {@code name} taking exactly {@code value}. */
    ConstraintEvaluator fixing(String name, BigInteger value) {
        Map<String, Ints> f = new LinkedHashMap<>(fixed);
        f.put(name, new Ints(value, value));
        return new ConstraintEvaluator(types, scope, f, memory);
    }

    Truth truth(Expr e) {
        return switch (eval(e)) {
            case V.B b -> b.truth();
            default -> Truth.UNKNOWN; // the checker makes constraints boolean; be safe anyway
        };
    }

    /** The integers a name may hold, read as its C type reads the register. */
    Ints range(String name) {
        if (fixed.containsKey(name)) {
            return fixed.get(name);
        }
        Operand o = scope.get(name);
        return o == null ? Ints.ANY : range(types.layout(), o.type(), o.value());
    }

    /** The integer names of the scope, in scope order. */
    List<String> integerNames() {
        List<String> out = new ArrayList<>();
        scope.forEach((n, o) -> {
            if (types.layout().resolve(o.type()) instanceof CType.Scalar) {
                out.add(n);
            }
        });
        return out;
    }

    static Ints range(Layout layout, CType written, Value v) {
        if (!(layout.resolve(written) instanceof CType.Scalar s)) {
            return Ints.ANY;
        }
        ScalarKind k = s.kind();
        Ints full = new Ints(k.min(), k.max());
        if (!(v instanceof Value.Num n)) {
            return full;
        }
        Scalar sc = n.scalar();
        Ints r = switch (k.size()) {
            case 8 -> k.isSigned() ? new Ints(BigInteger.valueOf(sc.s64().lo()), BigInteger.valueOf(sc.s64().hi()))
                    : new Ints(unsigned(sc.u64().lo()), unsigned(sc.u64().hi()));
            case 4 -> k.isSigned() ? new Ints(BigInteger.valueOf(sc.s32().lo()), BigInteger.valueOf(sc.s32().hi()))
                    : new Ints(BigInteger.valueOf(sc.u32().lo()), BigInteger.valueOf(sc.u32().hi()));
            default -> {
                // 1- and 2-byte types read the low bits: exact only when the 32-bit range already fits.
                Ints low = k.isSigned() ? new Ints(BigInteger.valueOf(sc.s32().lo()), BigInteger.valueOf(sc.s32().hi()))
                        : new Ints(BigInteger.valueOf(sc.u32().lo()), BigInteger.valueOf(sc.u32().hi()));
                yield full.contains(low.lo()) && full.contains(low.hi()) ? low : full;
            }
        };
        // bool reads one byte and the policy says it holds 0 or 1: a byte outside that is still
        // what the callee sees, so keep the byte's range rather than trusting the type.
        return k == ScalarKind.BOOL ? new Ints(r.lo().max(BigInteger.ZERO), r.hi()) : r;
    }

    private static BigInteger unsigned(long x) {
        return new BigInteger(Long.toUnsignedString(x));
    }

    V eval(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> new V.I(new Ints(i.value(), i.value()));
            case Expr.BoolLit b -> new V.B(Truth.of(b.value()));
            case Expr.Null n -> new V.P(Value.Num.constant(0));
            case Expr.SizeOfType s -> new V.I(Ints.of(types.layout().sizeOf(s.type())));
            case Expr.SizeOfPath s -> typeOf(s.path()).map(t -> (V) new V.I(Ints.of(types.layout().sizeOf(t))))
                    .orElse(new V.I(Ints.ANY));
            case Expr.Ref r -> ref(r);
            case Expr.Call c -> new V.B(predicate(c));
            case Expr.Unary u -> switch (u.op()) {
                case NEG -> eval(u.operand()) instanceof V.I(Ints x) ? new V.I(new Ints(x.hi().negate(), x.lo().negate()))
                        : new V.I(Ints.ANY);
                case NOT -> new V.B(truth(u.operand()).not());
            };
            case Expr.InRange r -> new V.B(compare(Expr.BinaryOp.LE, eval(r.low()), eval(r.operand()))
                    .and(compare(Expr.BinaryOp.LE, eval(r.operand()), eval(r.high()))));
            case Expr.Binary b -> binary(b);
        };
    }

    private Optional<CType> typeOf(dev.warden.eim.Path p) {
        Map<String, CType> t = new LinkedHashMap<>();
        scope.forEach((n, o) -> t.put(n, o.type()));
        return types.typeOf(p, t, Types.Problems.NONE);
    }

    private V ref(Expr.Ref r) {
        String root = r.path().root();
        if (r.path().steps().isEmpty()) {
            Operand o = scope.get(root);
            if (o == null) {
                Optional<BigInteger> en = types.layout().enumerator(root);
                return en.isPresent() ? new V.I(new Ints(en.get(), en.get())) : new V.I(Ints.ANY);
            }
            return types.layout().resolve(o.type()) instanceof CType.Pointer ? new V.P(o.value()) : new V.I(range(root));
        }
        // A field behind an argument: memory this analysis does not follow, so any value of its type.
        Optional<CType> t = typeOf(r.path());
        if (t.isPresent() && types.layout().resolve(t.get()) instanceof CType.Scalar s) {
            return new V.I(new Ints(s.kind().min(), s.kind().max()));
        }
        return t.isPresent() && types.layout().resolve(t.get()) instanceof CType.Pointer ? new V.P(Value.TOP) : new V.I(Ints.ANY);
    }

    private Truth predicate(Expr.Call c) {
        List<Expr> a = c.arguments();
        return switch (c.function()) {
            case "non_null" -> nonNull(eval(a.getFirst()));
            case "readable", "writable" -> {
                V p = eval(a.get(0));
                V n = eval(a.get(1));
                if (!(n instanceof V.I(Ints size)) || !(p instanceof V.P(Value v))) {
                    yield Truth.UNKNOWN;
                }
                if (size.hi().signum() <= 0) {
                    yield Truth.TRUE; // no byte to access
                }
                if (size.hi().bitLength() > 30) {
                    yield Truth.UNKNOWN;
                }
                yield memory.accessible(v, size.hi().longValueExact(), c.function().equals("readable") ? AccessOp.READ : AccessOp.WRITE);
            }
            default -> Truth.UNKNOWN; // null_terminated: memory contents this analysis does not track
        };
    }

    private static Truth nonNull(V v) {
        if (!(v instanceof V.P(Value value))) {
            return Truth.UNKNOWN;
        }
        return switch (value) {
            case Value.Ptr p -> p.nullness() == Nullness.NOT_NULL ? Truth.TRUE : Truth.UNKNOWN;
            case Value.Num n -> n.scalar().contains(0) ? (n.scalar().isConstant() ? Truth.FALSE : Truth.UNKNOWN) : Truth.TRUE;
            case Value.Uninit u -> Truth.UNKNOWN;
        };
    }

    private V binary(Expr.Binary b) {
        return switch (b.op()) {
            case AND -> new V.B(truth(b.left()).and(truth(b.right())));
            case OR -> new V.B(truth(b.left()).or(truth(b.right())));
            case IMPLIES -> new V.B(truth(b.left()).not().or(truth(b.right())));
            case LT, LE, GT, GE, EQ, NE -> new V.B(compare(b.op(), eval(b.left()), eval(b.right())));
            case ADD, SUB, MUL, DIV, MOD -> {
                if (!(eval(b.left()) instanceof V.I(Ints x)) || !(eval(b.right()) instanceof V.I(Ints y))) {
                    yield new V.I(Ints.ANY);
                }
                yield new V.I(arithmetic(b.op(), x, y));
            }
        };
    }

    private static Ints arithmetic(Expr.BinaryOp op, Ints x, Ints y) {
        return switch (op) {
            case ADD -> new Ints(x.lo().add(y.lo()), x.hi().add(y.hi()));
            case SUB -> new Ints(x.lo().subtract(y.hi()), x.hi().subtract(y.lo()));
            case MUL -> corners(x, y, BigInteger::multiply);
            case DIV -> y.contains(BigInteger.ZERO) ? Ints.ANY : corners(x, y, BigInteger::divide); // truncating, as C
            case MOD -> {
                if (x.isConstant() && y.isConstant() && y.lo().signum() != 0) {
                    BigInteger r = x.lo().remainder(y.lo()); // the dividend's sign, as C
                    yield new Ints(r, r);
                }
                BigInteger m = y.lo().abs().max(y.hi().abs()).subtract(BigInteger.ONE).max(BigInteger.ZERO);
                yield new Ints(x.lo().signum() >= 0 ? BigInteger.ZERO : m.negate(), x.hi().signum() <= 0 ? BigInteger.ZERO : m);
            }
            default -> Ints.ANY;
        };
    }

    private static Ints corners(Ints x, Ints y, java.util.function.BinaryOperator<BigInteger> f) {
        BigInteger[] c = {f.apply(x.lo(), y.lo()), f.apply(x.lo(), y.hi()), f.apply(x.hi(), y.lo()), f.apply(x.hi(), y.hi())};
        BigInteger lo = c[0];
        BigInteger hi = c[0];
        for (BigInteger v : c) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        return new Ints(lo, hi);
    }

    private static Truth compare(Expr.BinaryOp op, V l, V r) {
        if (l instanceof V.I(Ints a) && r instanceof V.I(Ints b)) {
            return switch (op) {
                case LT -> a.hi().compareTo(b.lo()) < 0 ? Truth.TRUE : a.lo().compareTo(b.hi()) >= 0 ? Truth.FALSE : Truth.UNKNOWN;
                case LE -> a.hi().compareTo(b.lo()) <= 0 ? Truth.TRUE : a.lo().compareTo(b.hi()) > 0 ? Truth.FALSE : Truth.UNKNOWN;
                case GT -> compare(Expr.BinaryOp.LT, r, l);
                case GE -> compare(Expr.BinaryOp.LE, r, l);
                case EQ -> a.isConstant() && b.isConstant() && a.lo().equals(b.lo()) ? Truth.TRUE
                        : a.hi().compareTo(b.lo()) < 0 || b.hi().compareTo(a.lo()) < 0 ? Truth.FALSE : Truth.UNKNOWN;
                case NE -> compare(Expr.BinaryOp.EQ, l, r).not();
                default -> Truth.UNKNOWN;
            };
        }
        if ((op == Expr.BinaryOp.EQ || op == Expr.BinaryOp.NE) && l instanceof V.P(Value a) && r instanceof V.P(Value b)) {
            Truth eq = Truth.UNKNOWN;
            if (isNull(b)) {
                eq = nonNull(l).not();
            } else if (isNull(a)) {
                eq = nonNull(r).not();
            }
            return op == Expr.BinaryOp.EQ ? eq : eq.not();
        }
        return Truth.UNKNOWN;
    }

    private static boolean isNull(Value v) {
        return v instanceof Value.Num n && n.scalar().isConstant() && n.scalar().tnum().value() == 0;
    }

    /**
     * A concrete value of one integer name under which the constraint fails whatever the other
     * names hold ({@code fd = -1}), tried at the ends of its range and around the constraint's
     * literals; empty when no such single value is found.
     */
    Optional<String> witness(Expr constraint) {
        Set<BigInteger> literals = new LinkedHashSet<>();
        literals(constraint, literals);
        for (String name : integerNames()) {
            if (!mentions(constraint, name)) {
                continue;
            }
            Ints r = range(name);
            // Values next to the constraint's own constants first: they read best ("fd = -1").
            Set<BigInteger> candidates = new LinkedHashSet<>();
            for (BigInteger c : literals) {
                candidates.add(c.subtract(BigInteger.ONE));
                candidates.add(c);
                candidates.add(c.add(BigInteger.ONE));
            }
            candidates.add(BigInteger.ZERO);
            candidates.add(BigInteger.ONE.negate());
            candidates.add(r.lo());
            candidates.add(r.hi());
            for (BigInteger c : candidates) {
                if (r.contains(c) && plausible(name, c) && fixing(name, c).truth(constraint) == Truth.FALSE) {
                    return Optional.of(name + " = " + c);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the register's known bits allow the value: the interval of a join of 403 and 503
     * contains 500, its bits do not, and a witness should be a value the program can pass.
     */
    private boolean plausible(String name, BigInteger c) {
        Operand o = scope.get(name);
        if (fixed.containsKey(name) || o == null || !(o.value() instanceof Value.Num n)
                || !(types.layout().resolve(o.type()) instanceof CType.Scalar s)) {
            return true;
        }
        long bits = s.kind().size() == 8 ? -1L : (1L << (8 * s.kind().size())) - 1;
        dev.warden.domains.Tnum t = n.scalar().tnum();
        return ((c.longValue() ^ t.value()) & ~t.mask() & bits) == 0;
    }

    private static void literals(Expr e, Set<BigInteger> out) {
        switch (e) {
            case Expr.IntLit i -> out.add(i.value());
            case Expr.Unary u -> {
                if (u.op() == Expr.UnaryOp.NEG && u.operand() instanceof Expr.IntLit i) {
                    out.add(i.value().negate());
                }
                literals(u.operand(), out);
            }
            case Expr.Binary b -> {
                literals(b.left(), out);
                literals(b.right(), out);
            }
            case Expr.InRange r -> {
                literals(r.operand(), out);
                literals(r.low(), out);
                literals(r.high(), out);
            }
            case Expr.Call c -> c.arguments().forEach(a -> literals(a, out));
            default -> { }
        }
    }

    static boolean mentions(Expr e, String name) {
        return switch (e) {
            case Expr.Ref r -> r.path().root().equals(name);
            case Expr.Unary u -> mentions(u.operand(), name);
            case Expr.Binary b -> mentions(b.left(), name) || mentions(b.right(), name);
            case Expr.InRange r -> mentions(r.operand(), name) || mentions(r.low(), name) || mentions(r.high(), name);
            case Expr.Call c -> c.arguments().stream().anyMatch(a -> mentions(a, name));
            default -> false;
        };
    }
}
