package dev.warden.smt;

import java.time.Duration;

/** Runs proof obligations, each in its own {@link Z3Session}, under a timeout. */
public final class Prover {

    /** One obligation's outcome and how long Z3 took (building and solving). */
    public record Outcome(Obligation obligation, ProofResult result, double seconds) {}

    private final Duration timeout;

    public Prover(Duration timeout) {
        this.timeout = timeout;
    }

    public Outcome prove(Obligation o) {
        long start = System.nanoTime();
        ProofResult r;
        try (Z3Session z = new Z3Session(timeout)) {
            Obligation.Query q = o.build(z);
            r = new ProofResult.Proved();
            for (Obligation.Part part : q.parts()) {
                ProofResult pr = z.proveUnsat(part.violation(), q.witnesses(), q.logic());
                if (!(pr instanceof ProofResult.Proved)) {
                    r = label(pr, part.label());
                    break;
                }
            }
        }
        return new Outcome(o, r, (System.nanoTime() - start) / 1e9);
    }

    private static ProofResult label(ProofResult r, String part) {
        if (part.isEmpty()) {
            return r;
        }
        return switch (r) {
            case ProofResult.Proved p -> p;
            case ProofResult.Refuted ref -> {
                var m = new java.util.LinkedHashMap<String, String>();
                m.put("part", part);
                m.putAll(ref.counterexample());
                yield new ProofResult.Refuted(m);
            }
            case ProofResult.Unknown u -> new ProofResult.Unknown(u.reason() + " (in " + part + ")");
        };
    }
}
