package dev.warden.smt;

import dev.warden.domains.BitVectors;
import java.util.ArrayList;
import java.util.List;

/**
 * The concrete side of {@code Tnums.mul}: the shift-and-add loop that the tnum multiplier follows
 * round by round, and the obligations that this loop computes the product. With
 * {@code tnum.mul.round} (one round of {@code Tnums.mulRound} keeps the loop's state inside it)
 * they make {@code tnum.mul} a machine-checked fact at widths where the whole multiplier is too
 * hard to bit-blast:
 *
 * <ul>
 *   <li>{@code tnum.mul.induction}: the loop invariant {@code p + x·y = c} holds before round 0
 *       (with {@code c} the product of the operands), is kept by one {@link #round}, and after
 *       {@code width} rounds, where {@code x} is 0, gives {@code p = c}. Its step is a multiplier
 *       identity ({@code (x >>> 1)·(y << 1) + (x & 1)·y = x·y}), stated with {@code x = 2q + r},
 *       in which form Z3's word-level rewriting proves it at 64 bits; as {@code x >>> 1} and
 *       {@code x & 1} of a plain {@code x} neither solver proves it at 16 bits.</li>
 *   <li>{@code tnum.mul.unrolled}: {@code width} rounds from {@code p = 0} end with
 *       {@code p = x·y}, one query. Bitwuzla bit-blasts it into the same adder chain as its own
 *       multiplier and proves it at 64 bits; Z3 does not beyond about 10.</li>
 * </ul>
 *
 * Both use {@link #round}, which is also the concrete round of {@code tnum.mul.round}: the step
 * proved is the step the membership lemma follows. The round and the number of rounds are
 * parameters of the builders ({@link Loop}) so that a test can show that a wrong loop is refuted;
 * the catalogue builds them with {@link Loop#SHIFT_AND_ADD}.
 */
final class TnumMulLoop {

    private TnumMulLoop() {}

    /** The concrete loop's state: the partial sum, the multiplier and the multiplicand shifted so far. */
    record State<V>(V p, V x, V y) {}

    /** A concrete round over any solver's terms (a generic method: a method reference, not a lambda). */
    interface Round {
        <V, B> State<V> apply(BitVectors<V, B> bv, State<V> s);
    }

    /** How many rounds the loop runs at a width: {@code Tnums.mul} runs {@code width}. */
    interface RoundCount {
        int at(int width);
    }

    /**
     * A concrete loop: its round and how many times it runs.
     *
     * @param round one round
     * @param count the number of rounds at a width
     */
    record Loop(Round round, RoundCount count) {
        /** The loop {@code Tnums.mul} follows: {@code width} rounds of {@link TnumMulLoop#round}. */
        static final Loop SHIFT_AND_ADD = new Loop(TnumMulLoop::round, w -> w);

        /** {@link #count} rounds from {@code s}. */
        <V, B> State<V> run(BitVectors<V, B> bv, State<V> s) {
            State<V> r = s;
            for (int i = 0; i < count.at(bv.width()); i++) {
                r = round.apply(bv, r);
            }
            return r;
        }
    }

    /** One round: add {@code y} when {@code x} is odd, then {@code x >>>= 1}, {@code y <<= 1}. */
    static <V, B> State<V> round(BitVectors<V, B> bv, State<V> s) {
        V p = bv.add(s.p(), bv.ite(bv.ne(bv.and(s.x(), bv.num(1)), bv.zero()), s.y(), bv.zero()));
        return new State<>(p, bv.lshr(s.x(), 1), bv.shl(s.y(), 1));
    }

    /** {@code width} rounds from {@code s}: as many as {@code Tnums.mul} runs. */
    static <V, B> State<V> rounds(BitVectors<V, B> bv, State<V> s) {
        return Loop.SHIFT_AND_ADD.run(bv, s);
    }

    /** Builds {@code tnum.mul.induction} for {@code loop}. */
    record InductionProof(Loop loop) implements Obligation.Builder {
        /** The catalogue's: the loop {@code Tnums.mul} follows. */
        InductionProof() { this(Loop.SHIFT_AND_ADD); }
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return induction(z, loop, w); }
    }

    /** Builds {@code tnum.mul.unrolled} for {@code loop}. */
    record UnrolledProof(Loop loop) implements Obligation.Builder {
        /** The catalogue's: the loop {@code Tnums.mul} follows. */
        UnrolledProof() { this(Loop.SHIFT_AND_ADD); }
        @Override public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) { return unrolled(z, loop, w); }
    }

    /**
     * Base, step and exit of the invariant {@code p + x·y = c}. The state's multiplier is written
     * {@code x = 2q + r} with {@code q < 2^(width-1)} and {@code r ≤ 1}; a part labelled
     * {@link Obligation.Part#COVER} proves that every {@code x} has that form ({@code q = x >>> 1},
     * {@code r = x & 1}), so the step covers every state. The membership premise is the
     * invariant itself: without it the step's goal fails for some {@code c}.
     */
    private static <V, B> Obligation.Query<V, B> induction(Session<V, B> z, Loop loop, int width) {
        BitVectors<V, B> bv = z.bits(width);
        V q = z.variable("q", width);
        V r = z.variable("r", width);
        V y = z.variable("y", width);
        V p = z.variable("p", width);
        V c = z.variable("c", width);
        V any = z.variable("any", width);
        V x = bv.add(bv.shl(q, 1), r);
        B decomposed = bv.both(bv.ult(q, bv.shl(bv.num(1), width - 1)), bv.ule(r, bv.num(1)));
        B invariant = bv.eq(bv.add(p, bv.mul(x, y)), c);
        State<V> next = loop.round().apply(bv, new State<>(p, x, y));
        V anyQ = bv.lshr(any, 1);
        V anyR = bv.and(any, bv.num(1));
        B everyXDecomposes = bv.both(bv.eq(any, bv.add(bv.shl(anyQ, 1), anyR)),
            bv.both(bv.ult(anyQ, bv.shl(bv.num(1), width - 1)), bv.ule(anyR, bv.num(1))));
        // After the loop's rounds (width of them) every bit of the multiplier has been shifted out.
        V exhausted = loop.run(bv, new State<>(p, any, y)).x();
        List<Obligation.Part<B>> parts = List.of(
            new Obligation.Part<>(Obligation.Part.COVER, bv.bool(true), everyXDecomposes),
            // Base: with p = 0 and the operands, c = x·y is the invariant.
            new Obligation.Part<>("base", bv.bool(true), bv.eq(bv.add(bv.zero(), bv.mul(x, y)), bv.mul(x, y))),
            new Obligation.Part<>("step", bv.bool(true), bv.eq(bv.add(next.p(), bv.mul(next.x(), next.y())), c)),
            new Obligation.Part<>("exit", bv.bool(true),
                bv.both(bv.eq(exhausted, bv.zero()), bv.implies(bv.eq(x, bv.zero()), bv.eq(p, c)))));
        List<Witness<V>> ws = List.of(new Witness<>("q", q), new Witness<>("r", r), new Witness<>("y", y),
            new Witness<>("p", p), new Witness<>("c", c), new Witness<>("any", any));
        return new Obligation.Query<>(decomposed, invariant, parts, ws, Session.Logic.QF_BV);
    }

    /**
     * {@code width} rounds from {@code p = 0} and the operands end with the product {@code c}.
     * The membership premise is {@code c = x·y}: without it the goal fails for some {@code c}.
     */
    private static <V, B> Obligation.Query<V, B> unrolled(Session<V, B> z, Loop loop, int width) {
        BitVectors<V, B> bv = z.bits(width);
        V x = z.variable("x", width);
        V y = z.variable("y", width);
        V c = z.variable("c", width);
        State<V> end = loop.run(bv, new State<>(bv.zero(), x, y));
        List<Witness<V>> ws = new ArrayList<>(List.of(new Witness<>("x", x), new Witness<>("y", y), new Witness<>("c", c)));
        ws.add(new Witness<>("sum", end.p()));
        return new Obligation.Query<>(bv.bool(true), bv.eq(c, bv.mul(x, y)),
            List.of(new Obligation.Part<>("", bv.bool(true), bv.eq(end.p(), c))), ws, Session.Logic.QF_BV);
    }
}
