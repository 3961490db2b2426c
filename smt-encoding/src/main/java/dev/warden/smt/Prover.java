package dev.warden.smt;

import dev.warden.domains.BitVectors;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs proof obligations on every solver ({@link SolverKind}: Z3 and Bitwuzla), each obligation in
 * a fresh session per solver, under a timeout per query. Besides the proof itself, it checks by
 * machine that the obligation means something: its premises are satisfiable, and it is not provable
 * once the premise "the inputs are in the abstract values" is dropped (these two checks run on the
 * first solver, and on the next only where the first gave no answer). A query's hints (ground
 * instances of {@link Lemma}s) are assumed only after each solver has proved their lemmas in this
 * run ({@link LemmaProofs}); the premise and meaning checks do not assume them.
 */
public final class Prover {

    /** Whether an obligation's premises (and each case of its split) can hold at all. */
    public enum Premises {
        SATISFIABLE, UNSATISFIABLE, UNKNOWN;

        public String label() {
            return name().toLowerCase();
        }
    }

    /** Whether the obligation depends on its membership premise. */
    public enum Meaning {
        /** Dropping the membership premise yields a counterexample: the goal is about the inputs. */
        MEANINGFUL,
        /** The goal holds without the membership premise: the obligation says nothing. */
        VACUOUS,
        /** The solver gave no answer. */
        UNKNOWN
    }

    /** What one solver answered about an obligation's proof, and how long it took. */
    public record SolverVerdict(ProofResult result, double seconds) {}

    /**
     * One obligation's outcome and how long it took (building and solving on every solver, the
     * premise and meaningfulness checks included); {@code meaningDetail} names the part that showed
     * the obligation meaningful, or explains why it is not. {@code result} is proved only when every
     * solver proved it; when one proved it and another refuted it, it is refuted with a
     * {@code disagreement} entry (a failure: one solver, or one encoding, is wrong).
     * {@code solvers} has each solver's own verdict, in {@link SolverKind} order. {@code lemmas}
     * are the lemmas whose instances the proof assumed (with every lemma their own proofs
     * assumed), by label; a solver's verdict is proved only if it proved them all in this run.
     */
    public record Outcome(Obligation obligation, ProofResult result, double seconds, Premises premises,
                          Meaning meaning, String meaningDetail, Map<SolverKind, SolverVerdict> solvers, List<Lemma> lemmas) {
        public Outcome {
            solvers = Collections.unmodifiableMap(new EnumMap<>(solvers));
            lemmas = List.copyOf(lemmas);
        }
    }

    private final Duration timeout;
    private final List<SolverKind> solvers;
    /** The lemmas proved so far in this run, so that each is proved once per solver and width. */
    private final LemmaProofs lemmaProofs = new LemmaProofs();

    /** Proves with every solver ({@link SolverKind#BIT_VECTOR}: Z3 and Bitwuzla). */
    public Prover(Duration timeout) {
        this(timeout, SolverKind.BIT_VECTOR);
    }

    /** Proves with {@code solvers}; the premise and meaning checks use the first that answers them. */
    public Prover(Duration timeout, List<SolverKind> solvers) {
        if (solvers.isEmpty()) {
            throw new IllegalArgumentException("no solver");
        }
        this.timeout = timeout;
        this.solvers = List.copyOf(solvers);
    }

    public Outcome prove(Obligation o) {
        long start = System.nanoTime();
        Map<SolverKind, SolverVerdict> verdicts = new EnumMap<>(SolverKind.class);
        Premises premises = Premises.UNKNOWN;
        Meaning meaning = Meaning.UNKNOWN;
        String detail = "no solver answered";
        Set<Lemma> lemmas = LemmaProofs.newSet();
        for (SolverKind k : solvers) {
            long t = System.nanoTime();
            Checks c;
            try (Session<?, ?> z = k.open(timeout)) {
                c = check(z, k, o, premises == Premises.UNKNOWN || meaning == Meaning.UNKNOWN, lemmas);
            } catch (RuntimeException | LinkageError e) {
                // A solver that cannot run proves nothing; the others still answer.
                c = new Checks(new ProofResult.Unknown(k.label() + " could not run: " + e), Premises.UNKNOWN, Meaning.UNKNOWN, "");
            }
            verdicts.put(k, new SolverVerdict(c.result(), (System.nanoTime() - t) / 1e9));
            if (premises == Premises.UNKNOWN) {
                premises = c.premises();
            }
            if (meaning == Meaning.UNKNOWN && c.meaning() != Meaning.UNKNOWN) {
                meaning = c.meaning();
                detail = c.detail();
            } else if (meaning == Meaning.UNKNOWN && !c.detail().isEmpty()) {
                detail = c.detail();
            }
        }
        return new Outcome(o, combine(verdicts), (System.nanoTime() - start) / 1e9, premises, meaning, detail, verdicts, List.copyOf(lemmas));
    }

    /** All proved: proved. A proof and a refutation: refuted, as a disagreement. Else the first non-proof. */
    static ProofResult combine(Map<SolverKind, SolverVerdict> verdicts) {
        SolverKind proved = null;
        SolverKind refuted = null;
        ProofResult first = null;
        for (var e : verdicts.entrySet()) {
            switch (e.getValue().result()) {
                case ProofResult.Proved p -> proved = proved == null ? e.getKey() : proved;
                case ProofResult.Refuted r -> refuted = refuted == null ? e.getKey() : refuted;
                case ProofResult.Unknown u -> { }
            }
            if (first == null && !(e.getValue().result() instanceof ProofResult.Proved)) {
                first = e.getValue().result();
            }
        }
        if (proved != null && refuted != null) {
            var m = new LinkedHashMap<String, String>();
            m.put("disagreement", proved.label() + " proved it, " + refuted.label() + " refuted it");
            m.putAll(((ProofResult.Refuted) verdicts.get(refuted).result()).counterexample());
            return new ProofResult.Refuted(m);
        }
        if (refuted != null) {
            return verdicts.get(refuted).result();
        }
        return first == null ? new ProofResult.Proved() : first;
    }

    private record Checks(ProofResult result, Premises premises, Meaning meaning, String detail) {}

    /**
     * The proof with solver {@code k} in {@code z}, and which of the checks beyond it to run. The
     * lemmas of the query's hints are proved first (once per run), and added to {@code lemmas}.
     */
    private <V, B> Checks check(Session<V, B> z, SolverKind k, Obligation o, boolean alsoPremisesAndMeaning, Set<Lemma> lemmas) {
        Obligation.Query<V, B> q = o.build(z);
        BitVectors<V, B> bv = z.bits(1);
        B premise = bv.both(q.assumptions(), q.membership());
        ProofResult r = lemmaProofs.proveAll(z, k, q.hints(), lemmas);
        B assumed = premise;
        for (Obligation.Hint<B> h : q.hints()) {
            assumed = bv.both(assumed, h.instance());
        }
        for (Obligation.Part<B> part : r instanceof ProofResult.Proved ? q.parts() : List.<Obligation.Part<B>>of()) {
            B violation = bv.both(assumed, part.condition(), bv.negate(part.goal()));
            ProofResult pr = z.proveUnsat(violation, q.witnesses(), q.logic());
            if (!(pr instanceof ProofResult.Proved)) {
                r = label(pr, part.label());
                break;
            }
        }
        if (!alsoPremisesAndMeaning) {
            return new Checks(r, Premises.UNKNOWN, Meaning.UNKNOWN, "");
        }
        Premises premises = premises(z, bv, premise, q);
        Meaning meaning = Meaning.VACUOUS;
        String detail = "every part holds without the membership premise";
        for (Obligation.Part<B> part : q.parts()) {
            if (part.isCover()) {
                continue;
            }
            B relaxed = bv.both(q.assumptions(), part.condition(), bv.negate(part.goal()));
            ProofResult pr = z.proveUnsat(relaxed, q.witnesses(), q.logic());
            if (pr instanceof ProofResult.Refuted) {
                meaning = Meaning.MEANINGFUL;
                detail = part.label().isEmpty() ? "" : "refuted without membership in " + part.label();
                break;
            }
            if (pr instanceof ProofResult.Unknown u) {
                meaning = Meaning.UNKNOWN;
                detail = "without membership: " + u.reason() + (part.label().isEmpty() ? "" : " (in " + part.label() + ")");
            }
        }
        return new Checks(r, premises, meaning, detail);
    }

    /** The premise, and the premise under each case condition, must be satisfiable. */
    private static <V, B> Premises premises(Session<V, B> z, BitVectors<V, B> bv, B premise, Obligation.Query<V, B> q) {
        Premises result = satisfiable(z, premise, q);
        Set<B> seen = new HashSet<>();
        for (Obligation.Part<B> part : q.parts()) {
            if (result != Premises.SATISFIABLE) {
                return result;
            }
            // One check per distinct case (the parts of a case share its condition).
            if (!part.isCover() && !z.isTrue(part.condition()) && seen.add(part.condition())) {
                result = satisfiable(z, bv.both(premise, part.condition()), q);
            }
        }
        return result;
    }

    private static <V, B> Premises satisfiable(Session<V, B> z, B f, Obligation.Query<V, B> q) {
        return switch (z.proveUnsat(f, q.witnesses(), q.logic())) {
            case ProofResult.Proved p -> Premises.UNSATISFIABLE;
            case ProofResult.Refuted r -> Premises.SATISFIABLE;
            case ProofResult.Unknown u -> Premises.UNKNOWN;
        };
    }

    private static ProofResult label(ProofResult r, String part) {
        if (part.isEmpty()) {
            return r;
        }
        return switch (r) {
            case ProofResult.Proved p -> p;
            case ProofResult.Refuted ref -> {
                var m = new LinkedHashMap<String, String>();
                m.put("part", part);
                m.putAll(ref.counterexample());
                yield new ProofResult.Refuted(m);
            }
            case ProofResult.Unknown u -> new ProofResult.Unknown(u.reason() + " (in " + part + ")");
        };
    }
}
