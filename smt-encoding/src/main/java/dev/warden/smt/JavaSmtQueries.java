package dev.warden.smt;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.sosy_lab.common.ShutdownNotifier;
import org.sosy_lab.common.configuration.Configuration;
import org.sosy_lab.common.configuration.InvalidConfigurationException;
import org.sosy_lab.common.log.LogManager;
import org.sosy_lab.java_smt.SolverContextFactory;
import org.sosy_lab.java_smt.SolverContextFactory.Solvers;
import org.sosy_lab.java_smt.api.BooleanFormula;
import org.sosy_lab.java_smt.api.Formula;
import org.sosy_lab.java_smt.api.Model;
import org.sosy_lab.java_smt.api.ProverEnvironment;
import org.sosy_lab.java_smt.api.SolverContext;
import org.sosy_lab.java_smt.api.SolverException;

/** How the JavaSMT sessions ({@link BitwuzlaSession}, {@link Cvc5IntSession}) open a context and ask one query. */
final class JavaSmtQueries {
    private JavaSmtQueries() {}

    /**
     * A context of {@code solver} whose native libraries {@code loader} loads, with the solver's
     * own options {@code furtherOptions} ({@code key=value,...}: JavaSMT passes them on); fails
     * (unchecked) when the libraries cannot be loaded.
     */
    static SolverContext open(Solvers solver, String furtherOptions, Consumer<String> loader) {
        try {
            Configuration config = Configuration.builder()
                .setOption("solver." + solver.name().toLowerCase() + ".furtherOptions", furtherOptions)
                .build();
            return new SolverContextFactory(config, LogManager.createNullLogManager(), ShutdownNotifier.createDummy(), loader)
                .generateContext(solver);
        } catch (InvalidConfigurationException e) {
            throw new IllegalStateException(solver + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code constraints} together are unsatisfiable, in a fresh prover environment:
     * {@link ProofResult.Proved} if so, {@link ProofResult.Refuted} with the witnesses' values if
     * not, {@link ProofResult.Unknown} (named by {@code solver}) when the solver gives up, e.g. at
     * its time limit.
     */
    static <V extends Formula> ProofResult proveUnsat(SolverContext ctx, List<BooleanFormula> constraints,
                                                      List<Witness<V>> witnesses, String solver) {
        try (ProverEnvironment p = ctx.newProverEnvironment(SolverContext.ProverOptions.GENERATE_MODELS)) {
            for (BooleanFormula c : constraints) {
                p.addConstraint(c);
            }
            if (p.isUnsat()) {
                return new ProofResult.Proved();
            }
            try (Model m = p.getModel()) {
                Map<String, String> out = new LinkedHashMap<>();
                for (Witness<V> w : witnesses) {
                    // A variable the model leaves open may take any value; 0 completes it, as Z3 does.
                    BigInteger v = m.evaluate(w.term()) instanceof BigInteger n ? n : BigInteger.ZERO;
                    out.put(w.name(), "0x" + v.toString(16));
                }
                return new ProofResult.Refuted(out);
            }
        } catch (SolverException e) {
            // The solver answers UNKNOWN when its time limit ends the query.
            return new ProofResult.Unknown(solver + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProofResult.Unknown(solver + ": interrupted");
        }
    }
}
