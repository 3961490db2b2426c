package dev.warden.smt;

import dev.warden.domains.BitVectors;
import dev.warden.domains.Branches;
import dev.warden.domains.ByteOrderOp;
import dev.warden.domains.Cond;
import dev.warden.domains.Operation;
import dev.warden.domains.RangeOf;
import dev.warden.domains.ScalarOf;
import dev.warden.domains.Scalars;
import dev.warden.domains.Semantics;
import dev.warden.domains.SRanges;
import dev.warden.domains.TnumOf;
import dev.warden.domains.Tnums;
import dev.warden.domains.URanges;
import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.List;

/**
 * Every proof obligation about the abstract domains, with the width each is proved at by
 * default: 64 bits, except multiplication, division and modulo, whose bit-vector formulas are
 * too hard for Z3 at full width; those are proved at {@link #SLOW_WIDTH} bits and sampled at 64
 * (see {@code SoundnessSampler} in abstract-domains).
 */
public final class Catalogue {

    private Catalogue() {}

    /**
     * Up to this many input bits ({@code 2 * width}), an optimality obligation expands its
     * quantifier into one instance per concrete pair: Z3 decides that easily, the quantified form
     * it often does not.
     */
    static final int EXPAND_BITS = 12;

    /** Width of the default proofs of multiplication, division and modulo. */
    public static final int SLOW_WIDTH = 8;

    /** The operations whose proofs do not finish at 64 bits. */
    public static boolean isSlow(AluOp op) {
        return switch (op) {
            case MUL, DIV, SDIV, MOD, SMOD -> true;
            default -> false;
        };
    }

    /** As {@link #isSlow(AluOp)}; byte-order operations are never slow. */
    public static boolean isSlow(Operation op) {
        return op instanceof Operation.Alu(AluOp a) && isSlow(a);
    }

    /** The widths of the product's ALU obligations, in table order. */
    static final List<Width> FORMS = List.of(Width.W64, Width.W32);

    /** The component domains, as the obligations name them. */
    public enum Component { TNUM, URANGE, SRANGE }

    /** Every obligation at its default width. */
    public static List<Obligation> all() {
        List<Obligation> out = new ArrayList<>();
        for (Component c : Component.values()) {
            for (Operation op : Operation.all()) {
                out.add(new Obligation(prefix(c) + "." + op.label(), Obligation.Property.SOUND,
                    isSlow(op) ? SLOW_WIDTH : 64, new ComponentAluProof(c, op)));
            }
            for (String lat : List.of("join", "meet", "leq", "widen", "narrow")) {
                if (c == Component.TNUM && (lat.equals("widen") || lat.equals("narrow"))) {
                    continue; // the tnum lattice has finite height: Scalar widens it by join
                }
                out.add(new Obligation(prefix(c) + "." + lat, Obligation.Property.SOUND, 64, new ComponentLatticeProof(c, lat)));
            }
        }
        out.add(tnumMulRound("tnum.mul.round", 64, Tnums::mulRound));
        // The arithmetic half of tnum.mul by rounds (see TnumMulLoop): at 64 bits Z3 proves the
        // induction and Bitwuzla the unrolled loop, neither both; at SLOW_WIDTH both prove both.
        out.add(new Obligation("tnum.mul.induction", Obligation.Property.SOUND, SLOW_WIDTH, new TnumMulLoop.InductionProof()));
        out.add(new Obligation("tnum.mul.unrolled", Obligation.Property.SOUND, SLOW_WIDTH, new TnumMulLoop.UnrolledProof()));
        for (String op : List.of("add", "sub", "and", "or", "xor")) {
            out.add(new Obligation("tnum." + op + ".optimal", Obligation.Property.OPTIMAL, 6, new TnumOptimalProof(op)));
        }
        for (Scalars.SyncStep step : Scalars.SyncStep.values()) {
            String n = "scalar.sync." + step.name().toLowerCase().replace('_', '-');
            out.add(new Obligation(n, Obligation.Property.SOUND, 64, new SyncSoundProof(step)));
            out.add(new Obligation(n + ".reductive", Obligation.Property.REDUCTIVE, 64, new SyncReductiveProof(step)));
        }
        for (Width w : FORMS) {
            for (Operation op : Operation.all()) {
                if (w == Width.W32 && (op instanceof ByteOrderOp || op.equals(new Operation.Alu(AluOp.MOVSX32)))) {
                    continue; // byte-order operations ignore the width; MOVSX32 is 64-bit only
                }
                // The 64-bit form states the full-width components too, which for mul/div/mod are
                // the component operators at that width: proved at SLOW_WIDTH like them. The
                // 32-bit form's hard part is on the halves: proved at twice SLOW_WIDTH.
                int slowWidth = w == Width.W64 ? SLOW_WIDTH : 2 * SLOW_WIDTH;
                out.add(new Obligation("scalar." + aluName(w) + "." + op.label(), Obligation.Property.SOUND,
                    isSlow(op) ? slowWidth : 64, new ScalarAluProof(op, w)));
            }
        }
        for (String lat : List.of("join", "meet", "leq", "widen", "narrow")) {
            out.add(new Obligation("scalar." + lat, Obligation.Property.SOUND, 64, new ScalarLatticeProof(lat)));
        }
        for (Width w : FORMS) {
            for (Cond c : Cond.values()) {
                out.add(new Obligation("branch." + c.name().toLowerCase() + (w == Width.W32 ? "32" : ""),
                    Obligation.Property.SOUND, 64, new BranchProof(c, w)));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The interval obligations of multiplication, division and modulo at 64 bits, for
     * {@link SolverKind#Z3_INT}: the same builders as in {@link #all()} (where they are proved at
     * {@link #SLOW_WIDTH} by both bit-vector solvers), at full width. Their operators are
     * monotonicity arguments, which integer arithmetic proves where bit-blasting does not finish.
     * The signed divisions and the signed multiplication assume instances of proved lemmas ({@link
     * IntervalLemmaHints}), the same obligations otherwise.
     */
    public static List<Obligation> byIntegers() {
        List<Obligation> out = new ArrayList<>();
        for (Component c : List.of(Component.URANGE, Component.SRANGE)) {
            for (Operation op : Operation.all()) {
                if (op instanceof Operation.Alu(AluOp a) && IntervalLemmaHints.has(c, a)) {
                    out.add(new Obligation(prefix(c) + "." + op.label(), Obligation.Property.SOUND, 64, new IntervalByLemmasProof(c, a)));
                } else if (isSlow(op)) {
                    out.add(new Obligation(prefix(c) + "." + op.label(), Obligation.Property.SOUND, 64, new ComponentAluProof(c, op)));
                }
            }
        }
        return List.copyOf(out);
    }

    // ---- the builders of the catalogue's obligations, one per kind (generic over the solver) ----

    private record ComponentAluProof(Component c, Operation op) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return componentAlu(z, Catalogue.<V, B>dom(c), op, w, noHints()); }
    }

    /** {@link ComponentAluProof} of an interval operator, assuming the instances of {@link IntervalLemmaHints}. */
    private record IntervalByLemmasProof(Component c, AluOp op) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) {
            return componentAlu(z, Catalogue.<V, B>range(c), new Operation.Alu(op), w,
                (bv, a, b, x, y) -> IntervalLemmaHints.of(c, op, bv, a, b, x, y));
        }
    }

    /** The lemma instances an ALU obligation assumes, from its abstract and concrete operands. */
    private interface AluHints<T, V, B> {
        List<Obligation.Hint<B>> of(BitVectors<V, B> bv, T a, T b, V x, V y);
    }

    private static <T, V, B> AluHints<T, V, B> noHints() {
        return (bv, a, b, x, y) -> List.of();
    }

    private record ComponentLatticeProof(Component c, String lat) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return componentLattice(z, Catalogue.<V, B>dom(c), lat, w); }
    }

    private record TnumMulRoundProof(MulRoundStep step) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return tnumMulRound(z, step, w); }
    }

    /** One round of a tnum multiplier over any solver's terms, e.g. {@code Tnums::mulRound}. */
    interface MulRoundStep {
        <V, B> Tnums.MulRound<V> apply(BitVectors<V, B> bv, Tnums.MulRound<V> r);
    }

    /**
     * The membership lemma {@code tnum.mul.round} for the round {@code step}: the catalogue's is
     * {@code Tnums::mulRound}; the tests show that a wrong round is refuted.
     */
    static Obligation tnumMulRound(String name, int width, MulRoundStep step) {
        return new Obligation(name, Obligation.Property.SOUND, width, new TnumMulRoundProof(step));
    }

    private record TnumOptimalProof(String op) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return tnumOptimal(z, op, w); }
    }

    private record SyncSoundProof(Scalars.SyncStep step) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return syncSound(z, step, w); }
    }

    private record SyncReductiveProof(Scalars.SyncStep step) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return syncReductive(z, step, w); }
    }

    private record ScalarAluProof(Operation op, Width form) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return scalarAlu(z, op, form, w); }
    }

    private record ScalarLatticeProof(String lat) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return scalarLattice(z, lat, w); }
    }

    private record BranchProof(Cond c, Width form) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return branch(z, c, form, w); }
    }

    private record TnumOperatorProof(AluOp op, TnumOperator f) implements Obligation.Builder {
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) {
            return componentAlu(z, tnumWith(f), new Operation.Alu(op), w, noHints());
        }
    }

    /** A tnum operator over any solver's terms, e.g. a candidate implementation to check. */
    public interface TnumOperator {
        <V, B> TnumOf<V> apply(BitVectors<V, B> bv, TnumOf<V> dst, TnumOf<V> src);
    }

    /**
     * The soundness obligation of an arbitrary tnum operator against the concrete semantics of
     * {@code op}: how a new or changed operator is checked before it replaces one in
     * {@link Tnums}, and how the tests show that a wrong one is caught.
     */
    public static Obligation tnumOperator(String name, AluOp op, int width, TnumOperator f) {
        return new Obligation(name, Obligation.Property.SOUND, width, new TnumOperatorProof(op, f));
    }

    /** The tnum domain with {@code f} as its ALU operator. */
    private static <V, B> Dom<TnumOf<V>, V, B> tnumWith(TnumOperator f) {
        Dom<TnumOf<V>, V, B> t = tnumDom();
        return new Dom<>() {
            public Sym<TnumOf<V>, V> fresh(Session<V, B> z, String n, int w) { return t.fresh(z, n, w); }
            public B wellFormed(BitVectors<V, B> bv, TnumOf<V> a) { return t.wellFormed(bv, a); }
            public B contains(BitVectors<V, B> bv, TnumOf<V> a, V x) { return t.contains(bv, a, x); }
            public TnumOf<V> alu(BitVectors<V, B> bv, Operation o, TnumOf<V> a, TnumOf<V> b) { return f.apply(bv, a, b); }
            public TnumOf<V> join(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return t.join(bv, a, b); }
            public TnumOf<V> meet(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return t.meet(bv, a, b); }
            public B leq(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return t.leq(bv, a, b); }
            public TnumOf<V> widen(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return t.widen(bv, a, b); }
            public TnumOf<V> narrow(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return t.narrow(bv, a, b); }
            public List<Witness<V>> show(String n, TnumOf<V> a) { return t.show(n, a); }
        };
    }

    static String aluName(Width w) {
        return w == Width.W64 ? "alu64" : "alu32";
    }

    static String prefix(Component c) {
        return c.name().toLowerCase();
    }

    // ---- fresh symbolic values ----

    private record Sym<T, V>(T value, List<Witness<V>> witnesses) {}

    private static <V, B> Sym<TnumOf<V>, V> tnum(Session<V, B> z, String n, int w) {
        V v = z.variable(n + ".value", w);
        V m = z.variable(n + ".mask", w);
        return new Sym<>(new TnumOf<>(v, m), List.of(new Witness<>(n + ".value", v), new Witness<>(n + ".mask", m)));
    }

    private static <V, B> Sym<RangeOf<V>, V> range(Session<V, B> z, String n, int w) {
        V lo = z.variable(n + ".lo", w);
        V hi = z.variable(n + ".hi", w);
        return new Sym<>(new RangeOf<>(lo, hi), List.of(new Witness<>(n + ".lo", lo), new Witness<>(n + ".hi", hi)));
    }

    private static <V, B> Sym<ScalarOf<V>, V> scalar(Session<V, B> z, String n, int w) {
        Sym<TnumOf<V>, V> t = tnum(z, n + ".tnum", w);
        Sym<RangeOf<V>, V> u = range(z, n + ".u64", w);
        Sym<RangeOf<V>, V> s = range(z, n + ".s64", w);
        Sym<RangeOf<V>, V> u32 = range(z, n + ".u32", w / 2);
        Sym<RangeOf<V>, V> s32 = range(z, n + ".s32", w / 2);
        List<Witness<V>> ws = new ArrayList<>();
        for (Sym<?, V> x : List.of(t, u, s, u32, s32)) {
            ws.addAll(x.witnesses());
        }
        return new Sym<>(new ScalarOf<>(t.value(), u.value(), s.value(), u32.value(), s32.value()), ws);
    }

    private static <V> Witness<V> w(String name, V e) {
        return new Witness<>(name, e);
    }

    // ---- component domains, generically ----

    /** A component domain's operators, over one solver's terms. */
    private interface Dom<T, V, B> {
        Sym<T, V> fresh(Session<V, B> z, String n, int w);
        B wellFormed(BitVectors<V, B> bv, T a);
        B contains(BitVectors<V, B> bv, T a, V x);
        T alu(BitVectors<V, B> bv, Operation op, T a, T b);
        T join(BitVectors<V, B> bv, T a, T b);
        T meet(BitVectors<V, B> bv, T a, T b);
        B leq(BitVectors<V, B> bv, T a, T b);
        T widen(BitVectors<V, B> bv, T a, T b);
        T narrow(BitVectors<V, B> bv, T a, T b);
        List<Witness<V>> show(String n, T a);
    }

    private static <V, B> Dom<TnumOf<V>, V, B> tnumDom() {
        return new Dom<>() {
        public Sym<TnumOf<V>, V> fresh(Session<V, B> z, String n, int w) { return tnum(z, n, w); }
        public B wellFormed(BitVectors<V, B> bv, TnumOf<V> a) { return Tnums.wellFormed(bv, a); }
        public B contains(BitVectors<V, B> bv, TnumOf<V> a, V x) { return Tnums.contains(bv, a, x); }
        public TnumOf<V> alu(BitVectors<V, B> bv, Operation op, TnumOf<V> a, TnumOf<V> b) { return Tnums.apply(bv, op, a, b); }
        public TnumOf<V> join(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return Tnums.join(bv, a, b); }
        public TnumOf<V> meet(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return Tnums.meet(bv, a, b); }
        public B leq(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return Tnums.leq(bv, a, b); }
        public TnumOf<V> widen(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return Tnums.join(bv, a, b); }
        public TnumOf<V> narrow(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) { return Tnums.meet(bv, a, b); }
        public List<Witness<V>> show(String n, TnumOf<V> a) { return List.of(w(n + ".value", a.value()), w(n + ".mask", a.mask())); }
        };
    }

    private static <V, B> Dom<RangeOf<V>, V, B> range(Component c) {
        boolean unsigned = c == Component.URANGE;
        return new Dom<>() {
            public Sym<RangeOf<V>, V> fresh(Session<V, B> z, String n, int w) { return range(z, n, w); }
            public B wellFormed(BitVectors<V, B> bv, RangeOf<V> a) { return unsigned ? URanges.wellFormed(bv, a) : SRanges.wellFormed(bv, a); }
            public B contains(BitVectors<V, B> bv, RangeOf<V> a, V x) { return unsigned ? URanges.contains(bv, a, x) : SRanges.contains(bv, a, x); }
            public RangeOf<V> alu(BitVectors<V, B> bv, Operation op, RangeOf<V> a, RangeOf<V> b) { return unsigned ? URanges.apply(bv, op, a, b) : SRanges.apply(bv, op, a, b); }
            public RangeOf<V> join(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) { return unsigned ? URanges.join(bv, a, b) : SRanges.join(bv, a, b); }
            public RangeOf<V> meet(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) { return unsigned ? URanges.meet(bv, a, b) : SRanges.meet(bv, a, b); }
            public B leq(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) { return unsigned ? URanges.leq(bv, a, b) : SRanges.leq(bv, a, b); }
            public RangeOf<V> widen(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) {
                return unsigned ? URanges.widen(bv, a, b, Scalars.unsignedThresholds(bv.width()))
                    : SRanges.widen(bv, a, b, Scalars.signedThresholds(bv.width()));
            }
            public RangeOf<V> narrow(BitVectors<V, B> bv, RangeOf<V> a, RangeOf<V> b) { return unsigned ? URanges.narrow(bv, a, b) : SRanges.narrow(bv, a, b); }
            public List<Witness<V>> show(String n, RangeOf<V> a) { return List.of(w(n + ".lo", a.lo()), w(n + ".hi", a.hi())); }
        };
    }

    private static <V, B> Dom<?, V, B> dom(Component c) {
        return switch (c) {
            case TNUM -> tnumDom();
            case URANGE, SRANGE -> range(c);
        };
    }

    private static <T, V, B> Obligation.Query<V, B> componentAlu(Session<V, B> z, Dom<T, V, B> d, Operation op, int width,
                                                                AluHints<T, V, B> hints) {
        BitVectors<V, B> bv = z.bits(width);
        Sym<T, V> a = d.fresh(z, "dst", width);
        Sym<T, V> b = d.fresh(z, "src", width);
        V x = z.variable("x", width);
        V y = z.variable("y", width);
        B wf = bv.both(d.wellFormed(bv, a.value()), d.wellFormed(bv, b.value()));
        B member = bv.both(d.contains(bv, a.value(), x), d.contains(bv, b.value(), y));
        T r = d.alu(bv, op, a.value(), b.value());
        V concrete = Semantics.apply(bv, op, x, y);
        B ok = bv.both(d.wellFormed(bv, r), d.contains(bv, r, concrete));
        List<Witness<V>> ws = new ArrayList<>(a.witnesses());
        ws.addAll(b.witnesses());
        ws.add(w("x", x));
        ws.add(w("y", y));
        ws.add(w("concrete", concrete));
        ws.addAll(d.show("result", r));
        List<B> cases = isSlow(op) ? signCases(bv, x, y) : shiftCases(bv, op, y);
        return split(bv, wf, member, List.of(ok), cases, ws).withHints(hints.of(bv, a.value(), b.value(), x, y));
    }

    private static <T, V, B> Obligation.Query<V, B> componentLattice(Session<V, B> z, Dom<T, V, B> d, String lat, int width) {
        BitVectors<V, B> bv = z.bits(width);
        Sym<T, V> a = d.fresh(z, "a", width);
        Sym<T, V> b = d.fresh(z, "b", width);
        V x = z.variable("x", width);
        B wf = bv.both(d.wellFormed(bv, a.value()), d.wellFormed(bv, b.value()));
        B inA = d.contains(bv, a.value(), x);
        B inB = d.contains(bv, b.value(), x);
        List<Witness<V>> ws = new ArrayList<>(a.witnesses());
        ws.addAll(b.witnesses());
        ws.add(w("x", x));
        return switch (lat) {
            // Upper bounds: every value of either side is in the result, which is well-formed.
            case "join", "widen" -> {
                T r = lat.equals("join") ? d.join(bv, a.value(), b.value()) : d.widen(bv, a.value(), b.value());
                yield single(bv, wf, bv.either(inA, inB), bv.both(d.wellFormed(bv, r), d.contains(bv, r, x)), ws, Session.Logic.QF_BV);
            }
            // Lower bounds of the intersection: every common value is in the result.
            case "meet", "narrow" -> {
                T r = lat.equals("meet") ? d.meet(bv, a.value(), b.value()) : d.narrow(bv, a.value(), b.value());
                yield single(bv, wf, bv.both(inA, inB), d.contains(bv, r, x), ws, Session.Logic.QF_BV);
            }
            // leq implies γ inclusion.
            case "leq" -> single(bv, bv.both(wf, d.leq(bv, a.value(), b.value())), inA, inB, ws, Session.Logic.QF_BV);
            default -> throw new IllegalArgumentException(lat);
        };
    }

    /**
     * One round of the tnum multiplier ({@link Tnums#mulRound}) keeps the concrete shift-and-add
     * multiplication inside it: if the partial sum {@code p}, the shifted multiplier {@code x} and
     * the shifted multiplicand {@code y} are in the round's tnums, then {@code p + (x odd ? y : 0)},
     * {@code x >>> 1} and {@code y << 1} are in the next round's. By induction over the rounds
     * (starting from 0 and the operands, which are in the constant 0 and the operand tnums), the
     * concrete loop's final sum is in {@code Tnums.mul}'s result; that sum is the product modulo
     * {@code 2^width} ({@code tnum.mul.induction} and {@code tnum.mul.unrolled}, see
     * {@link TnumMulLoop}). So this lemma, proved at 64 bits without any multiplier in the query,
     * and either of those is {@code tnum.mul} at 64 bits.
     */
    private static <V, B> Obligation.Query<V, B> tnumMulRound(Session<V, B> z, MulRoundStep step, int width) {
        BitVectors<V, B> bv = z.bits(width);
        Sym<TnumOf<V>, V> acc = tnum(z, "acc", width);
        Sym<TnumOf<V>, V> a = tnum(z, "a", width);
        Sym<TnumOf<V>, V> b = tnum(z, "b", width);
        V p = z.variable("p", width);
        V x = z.variable("x", width);
        V y = z.variable("y", width);
        Tnums.MulRound<V> next = step.apply(bv, new Tnums.MulRound<>(acc.value(), a.value(), b.value()));
        // The concrete round is the one whose arithmetic tnum.mul.induction and tnum.mul.unrolled prove.
        TnumMulLoop.State<V> concrete = TnumMulLoop.round(bv, new TnumMulLoop.State<>(p, x, y));
        B wf = bv.both(Tnums.wellFormed(bv, acc.value()), Tnums.wellFormed(bv, a.value()), Tnums.wellFormed(bv, b.value()));
        B member = bv.both(Tnums.contains(bv, acc.value(), p), Tnums.contains(bv, a.value(), x), Tnums.contains(bv, b.value(), y));
        List<B> oks = List.of(bv.both(Tnums.wellFormed(bv, next.acc()), Tnums.contains(bv, next.acc(), concrete.p())),
            Tnums.contains(bv, next.a(), concrete.x()), Tnums.contains(bv, next.b(), concrete.y()));
        List<Witness<V>> ws = new ArrayList<>(acc.witnesses());
        ws.addAll(a.witnesses());
        ws.addAll(b.witnesses());
        ws.add(w("p", p));
        ws.add(w("x", x));
        ws.add(w("y", y));
        return split(bv, wf, member, oks, List.of(), ws);
    }

    /**
     * Optimality of a tnum operator: there are no inputs, no bit the result leaves unknown and no
     * value {@code c} of that bit such that every concrete result has that bit equal to {@code c}.
     * (A tnum is the best abstraction of a set iff it leaves unknown exactly the bits on which
     * the set's members disagree.) Quantified, hence proved at a small width.
     */
    private static <V, B> Obligation.Query<V, B> tnumOptimal(Session<V, B> z, String opName, int width) {
        AluOp op = AluOp.valueOf(opName.toUpperCase());
        BitVectors<V, B> bv = z.bits(width);
        Sym<TnumOf<V>, V> a = tnum(z, "dst", width);
        Sym<TnumOf<V>, V> b = tnum(z, "src", width);
        V bit = z.variable("bit", width);
        V c = z.variable("c", width);
        V x = z.variable("x", width);
        V y = z.variable("y", width);
        TnumOf<V> r = Tnums.apply(bv, op, a.value(), b.value());
        B singleBit = bv.both(bv.ne(bit, bv.zero()), bv.eq(bv.and(bit, bv.sub(bit, bv.num(1))), bv.zero()));
        B unknownInResult = bv.ne(bv.and(bit, r.mask()), bv.zero());
        B cIsBitValue = bv.either(bv.eq(c, bv.zero()), bv.eq(c, bit));
        B allAgree;
        if (2 * width <= EXPAND_BITS) {
            // Small widths: the quantifier as the conjunction of its instances, one per pair.
            B all = bv.bool(true);
            for (long i = 0; i < (1L << width); i++) {
                for (long j = 0; j < (1L << width); j++) {
                    V xi = bv.num(i);
                    V yj = bv.num(j);
                    B in = bv.both(Tnums.contains(bv, a.value(), xi), Tnums.contains(bv, b.value(), yj));
                    all = bv.both(all, bv.implies(in, bv.eq(bv.and(Semantics.apply(bv, op, xi, yj), bit), c)));
                }
            }
            allAgree = all;
        } else {
            B members = bv.both(Tnums.contains(bv, a.value(), x), Tnums.contains(bv, b.value(), y));
            allAgree = z.forall(List.of(x, y), bv.implies(members, bv.eq(bv.and(Semantics.apply(bv, op, x, y), bit), c)));
        }
        B assumptions = bv.both(bv.both(Tnums.wellFormed(bv, a.value()), Tnums.wellFormed(bv, b.value())),
            bv.both(singleBit, cIsBitValue));
        List<Witness<V>> ws = new ArrayList<>(a.witnesses());
        ws.addAll(b.witnesses());
        ws.add(w("bit", bit));
        ws.add(w("always", c));
        // Membership here is "every member's result has the bit equal to c"; without it the
        // goal "the bit is known in the result" must fail for some input.
        return single(bv, assumptions, allAgree, bv.negate(unknownInResult), ws, Session.Logic.BV_QUANTIFIED);
    }

    // ---- the reduced product ----

    /**
     * A synchronisation step keeps every member: {@code x ∈ γ(a) ⇒ x ∈ γ(step(a))}. (Membership
     * implies that no component of {@code a} is empty.) The round {@link Scalars#syncStep} is the
     * composition of the steps, so it is sound too.
     */
    private static <V, B> Obligation.Query<V, B> syncSound(Session<V, B> z, Scalars.SyncStep step, int width) {
        BitVectors<V, B> bv = z.bits(width);
        Sym<ScalarOf<V>, V> a = scalar(z, "a", width);
        V x = z.variable("x", width);
        ScalarOf<V> r = Scalars.sync(bv, step, a.value());
        List<Witness<V>> ws = new ArrayList<>(a.witnesses());
        ws.add(w("x", x));
        // Membership implies well-formedness (x & ~m == v forces v & m == 0; lo <= x <= hi forces
        // lo <= hi), so stating it changes nothing but helps Z3.
        return split(bv, Scalars.wellFormed(bv, a.value()), Scalars.contains(bv, a.value(), x), componentsContain(bv, r, x), List.of(), ws);
    }

    /**
     * A synchronisation step never grows a component, for every representation (empty components
     * included): the Java fixpoint loop of {@code Scalar.sync} terminates.
     */
    private static <V, B> Obligation.Query<V, B> syncReductive(Session<V, B> z, Scalars.SyncStep step, int width) {
        BitVectors<V, B> bv = z.bits(width);
        Sym<ScalarOf<V>, V> a = scalar(z, "a", width);
        Sym<ScalarOf<V>, V> b = scalar(z, "b", width);
        ScalarOf<V> r = Scalars.sync(bv, step, a.value());
        // The "membership" of this obligation: the value the result is compared with is the input.
        // Without it, step(a) ⊑ b must fail for some b.
        List<Witness<V>> ws = new ArrayList<>(a.witnesses());
        ws.addAll(b.witnesses());
        return single(bv, bv.bool(true), same(bv, a.value(), b.value()), Scalars.leqComponents(bv, r, b.value()), ws, Session.Logic.QF_BV);
    }

    /** The unsynchronised transfer function (synchronisation is proved on its own). */
    private static <V, B> Obligation.Query<V, B> scalarAlu(Session<V, B> z, Operation op, Width w, int width) {
        BitVectors<V, B> bv = z.bits(width);
        Sym<ScalarOf<V>, V> a = scalar(z, "dst", width);
        Sym<ScalarOf<V>, V> b = scalar(z, "src", width);
        V x = z.variable("x", width);
        V y = z.variable("y", width);
        B wf = bv.both(Scalars.wellFormed(bv, a.value()), Scalars.wellFormed(bv, b.value()));
        B member = bv.both(Scalars.contains(bv, a.value(), x), Scalars.contains(bv, b.value(), y));
        ScalarOf<V> r = Scalars.apply(bv, op, w, a.value(), b.value());
        V concrete = Semantics.apply(bv, op, w, x, y);
        List<Witness<V>> ws = new ArrayList<>(a.witnesses());
        ws.addAll(b.witnesses());
        ws.add(w("x", x));
        ws.add(w("y", y));
        ws.add(w("concrete", concrete));
        boolean full = w == Width.W64 || op instanceof ByteOrderOp;
        BitVectors<V, B> sbv = full ? bv : bv.withWidth(width / 2);
        V amount = sbv == bv ? y : bv.low(y, width / 2);
        // Every component of the result, the full-width ones included: they are the component
        // operators (also proved on their own as tnum.*, urange.*, srange.*), but stating only the
        // halves made obligations whose halves are derived loosely say nothing at all.
        List<B> oks = componentsContain(bv, r, concrete);
        int h = width / 2;
        List<B> cases = !isSlow(op) ? shiftCases(sbv, op, amount)
            : full ? signCases(bv, x, y) : signCases(bv.withWidth(h), bv.low(x, h), bv.low(y, h));
        return split(bv, wf, member, oks, cases, ws);
    }

    /**
     * For shifts, one case per masked shift amount: Z3 handles a shift by a constant easily and a
     * shift by a symbolic amount poorly.
     */
    private static <V, B> List<B> shiftCases(BitVectors<V, B> bv, Operation op, V amount) {
        if (!(op instanceof Operation.Alu(AluOp a)) || (a != AluOp.LSH && a != AluOp.RSH && a != AluOp.ARSH)) {
            return List.of();
        }
        List<B> cases = new ArrayList<>();
        for (int k = 0; k < bv.width(); k++) {
            cases.add(bv.eq(Semantics.shiftAmount(bv, amount), bv.num(k)));
        }
        return cases;
    }

    /** For multiplication and division, one case per combination of the operands' signs. */
    private static <V, B> List<B> signCases(BitVectors<V, B> bv, V x, V y) {
        List<B> cases = new ArrayList<>();
        for (boolean xn : new boolean[] {false, true}) {
            for (boolean yn : new boolean[] {false, true}) {
                cases.add(bv.both(xn ? bv.isNeg(x) : bv.negate(bv.isNeg(x)), yn ? bv.isNeg(y) : bv.negate(bv.isNeg(y))));
            }
        }
        return cases;
    }

    private static <V, B> Obligation.Query<V, B> scalarLattice(Session<V, B> z, String lat, int width) {
        BitVectors<V, B> bv = z.bits(width);
        Sym<ScalarOf<V>, V> a = scalar(z, "a", width);
        Sym<ScalarOf<V>, V> b = scalar(z, "b", width);
        V x = z.variable("x", width);
        B wf = bv.both(Scalars.wellFormed(bv, a.value()), Scalars.wellFormed(bv, b.value()));
        B inA = Scalars.contains(bv, a.value(), x);
        B inB = Scalars.contains(bv, b.value(), x);
        // Split by component of the result: one small query each.
        return switch (lat) {
            case "join" -> split(bv, wf, bv.either(inA, inB), componentsContain(bv, Scalars.join(bv, a.value(), b.value()), x), List.of(), ws(a, b, x));
            case "widen" -> split(bv, wf, bv.either(inA, inB), componentsContain(bv, Scalars.widen(bv, a.value(), b.value()), x), List.of(), ws(a, b, x));
            case "meet" -> split(bv, wf, bv.both(inA, inB), componentsContain(bv, Scalars.meet(bv, a.value(), b.value()), x), List.of(), ws(a, b, x));
            case "narrow" -> split(bv, wf, bv.both(inA, inB), componentsContain(bv, Scalars.narrow(bv, a.value(), b.value()), x), List.of(), ws(a, b, x));
            case "leq" -> split(bv, bv.both(wf, Scalars.leq(bv, a.value(), b.value())), inA, componentsContain(bv, b.value(), x), List.of(), ws(a, b, x));
            default -> throw new IllegalArgumentException(lat);
        };
    }

    private static <V> List<Witness<V>> ws(Sym<ScalarOf<V>, V> a, Sym<ScalarOf<V>, V> b, V x) {
        List<Witness<V>> ws = new ArrayList<>(a.witnesses());
        ws.addAll(b.witnesses());
        ws.add(w("x", x));
        return ws;
    }

    /**
     * Branch refinement: a pair of values satisfying the condition is kept on the taken edge, one
     * violating it on the fall-through edge. (The verdict is read off these edges being empty, so
     * it is sound too.)
     */
    private static <V, B> Obligation.Query<V, B> branch(Session<V, B> z, Cond c, Width w, int width) {
        BitVectors<V, B> bv = z.bits(width);
        Sym<ScalarOf<V>, V> a = scalar(z, "dst", width);
        Sym<ScalarOf<V>, V> b = scalar(z, "src", width);
        V x = z.variable("x", width);
        V y = z.variable("y", width);
        B wf = bv.both(Scalars.wellFormed(bv, a.value()), Scalars.wellFormed(bv, b.value()));
        B member = bv.both(Scalars.contains(bv, a.value(), x), Scalars.contains(bv, b.value(), y));
        Branches.Edges<V> e = Branches.refine(bv, c, w, a.value(), b.value());
        B taken = Branches.holds(bv, c, w, x, y);
        List<B> oks = new ArrayList<>();
        for (B k : componentsContain(bv, e.takenDst(), x)) {
            oks.add(bv.implies(taken, k));
        }
        for (B k : componentsContain(bv, e.takenSrc(), y)) {
            oks.add(bv.implies(taken, k));
        }
        for (B k : componentsContain(bv, e.fallDst(), x)) {
            oks.add(bv.implies(bv.negate(taken), k));
        }
        for (B k : componentsContain(bv, e.fallSrc(), y)) {
            oks.add(bv.implies(bv.negate(taken), k));
        }
        List<Witness<V>> ws = new ArrayList<>(a.witnesses());
        ws.addAll(b.witnesses());
        ws.add(w("x", x));
        ws.add(w("y", y));
        return split(bv, wf, member, oks, List.of(), ws);
    }

    /** Membership in each component of a product value, one formula each. */
    private static <V, B> List<B> componentsContain(BitVectors<V, B> bv, ScalarOf<V> a, V x) {
        int h = bv.width() / 2;
        BitVectors<V, B> hb = bv.withWidth(h);
        V l = bv.low(x, h);
        return List.of(Tnums.contains(bv, a.tnum(), x), URanges.contains(bv, a.u64(), x), SRanges.contains(bv, a.s64(), x),
            URanges.contains(hb, a.u32(), l), SRanges.contains(hb, a.s32(), l));
    }

    private static final List<String> COMPONENT_NAMES = List.of("tnum", "u64", "s64", "u32", "s32");

    /**
     * The parts of a proof that {@code pre} implies every formula of {@code oks}: one per formula
     * and case, plus one showing that the cases cover every input.
     */
    private static <V, B> Obligation.Query<V, B> split(BitVectors<V, B> bv, B assumptions, B membership, List<B> oks,
                                          List<B> cases, List<Witness<V>> ws) {
        List<Obligation.Part<B>> parts = new ArrayList<>();
        if (!cases.isEmpty()) {
            B any = cases.getFirst();
            for (B c : cases.subList(1, cases.size())) {
                any = bv.either(any, c);
            }
            parts.add(new Obligation.Part<>(Obligation.Part.COVER, bv.bool(true), any));
        }
        List<B> cs = cases.isEmpty() ? List.of(bv.bool(true)) : cases;
        for (int ci = 0; ci < cs.size(); ci++) {
            for (int k = 0; k < oks.size(); k++) {
                String label = (cases.isEmpty() ? "" : "case " + ci)
                    + (oks.size() == 1 ? "" : (cases.isEmpty() ? "" : ", ") + partName(oks.size(), k));
                parts.add(new Obligation.Part<>(label, cs.get(ci), oks.get(k)));
            }
        }
        return new Obligation.Query<>(assumptions, membership, parts, ws, Session.Logic.QF_BV);
    }

    /** An obligation of one part: {@code assumptions ∧ membership ⇒ goal}. */
    private static <V, B> Obligation.Query<V, B> single(BitVectors<V, B> bv, B assumptions, B membership, B goal,
                                           List<Witness<V>> ws, Session.Logic logic) {
        return new Obligation.Query<>(assumptions, membership, List.of(new Obligation.Part<>("", bv.bool(true), goal)), ws, logic);
    }

    /** Two product values equal component by component. */
    private static <V, B> B same(BitVectors<V, B> bv, ScalarOf<V> a, ScalarOf<V> b) {
        BitVectors<V, B> h = bv.withWidth(bv.width() / 2);
        B t = bv.both(bv.eq(a.tnum().value(), b.tnum().value()), bv.eq(a.tnum().mask(), b.tnum().mask()));
        B full = bv.both(bv.both(bv.eq(a.u64().lo(), b.u64().lo()), bv.eq(a.u64().hi(), b.u64().hi())),
            bv.both(bv.eq(a.s64().lo(), b.s64().lo()), bv.eq(a.s64().hi(), b.s64().hi())));
        B low = bv.both(bv.both(h.eq(a.u32().lo(), b.u32().lo()), h.eq(a.u32().hi(), b.u32().hi())),
            bv.both(h.eq(a.s32().lo(), b.s32().lo()), h.eq(a.s32().hi(), b.s32().hi())));
        return bv.both(t, full, low);
    }

    private static String partName(int n, int k) {
        if (n == COMPONENT_NAMES.size()) {
            return COMPONENT_NAMES.get(k);
        }
        if (n == 2) {
            return COMPONENT_NAMES.get(3 + k);
        }
        if (n == 4 * COMPONENT_NAMES.size()) {
            String[] edges = {"taken dst", "taken src", "fall-through dst", "fall-through src"};
            return edges[k / COMPONENT_NAMES.size()] + " " + COMPONENT_NAMES.get(k % COMPONENT_NAMES.size());
        }
        return "part " + k;
    }
}
