package dev.warden.smt;

import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sosy_lab.common.ShutdownNotifier;
import org.sosy_lab.common.configuration.Configuration;
import org.sosy_lab.common.configuration.InvalidConfigurationException;
import org.sosy_lab.common.log.LogManager;
import org.sosy_lab.java_smt.SolverContextFactory;
import org.sosy_lab.java_smt.SolverContextFactory.Solvers;
import org.sosy_lab.java_smt.api.BitvectorFormula;
import org.sosy_lab.java_smt.api.BooleanFormula;
import org.sosy_lab.java_smt.api.FormulaManager;
import org.sosy_lab.java_smt.api.Model;
import org.sosy_lab.java_smt.api.ProverEnvironment;
import org.sosy_lab.java_smt.api.SolverContext;
import org.sosy_lab.java_smt.api.SolverException;

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
        try {
            Configuration config = Configuration.builder()
                .setOption("solver.bitwuzla.furtherOptions", "TIME_LIMIT_PER=" + Math.max(1, timeout.toMillis()))
                .build();
            this.ctx = new SolverContextFactory(config, LogManager.createNullLogManager(), ShutdownNotifier.createDummy(),
                BitwuzlaLibrary::load).generateContext(Solvers.BITWUZLA);
        } catch (InvalidConfigurationException e) {
            throw new IllegalStateException("Bitwuzla: " + e.getMessage(), e);
        }
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
        try (ProverEnvironment p = ctx.newProverEnvironment(SolverContext.ProverOptions.GENERATE_MODELS)) {
            p.addConstraint(violation);
            if (p.isUnsat()) {
                return new ProofResult.Proved();
            }
            try (Model m = p.getModel()) {
                Map<String, String> out = new LinkedHashMap<>();
                for (Witness<BitvectorFormula> w : witnesses) {
                    BigInteger v = m.evaluate(w.term());
                    // A variable the model leaves open may take any value; 0 completes it, as Z3 does.
                    out.put(w.name(), "0x" + (v == null ? BigInteger.ZERO : v).toString(16));
                }
                return new ProofResult.Refuted(out);
            }
        } catch (SolverException e) {
            // Bitwuzla answers UNKNOWN when its time limit ends the query.
            return new ProofResult.Unknown("bitwuzla: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProofResult.Unknown("bitwuzla: interrupted");
        }
    }

    @Override
    public void close() {
        ctx.close();
    }
}
