package dev.warden.smt;

import java.time.Duration;
import java.util.List;
import org.sosy_lab.java_smt.SolverContextFactory.Solvers;
import org.sosy_lab.java_smt.api.BitvectorFormula;
import org.sosy_lab.java_smt.api.BooleanFormula;
import org.sosy_lab.java_smt.api.FormulaManager;
import org.sosy_lab.java_smt.api.SolverContext;

/**
 * A Bitwuzla context through JavaSMT: the second solver of the domain proofs. Each query runs in a
 * fresh prover environment under Bitwuzla's per-query time limit ({@code TIME_LIMIT_PER}), so an
 * answer that takes longer is {@link ProofResult.Unknown}, as with Z3. Not thread-safe.
 */
public final class BitwuzlaSession implements Session<BitvectorFormula, BooleanFormula> {

    private final SolverContext ctx;
    private final FormulaManager fm;
    private int fresh;

    /** Opens a context; fails (unchecked) when Bitwuzla's native library cannot be loaded. */
    public BitwuzlaSession(Duration timeout) {
        this.ctx = JavaSmtQueries.open(Solvers.BITWUZLA, "TIME_LIMIT_PER=" + Math.max(1, timeout.toMillis()), BitwuzlaLibrary::load);
        this.fm = ctx.getFormulaManager();
    }

    /** Bitwuzla's version, as it reports it. */
    public String version() {
        return ctx.getVersion();
    }

    @Override
    public JavaSmtBitVectors bits(int width) {
        return new JavaSmtBitVectors(fm.getBitvectorFormulaManager(), fm.getBooleanFormulaManager(), width);
    }

    @Override
    public BitvectorFormula variable(String name, int width) {
        return fm.getBitvectorFormulaManager().makeVariable(width, name + "!" + (fresh++));
    }

    @Override
    public BooleanFormula forall(List<BitvectorFormula> vars, BooleanFormula body) {
        return fm.getQuantifiedFormulaManager().forall(vars, body);
    }

    @Override
    public boolean isTrue(BooleanFormula b) {
        return fm.getBooleanFormulaManager().isTrue(b);
    }

    @Override
    public ProofResult proveUnsat(BooleanFormula violation, List<Witness<BitvectorFormula>> witnesses, Logic logic) {
        return JavaSmtQueries.proveUnsat(ctx, List.of(violation), witnesses, "bitwuzla");
    }

    @Override
    public void close() {
        ctx.close();
    }
}
