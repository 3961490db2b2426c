package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.domains.BitVectors;
import dev.warden.domains.LongBitVectors;
import dev.warden.domains.TnumOf;
import dev.warden.domains.Tnums;
import dev.warden.isa.AluOp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The three obligations behind {@code tnum.mul} at 64 bits ({@code tnum.mul.round},
 * {@code tnum.mul.induction}, {@code tnum.mul.unrolled}) can fail: built with a plausible wrong
 * round or a wrong number of rounds, each is refuted by the solver that proves the real one, and
 * every counterexample is replayed in Java on longs. At 8 bits, so the whole class takes seconds;
 * the real loop is proved at the same width by the same solver, so the refutation is the round's
 * fault, not the width's.
 */
class WrongMultiplierRoundIsRefutedTest {

    private static final int WIDTH = 8;

    private static final TnumMulLoop.RoundCount WIDTH_ROUNDS = w -> w;

    private final Prover z3 = new Prover(Duration.ofSeconds(60), List.of(SolverKind.Z3));
    private final Prover bitwuzla = new Prover(Duration.ofSeconds(60), List.of(SolverKind.BITWUZLA));

    // Wrong concrete rounds.

    /** Adds {@code y} when {@code x} is even. */
    private static <V, B> TnumMulLoop.State<V> addWhenEven(BitVectors<V, B> bv, TnumMulLoop.State<V> s) {
        V p = bv.add(s.p(), bv.ite(bv.eq(bv.and(s.x(), bv.num(1)), bv.zero()), s.y(), bv.zero()));
        return new TnumMulLoop.State<>(p, bv.lshr(s.x(), 1), bv.shl(s.y(), 1));
    }

    /** Shifts the multiplicand right instead of left. */
    private static <V, B> TnumMulLoop.State<V> shiftYRight(BitVectors<V, B> bv, TnumMulLoop.State<V> s) {
        TnumMulLoop.State<V> real = TnumMulLoop.round(bv, s);
        return new TnumMulLoop.State<>(real.p(), real.x(), bv.lshr(s.y(), 1));
    }

    /** Forgets the carries: XORs {@code y} into the partial sum. */
    private static <V, B> TnumMulLoop.State<V> xorForAdd(BitVectors<V, B> bv, TnumMulLoop.State<V> s) {
        V p = bv.xor(s.p(), bv.ite(bv.ne(bv.and(s.x(), bv.num(1)), bv.zero()), s.y(), bv.zero()));
        return new TnumMulLoop.State<>(p, bv.lshr(s.x(), 1), bv.shl(s.y(), 1));
    }

    /** A wrong variant and what is wrong with it, for the assertion messages. */
    private record Wrong<T>(String what, T variant) {}

    private static final List<Wrong<TnumMulLoop.Loop>> WRONG_LOOPS = List.of(
        new Wrong<>("adds y when x is even", new TnumMulLoop.Loop(WrongMultiplierRoundIsRefutedTest::addWhenEven, WIDTH_ROUNDS)),
        new Wrong<>("shifts y right", new TnumMulLoop.Loop(WrongMultiplierRoundIsRefutedTest::shiftYRight, WIDTH_ROUNDS)),
        new Wrong<>("forgets the carries", new TnumMulLoop.Loop(WrongMultiplierRoundIsRefutedTest::xorForAdd, WIDTH_ROUNDS)),
        new Wrong<>("is one round short", new TnumMulLoop.Loop(TnumMulLoop::round, w -> w - 1)));

    // Wrong abstract rounds.

    /** Treats an unknown low multiplier bit as 0: no join, the sum with {@code b} is dropped. */
    private static <V, B> Tnums.MulRound<V> unknownAsZero(BitVectors<V, B> bv, Tnums.MulRound<V> r) {
        B lowKnownOne = bv.ne(bv.and(r.a().value(), bv.num(1)), bv.zero());
        return shifted(bv, r, Tnums.select(bv, lowKnownOne, Tnums.add(bv, r.acc(), r.b()), r.acc()));
    }

    /** Treats an unknown low multiplier bit as 1: no join, the sum with {@code b} is always kept. */
    private static <V, B> Tnums.MulRound<V> unknownAsOne(BitVectors<V, B> bv, Tnums.MulRound<V> r) {
        B lowMaybeOne = bv.ne(bv.and(bv.or(r.a().value(), r.a().mask()), bv.num(1)), bv.zero());
        return shifted(bv, r, Tnums.select(bv, lowMaybeOne, Tnums.add(bv, r.acc(), r.b()), r.acc()));
    }

    /** The real round's sum, but the multiplicand shifted right. */
    private static <V, B> Tnums.MulRound<V> multiplicandShiftedRight(BitVectors<V, B> bv, Tnums.MulRound<V> r) {
        Tnums.MulRound<V> real = Tnums.mulRound(bv, r);
        return new Tnums.MulRound<>(real.acc(), real.a(), Tnums.shiftConst(bv, AluOp.RSH, r.b(), 1));
    }

    private static <V, B> Tnums.MulRound<V> shifted(BitVectors<V, B> bv, Tnums.MulRound<V> r, TnumOf<V> acc) {
        return new Tnums.MulRound<>(acc, Tnums.shiftConst(bv, AluOp.RSH, r.a(), 1), Tnums.shiftConst(bv, AluOp.LSH, r.b(), 1));
    }

    private static final List<Wrong<Catalogue.MulRoundStep>> WRONG_ABSTRACT_ROUNDS = List.of(
        new Wrong<>("takes an unknown bit as 0", WrongMultiplierRoundIsRefutedTest::unknownAsZero),
        new Wrong<>("takes an unknown bit as 1", WrongMultiplierRoundIsRefutedTest::unknownAsOne),
        new Wrong<>("shifts the multiplicand right", WrongMultiplierRoundIsRefutedTest::multiplicandShiftedRight));

    @Test
    void z3RefutesTheInductionOfAWrongLoop() {
        assertInstanceOf(ProofResult.Proved.class, z3.prove(catalogued("tnum.mul.induction")).result());
        for (var e : WRONG_LOOPS) {
            TnumMulLoop.Loop loop = e.variant();
            Map<String, String> cex = refuted(z3, new Obligation("tnum.mul.induction", Obligation.Property.SOUND, WIDTH,
                new TnumMulLoop.InductionProof(loop)), e.what());
            // Replay: the state satisfies the invariant p + x·y = c, and the wrong round breaks it,
            // or the wrong rounds leave bits of a multiplier, or stop with x = 0 and p ≠ c.
            BitVectors<Long, Boolean> bv = LongBitVectors.of(WIDTH);
            long q = hex(cex, "q");
            long r = hex(cex, "r");
            long y = hex(cex, "y");
            long p = hex(cex, "p");
            long c = hex(cex, "c");
            long x = bv.add(bv.shl(q, 1), r);
            assertEquals(c, (long) bv.add(p, bv.mul(x, y)), e.what() + ": invariant in the counterexample");
            TnumMulLoop.State<Long> next = loop.round().apply(bv, new TnumMulLoop.State<>(p, x, y));
            boolean stepBroken = !bv.add(next.p(), bv.mul(next.x(), next.y())).equals(c);
            boolean exitBroken = loop.run(bv, new TnumMulLoop.State<>(p, hex(cex, "any"), y)).x() != 0L || (x == 0 && p != c);
            assertTrue(stepBroken || exitBroken, e.what() + ": counterexample " + cex + " does not replay");
        }
    }

    @Test
    void bitwuzlaRefutesTheUnrolledWrongLoop() {
        assertInstanceOf(ProofResult.Proved.class, bitwuzla.prove(catalogued("tnum.mul.unrolled")).result());
        for (var e : WRONG_LOOPS) {
            TnumMulLoop.Loop loop = e.variant();
            Map<String, String> cex = refuted(bitwuzla, unrolled(loop), e.what());
            BitVectors<Long, Boolean> bv = LongBitVectors.of(WIDTH);
            long x = hex(cex, "x");
            long y = hex(cex, "y");
            long c = hex(cex, "c");
            assertEquals(c, (long) bv.mul(x, y), e.what() + ": c is the product in the counterexample");
            long sum = loop.run(bv, new TnumMulLoop.State<>(0L, x, y)).p();
            assertTrue(sum != c, e.what() + ": " + x + "·" + y + " is " + c + " and the wrong loop gives it too");
        }
    }

    /** A round more is harmless (the multiplier is 0 by then): the obligation is not refuted by any change. */
    @Test
    void anExtraRoundIsStillProvedUnrolled() {
        Prover.Outcome o = bitwuzla.prove(unrolled(new TnumMulLoop.Loop(TnumMulLoop::round, w -> w + 1)));
        assertInstanceOf(ProofResult.Proved.class, o.result(), () -> "width + 1 rounds: " + o.result());
    }

    @Test
    void bothSolversRefuteTheRoundLemmaOfAWrongTnumRound() {
        for (Prover prover : List.of(z3, bitwuzla)) {
            assertInstanceOf(ProofResult.Proved.class, prover.prove(catalogued("tnum.mul.round")).result());
            for (var e : WRONG_ABSTRACT_ROUNDS) {
                Catalogue.MulRoundStep step = e.variant();
                Map<String, String> cex = refuted(prover, Catalogue.tnumMulRound("tnum.mul.round", WIDTH, step), e.what());
                // Replay: p, x and y are in the round's tnums, and the concrete round leaves the
                // wrong round's next tnums (or its sum is not well formed).
                BitVectors<Long, Boolean> bv = LongBitVectors.of(WIDTH);
                TnumOf<Long> acc = tnum(cex, "acc");
                TnumOf<Long> a = tnum(cex, "a");
                TnumOf<Long> b = tnum(cex, "b");
                long p = hex(cex, "p");
                long x = hex(cex, "x");
                long y = hex(cex, "y");
                for (TnumOf<Long> t : List.of(acc, a, b)) {
                    assertTrue(Tnums.wellFormed(bv, t), e.what() + ": input tnum " + t);
                }
                assertTrue(Tnums.contains(bv, acc, p) && Tnums.contains(bv, a, x) && Tnums.contains(bv, b, y), e.what() + ": members");
                Tnums.MulRound<Long> next = step.apply(bv, new Tnums.MulRound<>(acc, a, b));
                TnumMulLoop.State<Long> concrete = TnumMulLoop.round(bv, new TnumMulLoop.State<>(p, x, y));
                boolean kept = Tnums.wellFormed(bv, next.acc()) && Tnums.contains(bv, next.acc(), concrete.p())
                    && Tnums.contains(bv, next.a(), concrete.x()) && Tnums.contains(bv, next.b(), concrete.y());
                assertTrue(!kept, e.what() + ": counterexample " + cex + " does not replay");
            }
        }
    }

    private static Obligation unrolled(TnumMulLoop.Loop loop) {
        return new Obligation("tnum.mul.unrolled", Obligation.Property.SOUND, WIDTH, new TnumMulLoop.UnrolledProof(loop));
    }

    private static Obligation catalogued(String name) {
        return Catalogue.all().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow().atWidth(WIDTH);
    }

    private static Map<String, String> refuted(Prover prover, Obligation o, String what) {
        Prover.Outcome r = prover.prove(o);
        return assertInstanceOf(ProofResult.Refuted.class, r.result(), () -> o.name() + " built with a variant that " + what + ": " + r.result())
            .counterexample();
    }

    private static TnumOf<Long> tnum(Map<String, String> cex, String n) {
        return new TnumOf<>(hex(cex, n + ".value"), hex(cex, n + ".mask"));
    }

    private static long hex(Map<String, String> cex, String name) {
        String s = cex.get(name);
        assertTrue(s != null && s.startsWith("0x"), () -> name + " missing from counterexample " + cex);
        return Long.parseUnsignedLong(s.substring(2), 16);
    }
}
