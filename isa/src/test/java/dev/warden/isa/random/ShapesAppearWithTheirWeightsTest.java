package dev.warden.isa.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generator's {@link Shape}s come with their stated weight (one piece in
 * {@value PointerProgramGenerator#SHAPE_ONE_IN}, the five shapes about evenly, the two with their
 * own loop only outside loops): a minority of the pieces, but each shape in about one program in
 * six, so a 20,000-program run makes thousands of each, and every flaw of every shape is planted.
 */
class ShapesAppearWithTheirWeightsTest {
    private static final int PROGRAMS = 5_000;

    @Test
    void eachShapeIsCommonButAMinorityAndEveryFlawIsPlanted() {
        PointerProgramGenerator gen = PointerProgramGenerator.defaults();
        Map<Shape, Integer> programsWith = new EnumMap<>(Shape.class);
        Map<Hazard, Integer> flawed = new EnumMap<>(Hazard.class);
        long occurrences = 0;
        for (long seed = 0; seed < PROGRAMS; seed++) {
            GeneratedObject g = gen.generate(seed);
            occurrences += g.shapes().size();
            Set<Shape> held = EnumSet.noneOf(Shape.class);
            held.addAll(g.shapes());
            held.forEach(s -> programsWith.merge(s, 1, Integer::sum));
            g.planted().forEach(p -> flawed.merge(p.hazard(), 1, Integer::sum));
        }
        double perProgram = occurrences / (double) PROGRAMS;
        // Eight top-level pieces and their nested ones, one in ten a shape: about one a program.
        assertTrue(perProgram > 0.8 && perProgram < 1.6, "shapes per program " + perProgram);
        for (Shape s : Shape.values()) {
            double share = programsWith.getOrDefault(s, 0) / (double) PROGRAMS;
            assertTrue(share > 0.10 && share < 0.30, s + " in " + share + " of the programs");
            for (Hazard h : s.flaws()) {
                assertTrue(flawed.getOrDefault(h, 0) >= 10, h + " planted in " + flawed.get(h) + " programs");
            }
        }
    }

    @Test
    void aShapeAloneIsTheSameForTheSameSeedAndHoldsOnlyThatShape() {
        PointerProgramGenerator gen = PointerProgramGenerator.defaults();
        for (Shape s : Shape.values()) {
            for (PointerProgramGenerator.Intent intent : PointerProgramGenerator.Intent.values()) {
                for (long seed = 0; seed < 20; seed++) {
                    GeneratedObject g = gen.generateShape(s, intent, seed);
                    assertEquals(g, gen.generateShape(s, intent, seed));
                    assertEquals(java.util.List.of(s), g.shapes());
                    long unsafe = g.planted().stream().filter(p -> p.hazard().unsafe()).count();
                    assertEquals(intent == PointerProgramGenerator.Intent.FLAWED ? 1 : 0, unsafe, g.planted().toString());
                    g.planted().stream().filter(p -> p.hazard().unsafe())
                            .forEach(p -> assertTrue(s.flaws().contains(p.hazard()), p + " is not one of " + s + "'s flaws"));
                }
            }
        }
    }
}
