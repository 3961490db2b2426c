package dev.warden.verifier.eim;

import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import dev.warden.eim.Path;
import dev.warden.eim.Types;
import dev.warden.eim.smt.Alternative;
import dev.warden.eim.smt.ConstraintSolver;
import dev.warden.eim.smt.SatResult;
import dev.warden.eim.smt.Z3ConstraintSolver;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Discharges one policy constraint at one program point: the abstract domains first
 * ({@link ConstraintEvaluator}), then, for what they leave undecided, Z3 over the names' abstract
 * ranges (is there a value of each name inside what the state allows that falsifies the
 * constraint?). Pointer predicates the state decides are replaced by their truth before Z3 sees
 * them; the rest stay uninterpreted, so Z3 may falsify them, which keeps the answer sound.
 * Owns at most one Z3 solver, opened on first need; close it when the verification ends.
 */
public final class ConstraintProver implements AutoCloseable {
    private final Duration perQuery;
    private ConstraintSolver solver;
    private int queries;

    public ConstraintProver(Duration perQuery) {
        this.perQuery = perQuery;
    }

    /** How a constraint fared. */
    public sealed interface Verdict {
        /** It holds in every concrete state of the abstract one. */
        record Holds() implements Verdict {}

        /** It may fail; {@code witness} names values that make it fail, when one was found. */
        record MayFail(Optional<String> witness, String how) implements Verdict {}
    }

    /** Queries sent to Z3 so far. */
    public int queries() {
        return queries;
    }

    public Verdict check(Types types, Map<String, Operand> scope, MemoryOracle memory, Expr constraint) {
        ConstraintEvaluator ev = new ConstraintEvaluator(types, scope, memory);
        Truth t = ev.truth(constraint);
        if (t == Truth.TRUE) {
            return new Verdict.Holds();
        }
        Optional<String> w = ev.witness(constraint);
        if (t == Truth.FALSE || w.isPresent()) {
            return new Verdict.MayFail(w, "shown by the abstract state");
        }
        return z3(types, scope, ev, constraint);
    }

    private Verdict z3(Types types, Map<String, Operand> scope, ConstraintEvaluator ev, Expr constraint) {
        List<Expr> cs = new ArrayList<>();
        cs.add(new Expr.Unary(Expr.UnaryOp.NOT, decided(constraint, ev)));
        Map<String, CType> typed = new LinkedHashMap<>();
        Map<String, String> naming = new LinkedHashMap<>();
        scope.forEach((name, o) -> {
            typed.put(name, o.type());
            naming.put(name, name);
            Expr ref = new Expr.Ref(Path.of(name));
            if (types.layout().resolve(o.type()) instanceof CType.Scalar) {
                ConstraintEvaluator.Ints r = ev.range(name);
                cs.add(new Expr.InRange(ref, lit(r.lo()), lit(r.hi())));
            } else if (types.layout().resolve(o.type()) instanceof CType.Pointer) {
                Truth nonNull = ev.truth(new Expr.Call("non_null", List.of(ref)));
                if (nonNull != Truth.UNKNOWN) {
                    cs.add(new Expr.Binary(nonNull == Truth.TRUE ? Expr.BinaryOp.NE : Expr.BinaryOp.EQ, ref, new Expr.Null()));
                }
            }
        });
        try {
            queries++;
            SatResult r = solver().satisfiable(new Alternative(types, cs, typed, naming));
            return switch (r) {
                case SatResult.Unsat u -> new Verdict.Holds();
                case SatResult.Sat s -> new Verdict.MayFail(Optional.of(s.witness().show(n -> n)), "Z3 found values in the abstract ranges");
                case SatResult.Unknown u -> new Verdict.MayFail(Optional.empty(), "Z3 could not decide (" + u.reason()
                        + "), so this is undecided, not shown unsafe");
            };
        } catch (RuntimeException | LinkageError e) {
            return new Verdict.MayFail(Optional.empty(), "Z3 could not decide (it failed: " + e + ")");
        }
    }

    private static Expr lit(BigInteger v) {
        return v.signum() < 0 ? new Expr.Unary(Expr.UnaryOp.NEG, new Expr.IntLit(v.negate())) : new Expr.IntLit(v);
    }

    /** The constraint with every pointer predicate the state decides replaced by its truth. */
    private static Expr decided(Expr e, ConstraintEvaluator ev) {
        return switch (e) {
            case Expr.Call c -> {
                Truth t = ev.truth(c);
                yield t == Truth.UNKNOWN ? c : new Expr.BoolLit(t == Truth.TRUE);
            }
            case Expr.Unary u -> new Expr.Unary(u.op(), decided(u.operand(), ev));
            case Expr.Binary b -> new Expr.Binary(b.op(), decided(b.left(), ev), decided(b.right(), ev));
            case Expr.InRange r -> new Expr.InRange(decided(r.operand(), ev), decided(r.low(), ev), decided(r.high(), ev));
            default -> e;
        };
    }

    private ConstraintSolver solver() {
        if (solver == null) {
            solver = Z3ConstraintSolver.open(perQuery);
        }
        return solver;
    }

    @Override
    public void close() {
        if (solver != null) {
            solver.close();
            solver = null;
        }
    }

}
