package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The division and modulo obligations that Bitwuzla proves at 16 bits within CI's time, proved
 * there by Bitwuzla: twice the width {@link EveryOperatorIsProvedSoundTest} proves them at with
 * both solvers (4 bits), and twice the default width of {@code warden prove-domains} (8). The
 * other multiplication, division and modulo obligations do not finish at 16 bits within a minute
 * on either solver (docs/domains.md, "Widths").
 */
class WiderProofsOnBitwuzlaTest {

    private static final List<String> AT_16 = List.of("tnum.div", "urange.mod", "urange.smod", "srange.mod", "srange.smod");

    @TestFactory
    Stream<DynamicTest> provedAt16Bits() {
        Prover bitwuzla = new Prover(Duration.ofSeconds(300), List.of(SolverKind.BITWUZLA));
        return AT_16.stream().map(name -> DynamicTest.dynamicTest(name + " @16", () -> {
            Obligation o = Catalogue.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().atWidth(16);
            Prover.Outcome r = bitwuzla.prove(o);
            assertInstanceOf(ProofResult.Proved.class, r.result(), () -> name + ": " + r.result());
            assertEquals(Prover.Premises.SATISFIABLE, r.premises(), () -> name + ": premises");
            assertEquals(Prover.Meaning.MEANINGFUL, r.meaning(), () -> name + " says nothing: " + r.meaningDetail());
        }));
    }
}
