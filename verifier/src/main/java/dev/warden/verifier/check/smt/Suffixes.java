package dev.warden.verifier.check.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import dev.warden.smt.Witness;
import dev.warden.verifier.ModelInput;
import dev.warden.smt.ProofResult;
import dev.warden.smt.Z3Session;
import dev.warden.verifier.check.Invariants;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.transfer.Env;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Proves one memory access's bounds over all its path suffixes: for each suffix,
 * {@code precondition ∧ path ∧ ¬obligation} must be unsatisfiable. The package's entry point.
 */
public final class Suffixes {
    private Suffixes() {}

    /** What became of one obligation. */
    public sealed interface Verdict {
        /** Z3 was not asked: not a bounds obligation it handles, or too many suffixes. */
        record NotAsked() implements Verdict {}

        /** Every suffix is unsatisfiable with the obligation negated: the access is in bounds. */
        record Proved(int queries) implements Verdict {}

        /**
         * Some suffix has a model that violates the obligation (it may still be infeasible in a
         * longer path); {@code model} is what that model says of the inputs the suffix reads.
         */
        record Refuted(int queries, ModelInput model) implements Verdict {}

        /** Z3 gave up on some suffix (resource limit or timeout), or the budget ran out between queries. */
        record Undecided(int queries, String reason) implements Verdict {}

        /** The program's budget was spent before this obligation's first query. */
        record OverBudget() implements Verdict {}
    }

    /** The program's budget, consulted before each query. */
    public interface Budget {
        /** Whether no further query may run, given that this obligation has already used {@code queries}. */
        boolean spent(int queries);
    }

    /**
     * Proves the bounds of the access at {@code pc}; {@code session} is only asked for a Z3 session
     * once there is something to ask (opening one costs milliseconds).
     */
    public static Verdict prove(Supplier<Z3Session> session, Env env, Invariants inv, int pc, AbstractState s, int maxLength, int maxPaths,
                                Budget budget) {
        Optional<AccessObligation> obligation = AccessObligation.of(env, inv.graph().program().at(pc), s);
        if (obligation.isEmpty()) {
            return new Verdict.NotAsked();
        }
        Optional<List<int[]>> paths = PathSuffixes.ending(inv, pc, maxLength, maxPaths);
        if (paths.isEmpty()) {
            return new Verdict.NotAsked();
        }
        AccessObligation o = obligation.get();
        if (budget.spent(0)) {
            return new Verdict.OverBudget();
        }
        // Shortest suffixes first: they are the cheapest queries and the likeliest to have a model
        // (fewer constraints), and one model ends the obligation. The order changes no verdict
        // (every suffix must be unsatisfiable for a proof), only how soon a refutation is found.
        List<int[]> ordered = new ArrayList<>(paths.get());
        ordered.sort(Comparator.comparingInt(p -> p.length));
        Z3Session z3 = session.get();
        int queries = 0;
        for (int[] path : ordered) {
            if (budget.spent(queries)) {
                return new Verdict.Undecided(queries, "the program's Z3 budget was spent");
            }
            PathEncoder.Encoded e = PathEncoder.encode(z3, inv, path);
            if (e.infeasible()) {
                continue;
            }
            Sym base = e.regs()[o.reg()];
            var bv = z3.bits(64);
            BoolExpr query = bv.both(e.formula(), bv.negate(o.holds(bv, base.term(), e.packetLength())));
            queries++;
            List<Witness<BitVecExpr>> witnesses = witnesses(e);
            ProofResult r = z3.proveUnsat(query, witnesses, Z3Session.Logic.QF_BV);
            switch (r) {
                case ProofResult.Proved p -> { }
                case ProofResult.Refuted f -> {
                    return new Verdict.Refuted(queries, model(path[0], e, f.counterexample()));
                }
                case ProofResult.Unknown u -> {
                    return new Verdict.Undecided(queries, u.reason());
                }
            }
        }
        return new Verdict.Proved(queries);
    }

    /** The terms whose model values make an input: the packet length, then each input load's offset and value. */
    private static List<Witness<BitVecExpr>> witnesses(PathEncoder.Encoded e) {
        List<Witness<BitVecExpr>> out = new ArrayList<>();
        out.add(new Witness<>("len", e.packetLength()));
        for (int i = 0; i < e.loads().size(); i++) {
            out.add(new Witness<>("offset" + i, e.loads().get(i).offset()));
            out.add(new Witness<>("value" + i, e.loads().get(i).value()));
        }
        return out;
    }

    private static ModelInput model(int startPc, PathEncoder.Encoded e, Map<String, String> values) {
        ModelInput.Builder b = new ModelInput.Builder(startPc);
        if (e.touchesPacket()) {
            value(values, "len").ifPresent(b::packetLength);
        }
        for (int i = 0; i < e.loads().size(); i++) {
            PathEncoder.Load l = e.loads().get(i);
            OptionalLong offset = value(values, "offset" + i);
            OptionalLong v = value(values, "value" + i);
            if (offset.isEmpty() || v.isEmpty()) {
                continue;
            }
            switch (l.kind()) {
                case PACKET -> b.packet(offset.getAsLong(), l.size(), v.getAsLong());
                case MAP_VALUE -> b.mapValue(l.region(), offset.getAsLong(), l.size(), v.getAsLong());
                case HOST -> b.host(l.region(), offset.getAsLong(), l.size(), v.getAsLong());
                default -> { }
            }
        }
        return b.build();
    }

    /** A model value as Z3Session renders it ({@code 0x…}); empty for anything else. */
    private static OptionalLong value(Map<String, String> values, String name) {
        String v = values.get(name);
        if (v == null || !v.startsWith("0x")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(new java.math.BigInteger(v.substring(2), 16).longValue());
    }
}
