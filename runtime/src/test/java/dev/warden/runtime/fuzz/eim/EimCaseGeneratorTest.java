package dev.warden.runtime.fuzz.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The EIM case generator: a seed makes the same case again (a report's seed reproduces it), and
 * over a few hundred seeds it plants every kind of flaw, both live and dead, and draws host
 * variables with constrained writes, host functions, nested structs, slices and whole grants.
 */
class EimCaseGeneratorTest {

    @Test
    void aSeedMakesTheSameCaseAgain() {
        EimCaseGenerator g = EimCaseGenerator.defaults();
        for (long seed = 0; seed < 50; seed++) {
            assertEquals(g.generate(seed), g.generate(seed));
        }
    }

    @Test
    void theCasesCoverTheLanguageAndEveryFlaw() {
        EimCaseGenerator g = EimCaseGenerator.defaults();
        Set<EimFlaw> live = EnumSet.noneOf(EimFlaw.class);
        int dead = 0;
        int constrained = 0;
        int calls = 0;
        int nested = 0;
        int slices = 0;
        int whole = 0;
        for (long seed = 0; seed < 600; seed++) {
            EimCase c = g.generate(seed);
            for (EimFlaw.Planted p : c.planted()) {
                if (p.reach() == EimFlaw.Reach.LIVE) {
                    live.add(p.kind());
                } else {
                    dead++;
                }
            }
            constrained += c.policy().contains("constraints = { value") ? 1 : 0;
            calls += c.program().contains("call kfunc 0") ? 1 : 0;
            nested += c.policy().contains("struct In {") ? 1 : 0;
            slices += c.policy().matches("(?s).*r->f\\d+\\[\\d+, \\d+\\).*") ? 1 : 0;
            whole += c.policy().contains("read(r),") || c.policy().contains("read(r) ") ? 1 : 0;
        }
        assertEquals(EnumSet.allOf(EimFlaw.class), live);
        assertTrue(dead > 0 && constrained > 0 && calls > 0 && nested > 0 && slices > 0 && whole > 0,
                "dead " + dead + ", constrained " + constrained + ", calls " + calls + ", nested " + nested + ", slices "
                        + slices + ", whole " + whole);
    }
}
