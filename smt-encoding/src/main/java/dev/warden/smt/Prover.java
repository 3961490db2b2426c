package dev.warden.smt;

import com.microsoft.z3.BoolExpr;
import java.time.Duration;
import java.util.LinkedHashMap;

/**
 * Runs proof obligations, each in its own {@link Z3Session}, under a timeout. Besides the proof
 * itself, it checks by machine that the obligation means something: its premises are satisfiable,
 * and it is not provable once the premise "the inputs are in the abstract values" is dropped.
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

    /**
     * One obligation's outcome and how long it took (building and solving, the premise and
     * meaningfulness checks included); {@code vacuousWitness} names the part that showed the
     * obligation meaningful, or explains why it is not.
     */
    public record Outcome(Obligation obligation, ProofResult result, double seconds, Premises premises,
                          Meaning meaning, String meaningDetail) {}

    private final Duration timeout;

    public Prover(Duration timeout) {
        this.timeout = timeout;
    }

    public Outcome prove(Obligation o) {
        long start = System.nanoTime();
        ProofResult r;
        Premises premises;
        Meaning meaning;
        String detail;
        try (Z3Session z = new Z3Session(timeout)) {
            Obligation.Query q = o.build(z);
            Z3BitVectors bv = z.bits(1);
            BoolExpr premise = bv.both(q.assumptions(), q.membership());
            r = new ProofResult.Proved();
            for (Obligation.Part part : q.parts()) {
                BoolExpr violation = bv.both(premise, part.condition(), bv.negate(part.goal()));
                ProofResult pr = z.proveUnsat(violation, q.witnesses(), q.logic());
                if (!(pr instanceof ProofResult.Proved)) {
                    r = label(pr, part.label());
                    break;
                }
            }
            premises = premises(z, bv, premise, q);
            meaning = Meaning.VACUOUS;
            detail = "every part holds without the membership premise";
            for (Obligation.Part part : q.parts()) {
                if (part.isCover()) {
                    continue;
                }
                BoolExpr relaxed = bv.both(q.assumptions(), part.condition(), bv.negate(part.goal()));
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
        }
        return new Outcome(o, r, (System.nanoTime() - start) / 1e9, premises, meaning, detail);
    }

    /** The premise, and the premise under each case condition, must be satisfiable. */
    private static Premises premises(Z3Session z, Z3BitVectors bv, BoolExpr premise, Obligation.Query q) {
        Premises result = satisfiable(z, premise, q);
        java.util.Set<BoolExpr> seen = new java.util.HashSet<>();
        for (Obligation.Part part : q.parts()) {
            if (result != Premises.SATISFIABLE) {
                return result;
            }
            // One check per distinct case (the parts of a case share its condition).
            if (!part.isCover() && !part.condition().isTrue() && seen.add(part.condition())) {
                result = satisfiable(z, bv.both(premise, part.condition()), q);
            }
        }
        return result;
    }

    private static Premises satisfiable(Z3Session z, BoolExpr f, Obligation.Query q) {
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
