package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.random.GeneratedObject;
import dev.warden.isa.random.Hazard;
import dev.warden.isa.random.PointerProgramGenerator;
import dev.warden.vm.ExecResult;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The pointer generator's intent, checked by running: a program without a planted unsafe flaw
 * never faults, and a planted flaw, when it faults, faults at its planted pc. About half the
 * programs carry a flaw, and most flaws are hit by the directed inputs.
 */
class PointerProgramsFaultOnlyWhereFlawedTest {

    @Test
    void safeProgramsNeverFaultAndFlawedOnesFaultAtTheFlaw() {
        PointerProgramGenerator gen = PointerProgramGenerator.defaults();
        int programs = 1500;
        int flawed = 0;
        int flawedFaulted = 0;
        Set<Hazard> faultedKinds = EnumSet.noneOf(Hazard.class);
        for (long seed = 0; seed < programs; seed++) {
            GeneratedObject g = gen.generate(seed);
            Set<Integer> flawPcs = new TreeSet<>();
            g.planted().stream().filter(p -> p.hazard().unsafe()).forEach(p -> flawPcs.add(p.pc()));
            flawed += flawPcs.isEmpty() ? 0 : 1;
            RandomInputs inputs = new RandomInputs(seed, g.object().maps());
            try (LinuxEnvironment env = LinuxEnvironment.load(g.object(), g.program(), LinuxProgramType.XDP)) {
                for (int r = 0; r < 48; r++) {
                    LinuxInput in = inputs.next();
                    ExecResult res = env.run(in, MapsBefore.FROM_INPUT);
                    inputs.learn(env.missedKeys());
                    if (res instanceof ExecResult.Faulted f) {
                        String why = "seed " + seed + " " + g.planted() + " " + f.fault() + "\n" + in.describe(env.mapNames())
                                + "\n" + Disassembler.listing(g.program().program());
                        assertTrue(flawPcs.contains(f.fault().pc()), why);
                        flawedFaulted++;
                        g.planted().stream().filter(p -> p.pc() == f.fault().pc()).forEach(p -> faultedKinds.add(p.hazard()));
                        break;
                    }
                }
            }
        }
        double share = flawed / (double) programs;
        assertTrue(share > 0.35 && share < 0.65, "flawed share " + share);
        assertTrue(flawedFaulted > flawed * 0.6, flawedFaulted + " of " + flawed + " flawed programs faulted");
        // Every kind of unsafe flaw is really unsafe: some program carrying it faults at it.
        Set<Hazard> unsafeKinds = EnumSet.noneOf(Hazard.class);
        for (Hazard h : Hazard.values()) {
            if (h.unsafe()) {
                unsafeKinds.add(h);
            }
        }
        assertEquals(unsafeKinds, faultedKinds, "kinds of unsafe flaw that faulted somewhere");
    }

    @Test
    void theSameSeedMakesTheSameProgram() {
        PointerProgramGenerator gen = PointerProgramGenerator.defaults();
        for (long seed = 0; seed < 50; seed++) {
            assertEquals(gen.generate(seed), gen.generate(seed));
        }
    }
}
