package dev.warden.eim.smt;

import com.microsoft.z3.ArithExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.BoolSort;
import com.microsoft.z3.Context;
import com.microsoft.z3.FuncDecl;
import com.microsoft.z3.IntExpr;
import com.microsoft.z3.IntNum;
import com.microsoft.z3.IntSort;
import com.microsoft.z3.Model;
import com.microsoft.z3.Params;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Sort;
import com.microsoft.z3.Status;
import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import dev.warden.eim.Path;
import dev.warden.eim.ScalarKind;
import dev.warden.eim.Types;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ConstraintSolver} on Z3 with linear/nonlinear integer arithmetic. The one place a Z3
 * {@link Context} is made and closed: open with {@link #open(Duration)} in a try-with-resources.
 *
 * <p>Encoding: every name (an argument, a field reached through it, {@code rtn}, {@code value})
 * is a Z3 integer bounded by its C type; pointers are integers in [0, 2^64-1] and {@code null} is 0.
 * {@code /} and {@code %} truncate toward zero as in C (Z3's own {@code div} floors); division by
 * zero is left unspecified, as Z3 does. {@code readable}, {@code writable} and
 * {@code null_terminated} are uninterpreted predicates with the laws: writable(p, n) implies
 * readable(p, n); readable(p, n) with n &gt; 0 implies p != 0; null_terminated(p) implies p != 0.
 */
public final class Z3ConstraintSolver implements ConstraintSolver {

    private static final BigInteger POINTER_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final Context ctx;
    private final int timeoutMs;

    private Z3ConstraintSolver(Context ctx, int timeoutMs) {
        this.ctx = ctx;
        this.timeoutMs = timeoutMs;
    }

    /** Opens a solver whose every query gives up (as {@code Unknown}) after {@code perQuery}. */
    public static Z3ConstraintSolver open(Duration perQuery) {
        long ms = Math.max(1, Math.min(Integer.MAX_VALUE, perQuery.toMillis()));
        return new Z3ConstraintSolver(new Context(), (int) ms);
    }

    @Override
    public void close() {
        ctx.close();
    }

    @Override
    public SatResult satisfiable(Alternative a) {
        Encoding enc = new Encoding();
        List<BoolExpr> cs = new ArrayList<>();
        for (Expr e : a.constraints()) cs.add(enc.bool(e, a));
        Solver s = enc.solver();
        BoolExpr[] trackers = new BoolExpr[cs.size()];
        for (int i = 0; i < cs.size(); i++) {
            trackers[i] = ctx.mkBoolConst("c!" + i);
            s.add(ctx.mkImplies(trackers[i], cs.get(i)));
        }
        Status st = s.check(trackers);
        return switch (st) {
            case SATISFIABLE -> new SatResult.Sat(enc.witness(s.getModel()));
            case UNKNOWN -> new SatResult.Unknown(s.getReasonUnknown());
            case UNSATISFIABLE -> new SatResult.Unsat(minimalCore(s, trackers));
        };
    }

    /** Deletion-based minimisation of Z3's core: drop each constraint that the rest still conflicts without. */
    private List<Integer> minimalCore(Solver s, BoolExpr[] trackers) {
        List<BoolExpr> core = new ArrayList<>(List.of(s.getUnsatCore()));
        for (int i = 0; i < core.size(); ) {
            List<BoolExpr> without = new ArrayList<>(core);
            without.remove(i);
            if (s.check(without.toArray(BoolExpr[]::new)) == Status.UNSATISFIABLE) {
                core = without;
            } else {
                i++;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < trackers.length; i++) if (core.contains(trackers[i])) out.add(i);
        return out;
    }

    @Override
    public Implication implies(Allowance a, Allowance b) {
        Encoding enc = new Encoding();
        BoolExpr left = enc.any(a);
        BoolExpr right = enc.any(b);
        Solver s = enc.solver();
        s.add(left, ctx.mkNot(right));
        return switch (s.check()) {
            case UNSATISFIABLE -> new Implication.Holds();
            case SATISFIABLE -> new Implication.Refuted(enc.witness(s.getModel()));
            case UNKNOWN -> new Implication.Unknown(s.getReasonUnknown());
        };
    }

    @Override
    public SatResult canFail(Alternative a, int index) {
        Encoding enc = new Encoding();
        BoolExpr c = enc.bool(a.constraints().get(index), a);
        Solver s = enc.solver();
        s.add(ctx.mkNot(c));
        return switch (s.check()) {
            case SATISFIABLE -> new SatResult.Sat(enc.witness(s.getModel()));
            case UNSATISFIABLE -> new SatResult.Unsat(List.of(index));
            case UNKNOWN -> new SatResult.Unknown(s.getReasonUnknown());
        };
    }

    /** The state of one query: its variables (with their type ranges) and predicate atoms (with their laws). */
    private final class Encoding {
        private final Map<String, IntExpr> vars = new LinkedHashMap<>();
        private final Map<String, BoolExpr> atoms = new LinkedHashMap<>();
        private final List<BoolExpr> background = new ArrayList<>();

        /** A fresh solver holding the type ranges and predicate laws met while encoding. */
        Solver solver() {
            Solver s = ctx.mkSolver();
            Params p = ctx.mkParams();
            p.add("timeout", timeoutMs);
            s.setParameters(p);
            for (BoolExpr b : background) s.add(b);
            return s;
        }

        BoolExpr any(Allowance a) {
            List<BoolExpr> alts = new ArrayList<>();
            for (Alternative alt : a.alternatives()) {
                List<BoolExpr> cs = new ArrayList<>();
                for (Expr e : alt.constraints()) cs.add(bool(e, alt));
                alts.add(ctx.mkAnd(cs.toArray(BoolExpr[]::new)));
            }
            return ctx.mkOr(alts.toArray(BoolExpr[]::new));
        }

        Witness witness(Model m) {
            Map<String, String> values = new LinkedHashMap<>();
            for (var e : vars.entrySet()) values.put(e.getKey(), show(m.eval(e.getValue(), true)));
            for (var e : atoms.entrySet()) values.put(e.getKey(), m.eval(e.getValue(), true).toString());
            return new Witness(values);
        }

        private static String show(com.microsoft.z3.Expr<IntSort> v) {
            return v instanceof IntNum n ? n.getBigInteger().toString() : v.toString();
        }

        BoolExpr bool(Expr e, Alternative a) {
            return switch (e) {
                case Expr.BoolLit b -> ctx.mkBool(b.value());
                case Expr.Unary u -> ctx.mkNot(bool(u.operand(), a)); // NEG is never boolean in a checked policy
                case Expr.InRange r -> {
                    ArithExpr<IntSort> x = integer(r.operand(), a);
                    yield ctx.mkAnd(ctx.mkLe(integer(r.low(), a), x), ctx.mkLe(x, integer(r.high(), a)));
                }
                case Expr.Call c -> predicate(c, a);
                case Expr.Binary b -> switch (b.op()) {
                    case AND -> ctx.mkAnd(bool(b.left(), a), bool(b.right(), a));
                    case OR -> ctx.mkOr(bool(b.left(), a), bool(b.right(), a));
                    case IMPLIES -> ctx.mkImplies(bool(b.left(), a), bool(b.right(), a));
                    case LT -> ctx.mkLt(integer(b.left(), a), integer(b.right(), a));
                    case LE -> ctx.mkLe(integer(b.left(), a), integer(b.right(), a));
                    case GT -> ctx.mkGt(integer(b.left(), a), integer(b.right(), a));
                    case GE -> ctx.mkGe(integer(b.left(), a), integer(b.right(), a));
                    case EQ, NE -> {
                        BoolExpr eq = kind(b.left(), a) == Types.Kind.BOOL
                                ? ctx.mkEq(bool(b.left(), a), bool(b.right(), a))
                                : ctx.mkEq(integer(b.left(), a), integer(b.right(), a));
                        yield b.op() == Expr.BinaryOp.EQ ? eq : ctx.mkNot(eq);
                    }
                    case MUL, DIV, MOD, ADD, SUB -> throw notChecked(e);
                };
                case Expr.IntLit i -> throw notChecked(e);
                case Expr.Null n -> throw notChecked(e);
                case Expr.SizeOfType s -> throw notChecked(e);
                case Expr.SizeOfPath s -> throw notChecked(e);
                case Expr.Ref r -> throw notChecked(e); // bool-typed C values are integers 0/1 here
            };
        }

        @SuppressWarnings("unchecked")
        ArithExpr<IntSort> integer(Expr e, Alternative a) {
            return switch (e) {
                case Expr.IntLit i -> ctx.mkInt(i.value().toString());
                case Expr.Null n -> ctx.mkInt(0);
                case Expr.SizeOfType s -> ctx.mkInt(Long.toString(sizeOfType(s.type(), a)));
                case Expr.SizeOfPath s -> ctx.mkInt(Long.toString(sizeOfPath(s.path(), a)));
                case Expr.Ref r -> variable(r.path(), a);
                case Expr.Unary u -> ctx.mkUnaryMinus(integer(u.operand(), a));
                case Expr.Binary b -> {
                    ArithExpr<IntSort> l = integer(b.left(), a);
                    ArithExpr<IntSort> r = integer(b.right(), a);
                    yield switch (b.op()) {
                        case ADD -> ctx.mkAdd(l, r);
                        case SUB -> ctx.mkSub(l, r);
                        case MUL -> ctx.mkMul(l, r);
                        case DIV -> truncatingDiv(l, r);
                        case MOD -> ctx.mkSub(l, ctx.mkMul(r, truncatingDiv(l, r)));
                        default -> throw notChecked(e);
                    };
                }
                case Expr.BoolLit b -> throw notChecked(e);
                case Expr.InRange r -> throw notChecked(e);
                case Expr.Call c -> throw notChecked(e);
            };
        }

        /** C division: the quotient of the magnitudes, negated when the signs differ. */
        private ArithExpr<IntSort> truncatingDiv(ArithExpr<IntSort> l, ArithExpr<IntSort> r) {
            ArithExpr<IntSort> zero = ctx.mkInt(0);
            ArithExpr<IntSort> absL = (ArithExpr<IntSort>) ctx.mkITE(ctx.mkGe(l, zero), l, ctx.mkUnaryMinus(l));
            ArithExpr<IntSort> absR = (ArithExpr<IntSort>) ctx.mkITE(ctx.mkGe(r, zero), r, ctx.mkUnaryMinus(r));
            ArithExpr<IntSort> q = ctx.mkDiv(absL, absR);
            BoolExpr sameSign = ctx.mkEq(ctx.mkGe(l, zero), ctx.mkGe(r, zero));
            return (ArithExpr<IntSort>) ctx.mkITE(sameSign, q, ctx.mkUnaryMinus(q));
        }

        private BoolExpr predicate(Expr.Call c, Alternative a) {
            List<ArithExpr<IntSort>> args = new ArrayList<>();
            for (Expr x : c.arguments()) args.add(integer(x, a));
            Sort[] sorts = new Sort[args.size()];
            java.util.Arrays.fill(sorts, ctx.getIntSort());
            FuncDecl<BoolSort> f = ctx.mkFuncDecl(c.function(), sorts, ctx.getBoolSort());
            BoolExpr atom = (BoolExpr) ctx.mkApp(f, args.toArray(com.microsoft.z3.Expr[]::new));
            IntExpr zero = ctx.mkInt(0);
            switch (c.function()) {
                case "non_null" -> {
                    // Not uninterpreted: non_null(p) is exactly p != 0.
                    return ctx.mkNot(ctx.mkEq(args.get(0), zero));
                }
                case "null_terminated" -> background.add(ctx.mkImplies(atom, ctx.mkNot(ctx.mkEq(args.get(0), zero))));
                case "readable" -> background.add(ctx.mkImplies(ctx.mkAnd(atom, ctx.mkGt(args.get(1), zero)),
                        ctx.mkNot(ctx.mkEq(args.get(0), zero))));
                case "writable" -> {
                    FuncDecl<BoolSort> readable = ctx.mkFuncDecl("readable", sorts, ctx.getBoolSort());
                    BoolExpr r = (BoolExpr) ctx.mkApp(readable, args.toArray(com.microsoft.z3.Expr[]::new));
                    background.add(ctx.mkImplies(atom, r));
                    background.add(ctx.mkImplies(ctx.mkAnd(r, ctx.mkGt(args.get(1), zero)),
                            ctx.mkNot(ctx.mkEq(args.get(0), zero))));
                }
                default -> throw new IllegalStateException("unchecked predicate " + c.function());
            }
            atoms.putIfAbsent(Names.show(c, a.naming()), atom);
            return atom;
        }

        private IntExpr variable(Path p, Alternative a) {
            if (p.steps().isEmpty() && !a.scope().containsKey(p.root())) {
                // Not an argument: an enumerator, a constant (the checker let nothing else through).
                BigInteger c = a.types().layout().enumerator(p.root())
                        .orElseThrow(() -> new IllegalStateException("unchecked name " + p));
                return ctx.mkInt(c.toString());
            }
            String name = Names.canonical(p, a.naming());
            IntExpr v = vars.get(name);
            if (v != null) return v;
            v = ctx.mkIntConst(name);
            vars.put(name, v);
            CType t = a.types().layout().resolve(a.types().typeOf(p, a.scope(), Types.Problems.NONE)
                    .orElseThrow(() -> new IllegalStateException("unchecked path " + p)));
            BigInteger lo;
            BigInteger hi;
            if (t instanceof CType.Scalar s) {
                ScalarKind k = s.kind();
                lo = k.min();
                hi = k.max();
            } else {
                lo = BigInteger.ZERO;
                hi = POINTER_MAX;
            }
            background.add(ctx.mkLe(ctx.mkInt(lo.toString()), v));
            background.add(ctx.mkLe(v, ctx.mkInt(hi.toString())));
            return v;
        }

        private long sizeOfType(CType t, Alternative a) {
            // sizeof(x) of a variable x parses as sizeof of a type named x.
            if (t instanceof CType.Named n && a.scope().containsKey(n.name()) && !a.types().layout().hasType(n.name())) {
                return a.types().layout().sizeOf(a.scope().get(n.name()));
            }
            return a.types().layout().sizeOf(t);
        }

        private long sizeOfPath(Path p, Alternative a) {
            if (p.steps().isEmpty() && !a.scope().containsKey(p.root()) && a.types().layout().hasType(p.root())) {
                return a.types().layout().sizeOf(new CType.Named(p.root()));
            }
            return a.types().layout().sizeOf(a.types().typeOf(p, a.scope(), Types.Problems.NONE).orElseThrow());
        }

        private Types.Kind kind(Expr e, Alternative a) {
            return a.types().kindOf(e, a.scope(), Types.Problems.NONE)
                    .orElseThrow(() -> new IllegalStateException("unchecked expression " + e.show()));
        }
    }

    private static IllegalStateException notChecked(Expr e) {
        return new IllegalStateException("expression of the wrong kind reached the solver (policy not checked?): " + e.show());
    }
}
