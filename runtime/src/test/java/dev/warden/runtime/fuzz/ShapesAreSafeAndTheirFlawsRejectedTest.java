package dev.warden.runtime.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.random.GeneratedObject;
import dev.warden.isa.random.Hazard;
import dev.warden.isa.random.PointerProgramGenerator;
import dev.warden.isa.random.PointerProgramGenerator.Intent;
import dev.warden.isa.random.Shape;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxInput;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.MapsBefore;
import dev.warden.runtime.linux.RandomInputs;
import dev.warden.verifier.SmtBudget;
import dev.warden.vm.ExecResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each {@link Shape} of the pointer generator alone (its minimal instance,
 * {@link PointerProgramGenerator#generateShape}): the safe forms never fault in the checking
 * interpreter and Warden accepts them; every flawed form
 * is rejected, and each of the shape's flaws faults at its planted pc on some input, so the flaws
 * are real.
 */
class ShapesAreSafeAndTheirFlawsRejectedTest {
    private static final PointerProgramGenerator GENERATOR = PointerProgramGenerator.defaults();
    private static final Judge WARDEN = Judge.wardenVerifier("xdp", SmtBudget.OFF);
    private static final int SEEDS = 60;
    private static final int RUNS = 64;

    @ParameterizedTest
    @EnumSource(Shape.class)
    void safeFormsNeverFaultAndWardenAcceptsThem(Shape shape) {
        List<String> refused = new ArrayList<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            GeneratedObject g = GENERATOR.generateShape(shape, Intent.SAFE, seed);
            assertEquals(List.of(shape), g.shapes());
            assertTrue(g.planted().stream().noneMatch(p -> p.hazard().unsafe()), g.planted().toString());
            Optional<Fault> fault = firstFault(g);
            assertTrue(fault.isEmpty(), () -> "safe " + shape + " faulted: " + fault.get().described());
            if (WARDEN.judge(g.object(), g.program()) == Judge.Verdict.REJECTED) {
                refused.add("seed " + seed + ":\n" + Disassembler.listing(g.program().program()));
            }
        }
        assertEquals(List.of(), refused, "safe forms of " + shape + " Warden rejects");
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void everyFlawIsRejectedAndFaultsAtItsPc(Shape shape) {
        Set<Hazard> planted = EnumSet.noneOf(Hazard.class);
        Set<Hazard> faulted = EnumSet.noneOf(Hazard.class);
        for (long seed = 0; seed < SEEDS; seed++) {
            GeneratedObject g = GENERATOR.generateShape(shape, Intent.FLAWED, seed);
            List<GeneratedObject.Planted> unsafe = g.planted().stream().filter(p -> p.hazard().unsafe()).toList();
            assertEquals(1, unsafe.size(), () -> "one flaw in " + g.planted());
            Hazard h = unsafe.getFirst().hazard();
            planted.add(h);
            assertEquals(Judge.Verdict.REJECTED, WARDEN.judge(g.object(), g.program()),
                    () -> "accepted " + h + " (seed " + g.seed() + "):\n" + Disassembler.listing(g.program().program()));
            Optional<Fault> fault = firstFault(g);
            if (fault.isPresent()) {
                assertEquals(unsafe.getFirst().pc(), fault.get().pc(), () -> h + " faulted elsewhere (seed " + g.seed()
                        + "): " + fault.get().described());
                faulted.add(h);
            }
        }
        assertEquals(shape.flaws(), planted, shape + ": its flaws vs the flaws planted");
        assertEquals(planted, faulted, shape + ": flaws planted vs flaws that faulted somewhere");
    }

    /** A fault of a run and what it ran on. */
    private record Fault(int pc, String described) {}

    /** The first fault in {@link #RUNS} runs on the fuzzer's inputs for {@code g}'s seed, if any. */
    private static Optional<Fault> firstFault(GeneratedObject g) {
        RandomInputs inputs = new RandomInputs(g.seed(), g.object().maps());
        try (LinuxEnvironment env = LinuxEnvironment.load(g.object(), g.program(), LinuxProgramType.XDP)) {
            for (int r = 0; r < RUNS; r++) {
                LinuxInput in = inputs.next();
                if (env.run(in, MapsBefore.FROM_INPUT) instanceof ExecResult.Faulted f) {
                    return Optional.of(new Fault(f.fault().pc(), f.fault() + " on " + in.describe(env.mapNames()) + "\n"
                            + Disassembler.listing(g.program().program())));
                }
                inputs.learn(env.missedKeys());
            }
        }
        return Optional.empty();
    }
}
