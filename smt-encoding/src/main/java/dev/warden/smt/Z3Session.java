package dev.warden.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Expr;
import com.microsoft.z3.Model;
import com.microsoft.z3.Params;
import com.microsoft.z3.Quantifier;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where Warden opens and closes Z3 contexts: use with try-with-resources. Every
 * query runs under a timeout, and an answer other than sat/unsat is reported as
 * {@link ProofResult.Unknown}, never as proved. Not thread-safe (neither is a Z3 context).
 */
public final class Z3Session implements Session<BitVecExpr, BoolExpr> {

    private final Context ctx;
    private final Duration timeout;
    private final long rlimit;
    private int fresh;

    public Z3Session(Duration timeout) {
        this(timeout, 0);
    }

    /**
     * A session whose queries also stop after {@code rlimit} of Z3's resource units (0: no such
     * limit). Unlike a timeout, the resource limit is deterministic: the same query gives the same
     * answer on a slow and on a fast machine.
     */
    public Z3Session(Duration timeout, long rlimit) {
        if (rlimit < 0) {
            throw new IllegalArgumentException("negative resource limit");
        }
        this.ctx = new Context();
        this.timeout = timeout;
        this.rlimit = rlimit;
    }

    @Override
    public Z3BitVectors bits(int width) {
        return new Z3BitVectors(ctx, width);
    }

    @Override
    public BitVecExpr variable(String name, int width) {
        return ctx.mkBVConst(name + "!" + (fresh++), width);
    }

    @Override
    public Quantifier forall(List<BitVecExpr> vars, BoolExpr body) {
        return ctx.mkForall(vars.toArray(new Expr<?>[0]), body, 1, null, null, null, null);
    }

    @Override
    public boolean isTrue(BoolExpr b) {
        return b.isTrue();
    }

    @Override
    public ProofResult proveUnsat(BoolExpr violation, List<Witness<BitVecExpr>> witnesses, Logic logic) {
        Solver s = logic == Logic.QF_BV ? ctx.mkSolver("QF_BV") : ctx.mkSolver();
        Params p = ctx.mkParams();
        p.add("timeout", (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (rlimit > 0) {
            p.add("rlimit", (int) Math.min(Integer.MAX_VALUE, rlimit));
        }
        s.setParameters(p);
        s.add(violation);
        Status st = s.check();
        return switch (st) {
            case UNSATISFIABLE -> new ProofResult.Proved();
            case SATISFIABLE -> new ProofResult.Refuted(counterexample(s.getModel(), witnesses));
            case UNKNOWN -> new ProofResult.Unknown(s.getReasonUnknown());
        };
    }

    private static Map<String, String> counterexample(Model m, List<Witness<BitVecExpr>> witnesses) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Witness<BitVecExpr> w : witnesses) {
            Expr<?> v = m.eval(w.term(), true);
            out.put(w.name(), render(v));
        }
        return out;
    }

    private static String render(Expr<?> v) {
        if (v instanceof com.microsoft.z3.BitVecNum n) {
            return "0x" + n.getBigInteger().toString(16);
        }
        return v.toString();
    }

    /** Evaluates a closed term (no variables) to a value, for cross-checks against Java. */
    public static long evaluate(BitVecExpr closed) {
        Expr<?> s = closed.simplify();
        if (!(s instanceof com.microsoft.z3.BitVecNum n)) {
            throw new IllegalArgumentException("not a closed bit-vector term: " + s);
        }
        return n.getBigInteger().longValue();
    }

    /** Evaluates a closed boolean term. */
    public static boolean evaluate(BoolExpr closed) {
        Expr<?> s = closed.simplify();
        if (s.isTrue()) {
            return true;
        }
        if (s.isFalse()) {
            return false;
        }
        throw new IllegalArgumentException("not a closed boolean term: " + s);
    }

    @Override
    public void close() {
        ctx.close();
    }
}
