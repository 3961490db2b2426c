package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The interval operators of multiplication, division and modulo proved at 64 bits by Z3 on the
 * integer encoding of the same code ({@link SolverKind#Z3_INT}), with satisfiable premises and
 * meaningful: the eight that take a few seconds. {@code srange.mul} and {@code srange.sdiv} are
 * proved at 64 bits on integers too, but take minutes, and no less at 16 bits (integer arithmetic
 * hardly depends on the width): {@code warden prove-domains} proves them, and here, as every
 * obligation, both bit-vector solvers prove them at 8 bits ({@link EveryOperatorIsProvedSoundTest}).
 */
class IntervalOperatorsProvedAt64BitsTest {

    /** Minutes on integers on the shared machine (83 s and 249 s at 64 bits, 48 s and 214 s at 16). */
    private static final Set<String> SLOW_ON_INTEGERS = Set.of("srange.mul", "srange.sdiv");

    @TestFactory
    Stream<DynamicTest> provedOnIntegers() {
        Prover z3int = new Prover(Duration.ofSeconds(120), List.of(SolverKind.Z3_INT));
        List<Obligation> all = Catalogue.byIntegers();
        assertEquals(10, all.size(), "urange and srange × mul, div, sdiv, mod, smod");
        assertTrue(all.stream().allMatch(o -> o.width() == 64), "byIntegers is the 64-bit catalogue");
        assertTrue(all.stream().map(Obligation::name).toList().containsAll(SLOW_ON_INTEGERS));
        return all.stream().filter(o -> !SLOW_ON_INTEGERS.contains(o.name())).map(o ->
            DynamicTest.dynamicTest(o.name() + " @" + o.width(), () -> {
                Prover.Outcome r = z3int.prove(o);
                assertInstanceOf(ProofResult.Proved.class, r.result(), () -> o.name() + ": " + r.result());
                assertEquals(Set.of(SolverKind.Z3_INT), r.solvers().keySet());
                assertEquals(Prover.Premises.SATISFIABLE, r.premises(), () -> o.name() + ": premises");
                assertEquals(Prover.Meaning.MEANINGFUL, r.meaning(), () -> o.name() + " says nothing: " + r.meaningDetail());
            }));
    }
}
