package dev.warden.isa.random;

import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces one instruction of a program by a sequence, keeping every jump and local call of the
 * rest pointed at the same instruction: targets after the replaced one move by the change in
 * length, and targets at it land on the first instruction of the sequence. Offsets inside the
 * sequence are its own business (they are relative, so they stay right).
 */
public final class Splice {
    private Splice() {}

    public static Program replace(Program p, int index, List<Instruction> replacement) {
        if (index < 0 || index >= p.size()) {
            throw new IllegalArgumentException("no instruction " + index);
        }
        if (replacement.isEmpty()) {
            throw new IllegalArgumentException("the replacement is empty");
        }
        int grow = 0;
        for (Instruction insn : replacement) {
            grow += insn.slots();
        }
        grow -= p.get(index).slots();
        int atPc = p.pcOf(index);
        List<Instruction> out = new ArrayList<>(p.size() + replacement.size());
        for (int i = 0; i < p.size(); i++) {
            if (i == index) {
                out.addAll(replacement);
                continue;
            }
            Instruction insn = p.get(i);
            if (Program.hasTarget(insn)) {
                int from = p.pcOf(i);
                int to = Program.targetOf(from, insn);
                int newFrom = from + (i > index ? grow : 0);
                int newTo = to + (to > atPc ? grow : 0);
                insn = withOffset(insn, newTo - newFrom - 1);
            }
            out.add(insn);
        }
        try {
            return Program.of(out);
        } catch (InvalidProgramException e) {
            throw new IllegalArgumentException("the splice broke the program's control flow", e);
        }
    }

    private static Instruction withOffset(Instruction insn, int offset) {
        return switch (insn) {
            case Instruction.Jump j -> new Instruction.Jump(j.width(), j.cond(), j.dst(), j.src(), offset);
            case Instruction.Goto g -> new Instruction.Goto(offset, g.form());
            case Instruction.Call c -> new Instruction.Call(c.kind(), offset);
            default -> throw new IllegalArgumentException(insn + " has no target");
        };
    }
}
