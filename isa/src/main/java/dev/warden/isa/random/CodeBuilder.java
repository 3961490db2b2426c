package dev.warden.isa.random;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Operand;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits instructions with forward and backward jumps to labels, resolved to slot offsets at the
 * end; call sites read like assembly ({@code add(R1, 4)}, {@code jump(JGT, R1, R8, skip)}).
 * Marks name an instruction so that its pc can be reported after resolution.
 */
final class CodeBuilder {
    private sealed interface Item {}

    private record Fixed(Instruction insn) implements Item {}

    private record JumpTo(Width width, JmpCond cond, Reg dst, Operand src, int label) implements Item {}

    private record GotoLabel(int label) implements Item {}

    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, Integer> labelItem = new HashMap<>();
    private int labels;

    int newLabel() {
        return labels++;
    }

    void bind(int label) {
        if (labelItem.put(label, items.size()) != null) {
            throw new IllegalStateException("label " + label + " bound twice");
        }
    }

    /** The index the next instruction will have; {@link #pcOf} turns it into a pc. */
    int mark() {
        return items.size();
    }

    void emit(Instruction insn) {
        items.add(new Fixed(insn));
    }

    void jump(Width width, JmpCond cond, Reg dst, Operand src, int label) {
        items.add(new JumpTo(width, cond, dst, src, label));
    }

    void jump(JmpCond cond, Reg dst, Operand src, int label) {
        jump(Width.W64, cond, dst, src, label);
    }

    void jumpTo(int label) {
        items.add(new GotoLabel(label));
    }

    // ---- shorthand, as the instructions read in assembly

    void mov(Reg dst, int imm) {
        emit(new Instruction.Alu(Width.W64, AluOp.MOV, dst, new Imm(imm)));
    }

    void mov(Reg dst, Reg src) {
        emit(new Instruction.Alu(Width.W64, AluOp.MOV, dst, src));
    }

    void alu(AluOp op, Reg dst, int imm) {
        emit(new Instruction.Alu(Width.W64, op, dst, new Imm(imm)));
    }

    void alu(AluOp op, Reg dst, Reg src) {
        emit(new Instruction.Alu(Width.W64, op, dst, src));
    }

    void load(Size size, Reg dst, Reg src, int offset) {
        emit(new Instruction.Load(size, Instruction.Extension.ZERO, dst, src, offset));
    }

    void store(Size size, Reg dst, int offset, int imm) {
        emit(new Instruction.StoreImm(size, dst, offset, imm));
    }

    void store(Size size, Reg dst, int offset, Reg src) {
        emit(new Instruction.StoreReg(size, dst, src, offset));
    }

    void call(int helper) {
        emit(new Instruction.Call(Instruction.CallKind.HELPER, helper));
    }

    void loadMap(Reg dst, int mapIndex) {
        emit(new Instruction.LoadImm64(dst, Pseudo.MAP_IDX, mapIndex, 0));
    }

    void loadMapValue(Reg dst, int mapIndex, int offset) {
        emit(new Instruction.LoadImm64(dst, Pseudo.MAP_IDX_VALUE, mapIndex, offset));
    }

    /** The instructions, every label resolved. */
    List<Instruction> resolve() {
        int[] pc = pcs();
        List<Instruction> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            out.add(switch (item) {
                case Fixed f -> f.insn();
                case JumpTo j -> new Instruction.Jump(j.width(), j.cond(), j.dst(), j.src(), target(j.label(), pc) - pc[i] - 1);
                case GotoLabel g -> Instruction.Goto.of(target(g.label(), pc) - pc[i] - 1);
            });
        }
        return out;
    }

    /** The pc of the instruction at item index {@code mark}. */
    int pcOf(int mark) {
        return pcs()[mark];
    }

    private int[] pcs() {
        int[] pc = new int[items.size() + 1];
        for (int i = 0; i < items.size(); i++) {
            pc[i + 1] = pc[i] + (items.get(i) instanceof Fixed f ? f.insn().slots() : 1);
        }
        return pc;
    }

    private int target(int label, int[] pc) {
        Integer item = labelItem.get(label);
        if (item == null) {
            throw new IllegalStateException("label " + label + " never bound");
        }
        return pc[item];
    }
}
