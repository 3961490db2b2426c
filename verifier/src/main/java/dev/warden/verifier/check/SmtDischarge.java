package dev.warden.verifier.check;

import dev.warden.smt.Z3Session;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.SmtBudget;
import dev.warden.verifier.check.smt.Suffixes;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.transfer.Env;
import java.time.Duration;
import java.util.Optional;

/**
 * The second opinion on obligations the abstract domains could not prove: Z3 over the path
 * suffixes that end at the obligation's pc, with the stable invariants as preconditions.
 *
 * <p><b>Soundness.</b> Let P be the pc of a memory access and σ a concrete state in which some
 * execution (of the calling context being checked) reaches P. Read backward within P's function,
 * that execution follows CFG edges, and {@code PathSuffixes} enumerates a tree of backward paths
 * whose inner nodes expand every predecessor edge the fixpoint found reachable; so some
 * enumerated suffix S→…→P is a suffix of the execution (enumeration cut by the path count means
 * Z3 is not asked at all). The stable state at S covers the execution's state at S (the fixpoint is
 * an over-approximation), and so does the state at every later pc of the suffix. The path formula
 * models each instruction either exactly (the concrete semantics, shared with the domain proofs)
 * or by a fresh value that only the next invariant constrains, and a branch by its condition on
 * the edge taken. Hence the execution's concrete values satisfy precondition ∧ path, and if σ
 * violated the bounds, precondition ∧ path ∧ ¬bounds would be satisfiable for that suffix. Z3
 * finding every suffix unsatisfiable therefore proves the bounds for every σ. An unknown answer
 * proves nothing: the violation stays, worded as undecided.
 *
 * <p>Determinism: each query runs under Z3's resource limit (deterministic) and a timeout (a safety
 * net); the program's time budget is the only machine-dependent limit, and it only ever leaves a
 * violation in place.
 */
public final class SmtDischarge implements AutoCloseable {
    private final Env env;
    private final SmtBudget budget;
    private Z3Session session;
    private long spentNanos;
    /** Time spent opening the session, which the budget does not count. */
    private long openingNanos;
    private int obligations;
    private int queries;

    public SmtDischarge(Env env, SmtBudget budget) {
        this.env = env;
        this.budget = budget;
    }

    /** What to do with a candidate violation. */
    public sealed interface Outcome {
        /** Keep the violation as the domains worded it. */
        record Keep() implements Outcome {}

        /** Z3 proved the obligation: drop the violation, count the access as proved. */
        record Discharged() implements Outcome {}

        /** Z3 found a model of a path to the violation: keep it, with what the model says of the inputs. */
        record Modelled(dev.warden.verifier.ModelInput model) implements Outcome {}

        /** Z3 could not decide: keep the violation, saying so. */
        record Undecided(String note) implements Outcome {}
    }

    /** Asks Z3 about an obligation of {@code kind} at {@code pc} that failed in state {@code s} of context {@code inv}. */
    public Outcome discharge(int pc, ObligationKind kind, AbstractState s, Invariants inv) {
        if (kind != ObligationKind.VALID_ACCESS || !budget.enabled()) {
            return new Outcome.Keep();
        }
        // A violation found in one disjunct of pc's block is asked about that disjunct's
        // executions, with the block's invariants computed from it (the join would be weaker).
        Optional<Invariants> mine = s.equals(inv.before(pc)) ? Optional.of(inv) : inv.disjunct(pc, s);
        if (mine.isEmpty()) {
            return new Outcome.Keep();
        }
        return ask(pc, s, mine.get());
    }

    private Outcome ask(int pc, AbstractState s, Invariants inv) {
        long start = System.nanoTime();
        long opened = openingNanos;
        try {
            Suffixes.Verdict v = Suffixes.prove(this::session, env, inv, pc, s, budget.maxPathLength(), budget.maxPaths(),
                    used -> queries + used >= budget.programQueries()
                            || spentNanos + busySince(start, opened) >= budget.programMillis() * 1_000_000L);
            return switch (v) {
                case Suffixes.Verdict.NotAsked n -> new Outcome.Keep();
                case Suffixes.Verdict.OverBudget n -> new Outcome.Undecided("not sent to Z3: the program's budget ("
                        + budget.programQueries() + " queries, " + budget.programMillis() + " ms) was spent");
                case Suffixes.Verdict.Proved p -> asked(p.queries(), new Outcome.Discharged());
                case Suffixes.Verdict.Refuted r -> asked(r.queries(), new Outcome.Modelled(r.model()));
                case Suffixes.Verdict.Undecided u -> asked(u.queries(), new Outcome.Undecided("Z3 could not decide within "
                        + budget.queryMillis() + " ms (" + u.reason() + "), so this is undecided, not shown unsafe"));
            };
        } catch (RuntimeException | LinkageError e) {
            // Z3 failing (or missing), or the encoding failing, proves nothing: the violation stays.
            obligations++;
            return new Outcome.Undecided("Z3 could not decide within " + budget.queryMillis() + " ms (it failed: " + e + ")");
        } finally {
            spentNanos += busySince(start, opened);
        }
    }

    /** Time spent on queries since {@code start}, less the opening of a session meanwhile (not part of the budget). */
    private long busySince(long start, long openedBefore) {
        return System.nanoTime() - start - (openingNanos - openedBefore);
    }

    private Outcome asked(int used, Outcome o) {
        obligations++;
        queries += used;
        return o;
    }

    /** Obligations the domains could not decide and Z3 was asked about. */
    public int obligations() {
        return obligations;
    }

    private Z3Session session() {
        if (session == null) {
            // The first session of the JVM loads Z3's native library: not part of the query budget.
            long t = System.nanoTime();
            session = new Z3Session(Duration.ofMillis(budget.queryMillis()), budget.queryRlimit());
            openingNanos += System.nanoTime() - t;
        }
        return session;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
            NativeHeap.trim();
        }
    }
}
