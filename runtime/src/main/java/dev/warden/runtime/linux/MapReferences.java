package dev.warden.runtime.linux;

import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import java.util.ArrayList;
import java.util.List;

/**
 * The loader's last step: 64-bit loads of {@code MAP_IDX} become the map's handle, and loads of
 * {@code MAP_IDX_VALUE} (global data) the address of the byte they name. Every other instruction
 * is kept, and a 64-bit load stays two slots, so jump offsets do not change. A reference to a map
 * the object does not have, or to the value of a map that has no addressable value, is left as it
 * is: the interpreter faults on it with {@code UNRESOLVED_REFERENCE} when (and if) it runs.
 */
final class MapReferences {
    private MapReferences() {}

    static Program resolve(Program program, LinuxMaps maps) {
        return sameShape(program, (pc, insn) -> insn instanceof Instruction.LoadImm64 l ? resolve(l, maps) : insn);
    }

    /** How a loader step rewrites the instruction at {@code pc}: into one of the same number of slots. */
    @FunctionalInterface
    interface Rewrite {
        Instruction at(int pc, Instruction insn);
    }

    /** {@code program} with each instruction rewritten; the rewrite keeps every instruction's size, so pcs do not move. */
    static Program sameShape(Program program, Rewrite rewrite) {
        List<Instruction> out = new ArrayList<>(program.size());
        for (int i = 0; i < program.size(); i++) {
            out.add(rewrite.at(program.pcOf(i), program.get(i)));
        }
        try {
            return Program.of(out);
        } catch (InvalidProgramException e) {
            throw new AssertionError("same slots, same control flow", e);
        }
    }

    private static Instruction resolve(Instruction.LoadImm64 l, LinuxMaps maps) {
        if (l.pseudo() == Pseudo.MAP_IDX && maps.byIndex(l.imm()).isPresent()) {
            return Instruction.LoadImm64.of(l.dst(), maps.handle(l.imm()));
        }
        if (l.pseudo() == Pseudo.MAP_IDX_VALUE && maps.byIndex(l.imm()).orElse(null) instanceof ArrayMap a) {
            return Instruction.LoadImm64.of(l.dst(), a.valueAddress(0) + l.nextImm());
        }
        return l;
    }
}
