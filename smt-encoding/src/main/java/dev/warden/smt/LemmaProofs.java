package dev.warden.smt;

import dev.warden.domains.BitVectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link Lemma}s proved in one run of a {@link Prover}, per solver and width: each lemma is
 * proved once, in the session of the first obligation that uses it, and its verdict kept for the
 * others. A hint is assumed only after its lemma (and every lemma that lemma's own proof assumed)
 * was proved by the same solver at the same width.
 */
final class LemmaProofs {

    private record Key(SolverKind solver, Lemma lemma, int width) {}

    /** A lemma's verdict, and every lemma its proof rests on (itself included). */
    private record Entry(ProofResult result, Set<Lemma> uses) {}

    private final Map<Key, Entry> done = new HashMap<>();
    /** The lemmas being proved now, to refuse one that rests on itself. */
    private final Set<Key> inProgress = new HashSet<>();

    /** An empty set of lemmas, in label order (deterministic tables). */
    static Set<Lemma> newSet() {
        return new TreeSet<>(Comparator.comparing(Lemma::label));
    }

    /**
     * Proves the lemma of every hint in {@code z} (solver {@code k}), each at its instance's width:
     * {@link ProofResult.Proved} when all are, else {@link ProofResult.Unknown} naming the first
     * that is not (a refuted lemma too: the lemma is wrong, which says nothing about the
     * obligation). Adds every lemma the hints rest on to {@code used}.
     */
    <V, B> ProofResult proveAll(Session<V, B> z, SolverKind k, List<Obligation.Hint<B>> hints, Set<Lemma> used) {
        ProofResult result = new ProofResult.Proved();
        for (Map.Entry<Lemma, Integer> h : distinct(hints)) {
            Entry e = entry(z, k, h.getKey(), h.getValue());
            used.addAll(e.uses());
            if (result instanceof ProofResult.Proved && !(e.result() instanceof ProofResult.Proved)) {
                result = e.result();
            }
        }
        return result;
    }

    /** Each (lemma, width) the hints name once, in their order. */
    private static <B> Set<Map.Entry<Lemma, Integer>> distinct(List<Obligation.Hint<B>> hints) {
        Set<Map.Entry<Lemma, Integer>> out = new LinkedHashSet<>();
        for (Obligation.Hint<B> h : hints) {
            out.add(Map.entry(h.lemma(), h.width()));
        }
        return out;
    }

    /** Proves {@code l} (after the lemmas its own proof assumes) in {@code z}, or recalls its verdict. */
    <V, B> ProofResult prove(Session<V, B> z, SolverKind k, Lemma l, int width) {
        return entry(z, k, l, width).result();
    }

    private <V, B> Entry entry(Session<V, B> z, SolverKind k, Lemma l, int width) {
        Key key = new Key(k, l, width);
        Entry cached = done.get(key);
        if (cached != null) {
            return cached;
        }
        if (!inProgress.add(key)) {
            return new Entry(new ProofResult.Unknown("lemma " + l.label() + " rests on itself"), Set.of(l));
        }
        BitVectors<V, B> bv = z.bits(width);
        List<V> args = new ArrayList<>();
        List<Witness<V>> ws = new ArrayList<>();
        for (String p : l.parameters()) {
            V v = z.variable(p, width);
            args.add(v);
            ws.add(new Witness<>(p, v));
        }
        List<Obligation.Hint<B>> hints = l.hints(bv, args);
        Set<Lemma> uses = newSet();
        uses.add(l);
        ProofResult r = proveAll(z, k, hints, uses);
        if (r instanceof ProofResult.Proved) {
            B violation = bv.negate(l.holds(bv, args));
            for (Obligation.Hint<B> h : hints) {
                violation = bv.both(h.instance(), violation);
            }
            r = switch (z.proveUnsat(violation, ws, Session.Logic.QF_BV)) {
                case ProofResult.Proved p -> p;
                case ProofResult.Refuted ref -> new ProofResult.Unknown("lemma " + l.label() + " is false: " + ref.counterexample());
                case ProofResult.Unknown u -> new ProofResult.Unknown("lemma " + l.label() + " not proved: " + u.reason());
            };
        }
        inProgress.remove(key);
        Entry e = new Entry(r, uses);
        done.put(key, e);
        return e;
    }
}
