package dev.warden.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Expr;
import com.microsoft.z3.IntExpr;
import com.microsoft.z3.IntNum;
import com.microsoft.z3.Params;
import com.microsoft.z3.Solver;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Z3 context whose bit vectors are integers ({@link Z3IntBitVectors}): the encoding that proves
 * the interval operators of multiplication, division and modulo at 64 bits. Every variable is an
 * integer bounded to {@code [0, 2^width)}, and every query assumes those bounds (a quantified
 * variable's bound guards its body). Timeouts and answers as in {@link Z3Session}.
 */
public final class Z3IntSession implements Session<IntExpr, BoolExpr> {

    private final Context ctx;
    private final Duration timeout;
    private final Map<IntExpr, Integer> widths = new IdentityHashMap<>();
    private final List<BoolExpr> bounds = new ArrayList<>();
    private int fresh;

    public Z3IntSession(Duration timeout) {
        this.ctx = new Context();
        this.timeout = timeout;
    }

    @Override
    public Z3IntBitVectors bits(int width) {
        return new Z3IntBitVectors(ctx, width);
    }

    @Override
    public IntExpr variable(String name, int width) {
        IntExpr v = ctx.mkIntConst(name + "!" + (fresh++));
        widths.put(v, width);
        bounds.add(inRange(v, width));
        return v;
    }

    private BoolExpr inRange(IntExpr v, int width) {
        return ctx.mkAnd(ctx.mkLe(ctx.mkInt(0), v), ctx.mkLt(v, ctx.mkInt(BigInteger.ONE.shiftLeft(width).toString())));
    }

    @Override
    public BoolExpr forall(List<IntExpr> vars, BoolExpr body) {
        BoolExpr guard = ctx.mkTrue();
        for (IntExpr v : vars) {
            Integer w = widths.get(v);
            if (w == null) {
                throw new IllegalArgumentException("not a variable of this session: " + v);
            }
            guard = ctx.mkAnd(guard, inRange(v, w));
        }
        return ctx.mkForall(vars.toArray(new Expr<?>[0]), ctx.mkImplies(guard, body), 1, null, null, null, null);
    }

    @Override
    public boolean isTrue(BoolExpr b) {
        return b.isTrue();
    }

    @Override
    public ProofResult proveUnsat(BoolExpr violation, List<Witness<IntExpr>> witnesses, Logic logic) {
        Solver s = ctx.mkSolver();
        Params p = ctx.mkParams();
        p.add("timeout", (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        s.setParameters(p);
        s.add(bounds.toArray(new BoolExpr[0]));
        s.add(violation);
        return switch (s.check()) {
            case UNSATISFIABLE -> new ProofResult.Proved();
            case SATISFIABLE -> {
                Map<String, String> out = new LinkedHashMap<>();
                for (Witness<IntExpr> w : witnesses) {
                    Expr<?> v = s.getModel().eval(w.term(), true);
                    out.put(w.name(), v instanceof IntNum n ? "0x" + n.getBigInteger().toString(16) : v.toString());
                }
                yield new ProofResult.Refuted(out);
            }
            case UNKNOWN -> new ProofResult.Unknown("z3 (integers): " + s.getReasonUnknown());
        };
    }

    /** Evaluates a closed term (no variables) to its unsigned value, for cross-checks against Java. */
    public static long evaluate(IntExpr closed) {
        Expr<?> s = closed.simplify();
        if (!(s instanceof IntNum n)) {
            throw new IllegalArgumentException("not a closed integer term: " + s);
        }
        return n.getBigInteger().longValue();
    }

    @Override
    public void close() {
        ctx.close();
    }
}
