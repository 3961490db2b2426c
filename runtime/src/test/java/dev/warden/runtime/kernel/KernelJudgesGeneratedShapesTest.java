package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.random.GeneratedObject;
import dev.warden.isa.random.PointerProgramGenerator;
import dev.warden.isa.random.PointerProgramGenerator.Intent;
import dev.warden.isa.random.Shape;
import dev.warden.runtime.fuzz.Judge;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator's shapes are within Linux's rules: the running kernel's verifier accepts every safe
 * instance of each {@link Shape} alone and rejects every flawed one (the kernel differential uses
 * the same generator, so a safe form Linux refused would only add noise to its table).
 */
class KernelJudgesGeneratedShapesTest {
    private static final int SEEDS = 20;

    @BeforeAll
    static void requireKernel() {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
    }

    @Test
    void linuxAcceptsTheSafeFormsAndRejectsTheFlawedOnes() {
        PointerProgramGenerator gen = PointerProgramGenerator.defaults();
        List<String> wrong = new ArrayList<>();
        try (OracleLock lock = OracleLock.acquire()) {
            Judge linux = Judge.linuxKernel();
            for (Shape shape : Shape.values()) {
                for (Intent intent : Intent.values()) {
                    Judge.Verdict expected = intent == Intent.SAFE ? Judge.Verdict.ACCEPTED : Judge.Verdict.REJECTED;
                    for (long seed = 0; seed < SEEDS; seed++) {
                        GeneratedObject g = gen.generateShape(shape, intent, seed);
                        if (linux.judge(g.object(), g.program()) != expected) {
                            wrong.add(shape + " " + intent + " seed " + seed + " " + g.planted() + ":\n"
                                    + Disassembler.listing(g.program().program()));
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), wrong, "programs Linux judged otherwise than their intent");
    }

    /**
     * Whole programs with no planted case at all, shapes among their pieces, are within Linux's rules
     * too: it accepts every one.
     */
    @Test
    void linuxAcceptsEveryWholeProgramWithNothingPlanted() {
        PointerProgramGenerator gen = PointerProgramGenerator.defaults();
        List<String> refused = new ArrayList<>();
        int clean = 0;
        int withShapes = 0;
        try (OracleLock lock = OracleLock.acquire()) {
            Judge linux = Judge.linuxKernel();
            for (long seed = 0x5a9e_0000L; clean < 300; seed++) {
                GeneratedObject g = gen.generate(seed);
                if (!g.planted().isEmpty()) {
                    continue;
                }
                clean++;
                withShapes += g.shapes().isEmpty() ? 0 : 1;
                if (linux.judge(g.object(), g.program()) != Judge.Verdict.ACCEPTED) {
                    refused.add("seed " + seed + " " + g.shapes() + ":\n" + Disassembler.listing(g.program().program()));
                }
            }
        }
        assertEquals(List.of(), refused, "programs with nothing planted that Linux refused");
        assertTrue(withShapes > 50, withShapes + " of them hold a shape");
    }
}
