package dev.warden.verifier.check;

import dev.warden.isa.Instruction;
import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.LineInfo;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.state.AbstractState;
import java.util.Optional;

/**
 * The verifier log, in the spirit of the kernel's: at level 2 every instruction with the state
 * before it, at level 1 only branches and violations; the source line is printed when it changes.
 */
public final class Log {
    private final int level;
    private final BpfProgram program;
    private final StringBuilder out = new StringBuilder();
    private int lastLine = -1;

    public Log(int level, BpfProgram program) {
        this.level = level;
        this.program = program;
    }

    public boolean enabled() {
        return level > 0;
    }

    /** The state before the instruction at {@code pc}, in the given calling context (call depth). */
    public void step(int pc, Instruction insn, AbstractState s) {
        if (level == 0 || (level == 1 && !(insn instanceof Instruction.Jump))) {
            return;
        }
        source(pc);
        out.append(String.format("%d: %s", pc, Disassembler.format(pc, insn)));
        if (s.depth() > 0) {
            out.append("   [frame ").append(s.depth()).append(']');
        }
        out.append("\n      ; ").append(s).append('\n');
    }

    private void source(int pc) {
        Optional<LineInfo> l = Collector.nearest(program, pc);
        if (l.isPresent() && l.get().pc() != lastLine) {
            lastLine = l.get().pc();
            out.append("; ").append(l.get().source().strip()).append(" @ ").append(Collector.shortName(l.get().file()))
                    .append(':').append(l.get().line()).append('\n');
        }
    }

    void violation(int pc, ObligationKind kind, String message) {
        if (level > 0) {
            out.append("!! ").append(pc).append(": ").append(kind.key()).append(": ").append(message).append('\n');
        }
    }

    public void note(String line) {
        if (level > 0) {
            out.append(line).append('\n');
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
