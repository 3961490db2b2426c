package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The interval operators of multiplication, division and modulo proved at 64 bits by Z3 on the
 * integer encoding of the same code ({@link SolverKind#Z3_INT}), with satisfiable premises and
 * meaningful: the nine that take a few seconds ({@code srange.mul} among them since it assumes
 * proved lemmas, {@link IntervalLemmaHints}). {@code srange.sdiv} is proved at 64 bits on integers
 * too, but takes minutes: {@code warden prove-domains} proves it, and here, as every obligation,
 * both bit-vector solvers prove it at 8 bits ({@link EveryOperatorIsProvedSoundTest}), and its
 * lemmas are proved by both integer solvers at 64 ({@link LemmaBackedProofsTest}).
 *
 * <p>The second integer solver, cvc5 ({@link SolverKind#CVC5_INT}), proves here the five that it
 * proves in seconds, its own premise and meaning checks included; {@code urange.sdiv} with both
 * integer solvers is in {@link LemmaBackedProofsTest}, and the rest (docs/domains.md, "64 bits on
 * integers") {@code warden prove-domains} runs. Skipped, saying why, where cvc5's native
 * libraries are not beside its jar.
 */
class IntervalOperatorsProvedAt64BitsTest {

    /** Minutes on integers on the shared machine (102 s with its lemmas, at load 15). */
    private static final Set<String> SLOW_ON_INTEGERS = Set.of("srange.sdiv");

    /** What cvc5 proves at 64 bits in a few seconds (0.6 to 6.6 s each on the loaded machine). */
    private static final Set<String> FAST_ON_CVC5 = Set.of("urange.mul", "urange.mod", "urange.smod", "srange.mod", "srange.smod");

    @TestFactory
    Stream<DynamicTest> provedByCvc5OnIntegers() {
        assumeTrue(Cvc5IntSession.available(), "cvc5's native libraries (javasmt-solver-cvc5, type so) are not beside its jar");
        Prover cvc5 = new Prover(Duration.ofSeconds(120), List.of(SolverKind.CVC5_INT));
        List<Obligation> fast = Catalogue.byIntegers().stream().filter(o -> FAST_ON_CVC5.contains(o.name())).toList();
        assertEquals(FAST_ON_CVC5.size(), fast.size(), "every name in FAST_ON_CVC5 is an obligation on integers");
        return fast.stream().map(o -> DynamicTest.dynamicTest(o.name() + " @" + o.width() + " (cvc5)",
            () -> provedAndMeaningful(cvc5, o, SolverKind.CVC5_INT)));
    }

    @TestFactory
    Stream<DynamicTest> provedOnIntegers() {
        Prover z3int = new Prover(Duration.ofSeconds(120), List.of(SolverKind.Z3_INT));
        List<Obligation> all = Catalogue.byIntegers();
        assertEquals(10, all.size(), "urange and srange × mul, div, sdiv, mod, smod");
        assertTrue(all.stream().allMatch(o -> o.width() == 64), "byIntegers is the 64-bit catalogue");
        assertTrue(all.stream().map(Obligation::name).toList().containsAll(SLOW_ON_INTEGERS));
        return all.stream().filter(o -> !SLOW_ON_INTEGERS.contains(o.name())).map(o ->
            DynamicTest.dynamicTest(o.name() + " @" + o.width(), () -> provedAndMeaningful(z3int, o, SolverKind.Z3_INT)));
    }

    private static void provedAndMeaningful(Prover prover, Obligation o, SolverKind solver) {
        Prover.Outcome r = prover.prove(o);
        assertInstanceOf(ProofResult.Proved.class, r.result(), () -> o.name() + ": " + r.result());
        assertEquals(Set.of(solver), r.solvers().keySet());
        assertEquals(Prover.Premises.SATISFIABLE, r.premises(), () -> o.name() + ": premises");
        assertEquals(Prover.Meaning.MEANINGFUL, r.meaning(), () -> o.name() + " says nothing: " + r.meaningDetail());
    }
}
