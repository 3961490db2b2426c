package dev.warden.smt;

import dev.warden.domains.BitVectors;
import java.util.List;

/**
 * One solver's context for bit-vector queries, over its own term types: {@code V} for bit
 * vectors, {@code B} for formulas. The generic operator code of {@code abstract-domains} runs on
 * {@link #bits}, so every solver proves the same code. Every query runs under a time limit; an
 * answer other than sat/unsat is {@link ProofResult.Unknown}, never proved. Not thread-safe; close
 * with try-with-resources.
 */
public interface Session<V, B> extends AutoCloseable {

    /** Which fragment a query is in: plain bit vectors, or with quantifiers. */
    enum Logic { QF_BV, BV_QUANTIFIED }

    /** The bit-vector algebra of this session at {@code width} bits. */
    BitVectors<V, B> bits(int width);

    /** A fresh bit-vector variable; {@code name} is made unique. */
    V variable(String name, int width);

    /** {@code ∀ vars. body}. */
    B forall(List<V> vars, B body);

    /** Whether {@code b} is literally the constant true (no solving). */
    boolean isTrue(B b);

    /**
     * Checks that {@code violation} is unsatisfiable: {@link ProofResult.Proved} if so,
     * {@link ProofResult.Refuted} with the witnesses' values in a model if not.
     */
    ProofResult proveUnsat(B violation, List<Witness<V>> witnesses, Logic logic);

    @Override
    void close();
}
