package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.isa.random.GeneratedObject;
import dev.warden.isa.random.PointerProgramGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The witness search confirms real faults at their pc and finds none where there is none. */
class LinuxWitnessReplayerTest {
    final LinuxWitnessReplayer replayer = LinuxWitnessReplayer.defaults();

    static BpfProgram program(String asm) throws Exception {
        return new BpfProgram("p", "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
    }

    @Test
    void anUncheckedPacketReadIsConfirmedWithAnEmptyPacket() throws Exception {
        BpfProgram p = program("r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 0)\nexit\n");
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(), "");
        Optional<String> w = replayer.findFault(o, p, "xdp", 1);
        assertTrue(w.orElseThrow().startsWith("packet of 0 bytes"), w.toString());
        assertTrue(w.get().contains("OUT_OF_BOUNDS"), w.toString());
        assertEquals(Optional.empty(), replayer.findFault(o, p, "xdp", 0)); // nothing faults at pc 0
    }

    @Test
    void anOffByOneCheckNeedsThePacketLengthJustBelowTheAccess() throws Exception {
        BpfProgram p = program("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 33
                if r4 > r3 goto out
                r0 = *(u16 *)(r2 + 32)
                out:
                r0 = 2
                exit
                """);
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(), "");
        assertTrue(replayer.findFault(o, p, "xdp", 5).orElseThrow().startsWith("packet of 33 bytes"));
    }

    @Test
    void theExampleCounterIsSafeSoNoWitnessIsFound() throws Exception {
        BpfObject o = ElfReader.read(Path.of("..", "examples", "xdp_counter.o"));
        BpfProgram p = o.programs().getFirst();
        for (int pc : new int[] {6, 20, 26}) {
            assertEquals(Optional.empty(), replayer.findFault(o, p, "xdp", pc));
        }
    }

    @Test
    void mostPlantedFlawsAreConfirmedAtTheirPc() {
        PointerProgramGenerator gen = PointerProgramGenerator.defaults();
        int flaws = 0;
        int confirmed = 0;
        for (long seed = 0; flaws < 60; seed++) {
            GeneratedObject g = gen.generate(seed);
            for (GeneratedObject.Planted planted : g.planted()) {
                if (planted.hazard().unsafe()) {
                    flaws++;
                    confirmed += replayer.findFault(g.object(), g.program(), "xdp", planted.pc()).isPresent() ? 1 : 0;
                }
            }
        }
        assertTrue(confirmed > flaws * 0.6, confirmed + " of " + flaws + " planted flaws confirmed");
    }
}
