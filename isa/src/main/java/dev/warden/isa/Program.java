package dev.warden.isa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sequence of instructions whose control flow stays inside it: every jump and local call
 * lands on the first slot of an instruction. Instructions are addressed by <em>pc</em>, the
 * slot index the kernel and {@code llvm-objdump} use (a 64-bit immediate load takes two).
 */
public final class Program {
    private final List<Instruction> instructions;
    private final int[] pcs;
    /** Instruction index at each pc, or -1 for the second slot of a 64-bit load. */
    private final int[] indexAtPc;

    private Program(List<Instruction> instructions) {
        this.instructions = List.copyOf(instructions);
        this.pcs = new int[this.instructions.size()];
        int pc = 0;
        for (int i = 0; i < pcs.length; i++) {
            pcs[i] = pc;
            pc += this.instructions.get(i).slots();
        }
        this.indexAtPc = new int[pc];
        Arrays.fill(indexAtPc, -1);
        for (int i = 0; i < pcs.length; i++) {
            indexAtPc[pcs[i]] = i;
        }
    }

    /**
     * Makes a program, checking that it is not empty and that every jump and local call targets
     * an instruction of it.
     */
    public static Program of(List<Instruction> instructions) throws InvalidProgramException {
        Program p = new Program(instructions);
        List<IsaError> errors = p.controlFlowErrors();
        if (!errors.isEmpty()) {
            throw new InvalidProgramException(errors);
        }
        return p;
    }

    public static Program of(Instruction... instructions) throws InvalidProgramException {
        return of(List.of(instructions));
    }

    public List<Instruction> instructions() {
        return instructions;
    }

    /** Number of instructions. */
    public int size() {
        return instructions.size();
    }

    /** Number of 8-byte slots, i.e. the encoded length divided by 8. */
    public int slotCount() {
        return indexAtPc.length;
    }

    public Instruction get(int index) {
        return instructions.get(index);
    }

    /** The pc (slot index) of the instruction at {@code index}. */
    public int pcOf(int index) {
        return pcs[index];
    }

    /** The instruction index at {@code pc}, or -1 if {@code pc} is not the start of an instruction. */
    public int indexAt(int pc) {
        return pc >= 0 && pc < indexAtPc.length ? indexAtPc[pc] : -1;
    }

    /** The instruction starting at {@code pc}. */
    public Instruction at(int pc) {
        int i = indexAt(pc);
        if (i < 0) {
            throw new IllegalArgumentException("no instruction starts at pc " + pc);
        }
        return instructions.get(i);
    }

    /** Whether the instruction names a pc: a conditional jump, a goto or a local call. */
    public static boolean hasTarget(Instruction insn) {
        return switch (insn) {
            case Instruction.Jump j -> true;
            case Instruction.Goto g -> true;
            case Instruction.Call c -> c.kind() == Instruction.CallKind.LOCAL;
            default -> false;
        };
    }

    /** The pc that the jump, goto or local call at {@code pc} transfers to (see {@link #hasTarget}). */
    public static int targetOf(int pc, Instruction insn) {
        return switch (insn) {
            case Instruction.Jump j -> pc + 1 + j.offset();
            case Instruction.Goto g -> pc + 1 + g.offset();
            case Instruction.Call c when c.kind() == Instruction.CallKind.LOCAL -> pc + 1 + c.imm();
            default -> throw new IllegalArgumentException(insn + " has no target");
        };
    }

    /** The encoded bytes, little-endian. */
    public byte[] encode() {
        return Encoder.encode(instructions);
    }

    private List<IsaError> controlFlowErrors() {
        List<IsaError> errors = new ArrayList<>();
        if (instructions.isEmpty()) {
            errors.add(new IsaError(0, "length", 0, "the program has no instructions"));
        }
        for (int i = 0; i < instructions.size(); i++) {
            Instruction insn = instructions.get(i);
            if (!hasTarget(insn)) {
                continue;
            }
            long offset = switch (insn) {
                case Instruction.Goto g -> g.offset();
                case Instruction.Call c -> c.imm();
                case Instruction.Jump j -> j.offset();
                default -> throw new AssertionError();
            };
            String field = insn instanceof Instruction.Call
                    || (insn instanceof Instruction.Goto g && g.form() == Instruction.GotoForm.LONG) ? "imm" : "offset";
            // long: a 32-bit goto or call offset near the int limits must not wrap.
            long target = (long) pcs[i] + 1 + offset;
            if (target < 0 || target >= indexAtPc.length) {
                errors.add(new IsaError(pcs[i], field, offset,
                        "target pc " + target + " is outside the program (0.." + (indexAtPc.length - 1) + ")"));
            } else if (indexAtPc[(int) target] < 0) {
                errors.add(new IsaError(pcs[i], field, offset,
                        "target pc " + target + " is the second half of a 64-bit immediate load"));
            }
        }
        return errors;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Program p && p.instructions.equals(instructions);
    }

    @Override
    public int hashCode() {
        return instructions.hashCode();
    }

    @Override
    public String toString() {
        return "Program" + instructions;
    }
}
