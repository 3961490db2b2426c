package dev.warden.smt;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.sosy_lab.java_smt.SolverContextFactory.Solvers;
import org.sosy_lab.java_smt.api.BooleanFormula;
import org.sosy_lab.java_smt.api.FormulaManager;
import org.sosy_lab.java_smt.api.IntegerFormulaManager;
import org.sosy_lab.java_smt.api.Model;
import org.sosy_lab.java_smt.api.NumeralFormula.IntegerFormula;
import org.sosy_lab.java_smt.api.ProverEnvironment;
import org.sosy_lab.java_smt.api.SolverContext;
import org.sosy_lab.java_smt.api.SolverException;

/**
 * A cvc5 context through JavaSMT whose bit vectors are integers ({@link JavaSmtIntBitVectors}):
 * the second solver of the interval operators' 64-bit proofs on integers, beside {@link
 * Z3IntSession}. As there, every variable is an integer bounded to {@code [0, 2^width)} and every
 * query assumes those bounds (a quantified variable's bound guards its body). Each query runs in a
 * fresh prover environment under cvc5's per-query time limit ({@code tlimit-per}); an answer that
 * takes longer is {@link ProofResult.Unknown}. Not thread-safe.
 */
public final class Cvc5IntSession implements Session<IntegerFormula, BooleanFormula> {

    private final SolverContext ctx;
    private final FormulaManager fm;
    private final IntegerFormulaManager ints;
    private final Map<IntegerFormula, Integer> widths = new IdentityHashMap<>();
    private final List<BooleanFormula> bounds = new ArrayList<>();
    private int fresh;
    /** For {@link #evaluate}: a prover with no constraints, and its model; opened on first use. */
    private ProverEnvironment emptyProver;
    private Model emptyModel;

    /** Opens a cvc5 context; fails (unchecked) when cvc5's native libraries cannot be loaded. */
    public Cvc5IntSession(Duration timeout) {
        this.ctx = JavaSmtQueries.open(Solvers.CVC5, "tlimit-per=" + Math.max(1, timeout.toMillis()), Cvc5Library::load);
        this.fm = ctx.getFormulaManager();
        this.ints = fm.getIntegerFormulaManager();
    }

    /** Whether cvc5's native libraries are on hand (a test without them skips). */
    public static boolean available() {
        return Cvc5Library.present();
    }

    /** cvc5's version, as it reports it. */
    public String version() {
        return ctx.getVersion();
    }

    @Override
    public JavaSmtIntBitVectors bits(int width) {
        return new JavaSmtIntBitVectors(ints, fm.getBitvectorFormulaManager(), fm.getBooleanFormulaManager(), width);
    }

    @Override
    public IntegerFormula variable(String name, int width) {
        IntegerFormula v = ints.makeVariable(name + "!" + (fresh++));
        widths.put(v, width);
        bounds.add(inRange(v, width));
        return v;
    }

    private BooleanFormula inRange(IntegerFormula v, int width) {
        return fm.getBooleanFormulaManager().and(ints.lessOrEquals(ints.makeNumber(0), v),
            ints.lessThan(v, ints.makeNumber(BigInteger.ONE.shiftLeft(width))));
    }

    @Override
    public BooleanFormula forall(List<IntegerFormula> vars, BooleanFormula body) {
        var bool = fm.getBooleanFormulaManager();
        BooleanFormula guard = bool.makeTrue();
        for (IntegerFormula v : vars) {
            Integer w = widths.get(v);
            if (w == null) {
                throw new IllegalArgumentException("not a variable of this session: " + v);
            }
            guard = bool.and(guard, inRange(v, w));
        }
        return fm.getQuantifiedFormulaManager().forall(vars, bool.implication(guard, body));
    }

    /** The conjunction of {@code parts}, flat (one n-ary {@code and}, not a chain of binary ones). */
    public BooleanFormula all(List<BooleanFormula> parts) {
        return fm.getBooleanFormulaManager().and(parts);
    }

    @Override
    public boolean isTrue(BooleanFormula b) {
        return fm.getBooleanFormulaManager().isTrue(b);
    }

    @Override
    public ProofResult proveUnsat(BooleanFormula violation, List<Witness<IntegerFormula>> witnesses, Logic logic) {
        List<BooleanFormula> all = new ArrayList<>(bounds);
        all.add(violation);
        return JavaSmtQueries.proveUnsat(ctx, all, witnesses, "cvc5 (integers)");
    }

    /**
     * Evaluates a closed term (no variables) to its unsigned value, for cross-checks against Java:
     * cvc5's value of the term in the model of an empty query (one model serves every term).
     */
    public long evaluate(IntegerFormula closed) {
        BigInteger v = evaluator().evaluate(closed);
        if (v == null) {
            throw new IllegalArgumentException("no value for " + closed);
        }
        return v.longValue();
    }

    /** Evaluates a closed formula, as {@link #evaluate(IntegerFormula)}. */
    public boolean evaluate(BooleanFormula closed) {
        Boolean v = evaluator().evaluate(closed);
        if (v == null) {
            throw new IllegalArgumentException("no value for " + closed);
        }
        return v;
    }

    private Model evaluator() {
        if (emptyModel == null) {
            try {
                emptyProver = ctx.newProverEnvironment(SolverContext.ProverOptions.GENERATE_MODELS);
                if (emptyProver.isUnsat()) {
                    throw new IllegalStateException("cvc5 found the empty query unsatisfiable");
                }
                emptyModel = emptyProver.getModel();
            } catch (SolverException e) {
                throw new IllegalStateException("cvc5: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return emptyModel;
    }

    @Override
    public void close() {
        if (emptyModel != null) {
            emptyModel.close();
            emptyProver.close();
        }
        ctx.close();
    }
}
