package dev.warden.isa.random;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import java.util.List;

/**
 * A program made by {@link PointerProgramGenerator}, packaged as an object with its maps, and
 * the flaws planted in it. A planted flaw is the generator's intent, not a verdict: a flaw in a
 * branch no input takes never faults. The checking interpreter decides.
 *
 * @param seed the seed that made it
 * @param object the object: the program and its maps
 * @param program the one program, section {@code xdp}
 * @param planted the flaws, in program order
 * @param shapes the {@link Shape}s made, in program order (a shape made twice is listed twice)
 */
public record GeneratedObject(long seed, BpfObject object, BpfProgram program, List<Planted> planted,
                              List<Shape> shapes) {
    public GeneratedObject {
        planted = List.copyOf(planted);
        shapes = List.copyOf(shapes);
    }

    /** A flaw and the pc of the instruction that faults when it is reached with a bad input. */
    public record Planted(Hazard hazard, int pc) {}

    /** Whether any planted flaw makes the program unsafe. */
    public boolean plantedUnsafe() {
        return planted.stream().anyMatch(p -> p.hazard().unsafe());
    }
}
