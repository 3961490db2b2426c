package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.domains.BitVectors;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The lemma machinery ({@link Lemma}, {@link LemmaProofs}): every interval lemma holds on bit
 * vectors (Z3 and Bitwuzla at 8 bits: the statements are true of SMT-LIB's own operators, not
 * only of the integer encoding) and is proved on integers at 64 bits by both integer solvers; a
 * hint counts only once its lemma is proved, so a false lemma, or one resting on itself, proves
 * nothing; and the interval obligations that assume lemmas are proved by both integer solvers
 * and name them ({@code srange.sdiv}, a minute, is left to {@code warden prove-domains}).
 */
class LemmaBackedProofsTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TestFactory
    Stream<DynamicTest> everyIntervalLemmaHoldsOnBitVectors() {
        return SolverKind.BIT_VECTOR.stream().flatMap(k -> Stream.of(IntervalLemma.values()).map(l ->
            DynamicTest.dynamicTest(l.label() + " @8 (" + k.label() + ")", () -> proved(k, l, 8))));
    }

    @TestFactory
    Stream<DynamicTest> everyIntervalLemmaIsProvedOnIntegersAt64Bits() {
        return SolverKind.INTEGER.stream().flatMap(k -> Stream.of(IntervalLemma.values()).map(l ->
            DynamicTest.dynamicTest(l.label() + " @64 (" + k.label() + ")", () -> {
                if (k == SolverKind.CVC5_INT) {
                    assumeTrue(Cvc5IntSession.available(), "cvc5's native libraries (javasmt-solver-cvc5, type so) are not beside its jar");
                }
                proved(k, l, 64);
            })));
    }

    private static void proved(SolverKind k, Lemma l, int width) {
        try (Session<?, ?> z = k.open(LIMIT)) {
            ProofResult r = new LemmaProofs().prove(z, k, l, width);
            assertInstanceOf(ProofResult.Proved.class, r, () -> l.label() + " @" + width + " (" + k.label() + "): " + r);
        }
    }

    /** "Every x is 7": false. */
    private enum TestLemma implements Lemma {
        EVERYTHING_IS_SEVEN, RESTS_ON_ITSELF, AT_MOST_ALL_ONES;

        @Override public String label() { return "test." + name().toLowerCase(); }
        @Override public List<String> parameters() { return List.of("x"); }

        @Override public <V, B> B holds(BitVectors<V, B> bv, List<V> a) {
            return switch (this) {
                case EVERYTHING_IS_SEVEN, RESTS_ON_ITSELF -> bv.eq(a.getFirst(), bv.num(7));
                case AT_MOST_ALL_ONES -> bv.ule(a.getFirst(), bv.ones());
            };
        }

        @Override public <V, B> List<Obligation.Hint<B>> hints(BitVectors<V, B> bv, List<V> a) {
            return this == RESTS_ON_ITSELF ? List.of(instance(bv, a)) : List.of();
        }
    }

    /** "x < 100 implies x = 7", assuming {@code lemma} at x: true only if the lemma is. */
    private static Obligation sevenAssuming(Lemma lemma) {
        return new Obligation("seven", Obligation.Property.SOUND, 8, new Obligation.Builder() {
            @Override
            public <V, B> Obligation.Query<V, B> build(Session<V, B> z, int w) {
                BitVectors<V, B> bv = z.bits(w);
                V x = z.variable("x", w);
                return new Obligation.Query<>(bv.bool(true), bv.ult(x, bv.num(100)),
                    List.of(new Obligation.Part<>("", bv.bool(true), bv.eq(x, bv.num(7)))), List.of(new Witness<>("x", x)),
                    Session.Logic.QF_BV, List.of(lemma.instance(bv, List.of(x))));
            }
        });
    }

    @Test
    void aFalseLemmaProvesNothing() {
        // Assumed without its proof, "every x is 7" would prove the obligation.
        Prover.Outcome r = new Prover(LIMIT, List.of(SolverKind.Z3)).prove(sevenAssuming(TestLemma.EVERYTHING_IS_SEVEN));
        ProofResult.Unknown u = assertInstanceOf(ProofResult.Unknown.class, r.result());
        assertTrue(u.reason().contains("lemma test.everything_is_seven is false"), u.reason());
        assertEquals(List.of(TestLemma.EVERYTHING_IS_SEVEN), r.lemmas());
    }

    @Test
    void aLemmaRestingOnItselfProvesNothing() {
        Prover.Outcome r = new Prover(LIMIT, List.of(SolverKind.Z3)).prove(sevenAssuming(TestLemma.RESTS_ON_ITSELF));
        ProofResult.Unknown u = assertInstanceOf(ProofResult.Unknown.class, r.result());
        assertTrue(u.reason().contains("rests on itself"), u.reason());
    }

    @Test
    void aTrueLemmaIsProvedAndNamedButProvesNoMoreThanItSays() {
        // The lemma is proved, and named; the obligation stays false (x = 8 refutes it).
        Prover.Outcome r = new Prover(LIMIT, List.of(SolverKind.Z3)).prove(sevenAssuming(TestLemma.AT_MOST_ALL_ONES));
        assertInstanceOf(ProofResult.Refuted.class, r.result());
        assertEquals(List.of(TestLemma.AT_MOST_ALL_ONES), r.lemmas());
    }

    @Test
    void theUnsignedSdivIsProvedByBothWithItsLemmas() {
        // Unknown for cvc5 at 300 s without them; its lemmas are the unsigned ones.
        provedByBothNaming("urange.sdiv", List.of(IntervalLemma.SDIV_OF_NON_NEGATIVES, IntervalLemma.UDIV_ANTITONE_IN_DIVISOR,
            IntervalLemma.UDIV_AT_MOST_DIVIDEND, IntervalLemma.UDIV_MONOTONE_IN_DIVIDEND));
    }

    @Test
    void theSignedMultiplicationIsProvedByBothWithItsLemmas() {
        // Minutes for Z3 without the lemmas (83 s, and unknown at 300 s at load 25); seconds with them.
        provedByBothNaming("srange.mul", List.of(IntervalLemma.MUL_BETWEEN_LEFT_FACTORS, IntervalLemma.MUL_BETWEEN_RIGHT_FACTORS));
    }

    private static void provedByBothNaming(String name, List<Lemma> lemmas) {
        Obligation o = Catalogue.byIntegers().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
        assumeTrue(Cvc5IntSession.available(), "cvc5's native libraries (javasmt-solver-cvc5, type so) are not beside its jar");
        Prover.Outcome r = new Prover(LIMIT, SolverKind.INTEGER).prove(o);
        assertInstanceOf(ProofResult.Proved.class, r.result(), () -> name + ": " + r.result());
        assertEquals(SolverKind.INTEGER, List.copyOf(r.solvers().keySet()));
        assertEquals(Prover.Premises.SATISFIABLE, r.premises());
        assertEquals(Prover.Meaning.MEANINGFUL, r.meaning());
        assertEquals(lemmas, r.lemmas());
    }
}
