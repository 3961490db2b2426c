package dev.warden.verifier.eim;

import dev.warden.domains.Scalar;
import dev.warden.eim.CType;
import dev.warden.eim.Declaration;
import dev.warden.eim.Expr;
import dev.warden.verifier.state.Value;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a call's return constraints let the verifier assume of r0 afterwards. Bounds of the form
 * {@code rtn OP constant} and {@code rtn in [a, b]} in the top-level conjunction narrow r0;
 * other constraints on {@code rtn} are sound to ignore (assuming less). With several capabilities
 * for one function, r0 is the join of what each allows (any of them may be the one that holds).
 */
public final class ReturnConstraints {
    private ReturnConstraints() {}

    /** Whether a constraint speaks of the return value (so it is assumed, not checked, at the call). */
    public static boolean mentionsRtn(Expr e) {
        return ConstraintEvaluator.mentions(e, "rtn");
    }

    public static Value assume(EimPlatform eim, List<Declaration.FunctionCapability> caps, Value r0) {
        if (!(r0 instanceof Value.Num n)) {
            return r0;
        }
        Scalar joined = null;
        for (Declaration.FunctionCapability cap : caps) {
            Scalar s = narrow(eim, cap.constraints(), "rtn", cap.prototype().returns(), n.scalar());
            joined = joined == null ? s : joined.join(s);
        }
        return joined == null ? r0 : Value.Num.of(joined);
    }

    /**
     * {@code s} narrowed by the bounds the top-level conjuncts of {@code constraints} put on
     * {@code name} (of C type {@code type}): {@code name OP constant}, {@code name in [a, b]}.
     */
    public static Scalar narrow(EimPlatform eim, List<Expr> constraints, String name, CType type, Scalar s) {
        CType t = eim.types().layout().resolve(type);
        boolean unsigned64 = t instanceof CType.Scalar sc && sc.kind().size() == 8 && !sc.kind().isSigned();
        for (Expr c : constraints) {
            for (Expr atom : conjuncts(c)) {
                Optional<BigInteger[]> b = bounds(eim, atom, name);
                if (b.isPresent()) {
                    Scalar narrowed = s.meet(range(b.get()[0], b.get()[1], unsigned64));
                    // An empty meet (a promise the type cannot keep) narrows nothing: a bottom
                    // value would make the path unreachable.
                    s = narrowed.isBottom() ? s : narrowed;
                }
            }
        }
        return s;
    }

    private static Scalar range(BigInteger lo, BigInteger hi, boolean unsigned64) {
        BigInteger min = unsigned64 ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger max = unsigned64 ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(Long.MAX_VALUE);
        lo = lo.max(min);
        hi = hi.min(max);
        if (lo.compareTo(hi) > 0) {
            return Scalar.bottom();
        }
        return unsigned64 ? Scalar.unsignedRange(lo.longValue(), hi.longValue()) : Scalar.signedRange(lo.longValueExact(), hi.longValueExact());
    }

    private static List<Expr> conjuncts(Expr e) {
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.AND) {
            List<Expr> out = new java.util.ArrayList<>(conjuncts(b.left()));
            out.addAll(conjuncts(b.right()));
            return out;
        }
        return List.of(e);
    }

    private static boolean is(Expr e, String name) {
        return e instanceof Expr.Ref r && r.path().root().equals(name) && r.path().steps().isEmpty();
    }

    /** [lo, hi] (unbounded ends as ±2^70) that an atom confines {@code name} to, if it is such an atom. */
    private static Optional<BigInteger[]> bounds(EimPlatform eim, Expr atom, String name) {
        BigInteger inf = BigInteger.ONE.shiftLeft(70);
        if (atom instanceof Expr.InRange r && is(r.operand(), name)) {
            Optional<BigInteger> lo = constant(eim, r.low());
            Optional<BigInteger> hi = constant(eim, r.high());
            if (lo.isPresent() && hi.isPresent()) {
                return Optional.of(new BigInteger[] {lo.get(), hi.get()});
            }
            return Optional.empty();
        }
        if (!(atom instanceof Expr.Binary b)) {
            return Optional.empty();
        }
        Expr.BinaryOp op = b.op();
        Optional<BigInteger> k;
        if (is(b.left(), name)) {
            k = constant(eim, b.right());
        } else if (is(b.right(), name)) {
            k = constant(eim, b.left());
            op = switch (op) {
                case LT -> Expr.BinaryOp.GT;
                case LE -> Expr.BinaryOp.GE;
                case GT -> Expr.BinaryOp.LT;
                case GE -> Expr.BinaryOp.LE;
                default -> op;
            };
        } else {
            return Optional.empty();
        }
        if (k.isEmpty()) {
            return Optional.empty();
        }
        BigInteger c = k.get();
        return switch (op) {
            case LT -> Optional.of(new BigInteger[] {inf.negate(), c.subtract(BigInteger.ONE)});
            case LE -> Optional.of(new BigInteger[] {inf.negate(), c});
            case GT -> Optional.of(new BigInteger[] {c.add(BigInteger.ONE), inf});
            case GE -> Optional.of(new BigInteger[] {c, inf});
            case EQ -> Optional.of(new BigInteger[] {c, c});
            default -> Optional.empty();
        };
    }

    private static Optional<BigInteger> constant(EimPlatform eim, Expr e) {
        ConstraintEvaluator.V v = new ConstraintEvaluator(eim.types(), Map.of(), MemoryOracle.NONE).eval(e);
        return v instanceof ConstraintEvaluator.V.I(ConstraintEvaluator.Ints r) && r.isConstant() ? Optional.of(r.lo()) : Optional.empty();
    }
}
