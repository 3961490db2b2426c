package dev.warden.jit;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.List;

/** The shapes an adversarial review used against the JIT (issue 12), rebuilt at any size. */
final class AdversarialPrograms {
    private AdversarialPrograms() {}

    /**
     * {@code functions} two-instruction functions, each calling the next: {@code call +1; exit},
     * then a final {@code exit}: 2 × functions + 1 instructions (6,000 gave the 12,001 that ran a
     * 512 MB heap out).
     */
    static Program callChain(int functions) {
        List<Instruction> code = new ArrayList<>();
        for (int i = 0; i < functions; i++) {
            code.add(new Instruction.Call(Instruction.CallKind.LOCAL, 1));
            code.add(new Instruction.Exit());
        }
        code.add(new Instruction.Exit());
        return Jit.program(code.toArray(Instruction[]::new));
    }

    /**
     * pc 0's function calls {@code functions} stubs in turn, each stub a {@code goto} into one
     * shared body of {@code body} additions to r0 and an {@code exit}: 2 × functions + body + 2
     * instructions (2,000 functions and an empty body gave the 4,002 that filled the constant
     * pool). Returns {@code functions × body}: a callee starts with its caller's r0.
     */
    static Program sharedBody(int functions, int body) {
        List<Instruction> code = new ArrayList<>();
        for (int i = 0; i < functions; i++) {
            code.add(new Instruction.Call(Instruction.CallKind.LOCAL, functions)); // pc i -> stub at functions + 1 + i
        }
        code.add(new Instruction.Exit()); // pc functions
        for (int i = 0; i < functions; i++) {
            code.add(Instruction.Goto.of(functions - 1 - i)); // stub -> body at 2 * functions + 1
        }
        for (int i = 0; i < body; i++) {
            code.add(new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(1)));
        }
        code.add(new Instruction.Exit());
        return Jit.program(code.toArray(Instruction[]::new));
    }
}
