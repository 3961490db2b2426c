package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Instruction.*;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * For random programs made of every kind of instruction, with jumps and local calls to random
 * instructions of the program, assembling the disassembler's text gives back the same program.
 */
class DisassembleThenAssembleIsIdentityTest {

    /** An instruction and, for jumps and local calls, which instruction of the program it targets. */
    record Planned(Instruction insn, int targetSelector) {}

    private static final Gen<Reg> REG = Generate.enumValues(Reg.class);
    private static final Gen<Integer> IMM = Generate.range(-16, 16).mix(integers().all(), 50);
    private static final Gen<Integer> OFFSET = Generate.range(-16, 16).mix(Generate.range(-32768, 32767), 50);
    private static final Gen<Integer> SELECTOR = integers().between(0, 1_000_000);

    private static Gen<Operand> operand() {
        return Generate.booleans().zip(REG, IMM, (isReg, r, i) -> isReg ? r : new Imm(i));
    }

    private static Gen<Instruction> alu() {
        return Generate.enumValues(Width.class).zip(Generate.enumValues(AluOp.class), REG, operand(), (w, op, dst, src) -> {
            Width width = op.validAt(w) ? w : Width.W64;
            Operand s = op == AluOp.NEG ? new Imm(0) : op.isSignExtendingMove() && src instanceof Imm ? dst : src;
            return new Alu(width, op, dst, s);
        });
    }

    private static Gen<Instruction> endian() {
        return Generate.enumValues(ByteOrder.class).zip(Generate.pick(List.of(16, 32, 64)), REG, Endian::new);
    }

    private static Gen<Instruction> memory() {
        Gen<Instruction> load = Generate.enumValues(Size.class).zip(Generate.enumValues(Extension.class), REG, REG,
                (size, ext, dst, src) -> new Load(size, size == Size.DW ? Extension.ZERO : ext, dst, src, 0))
                .zip(OFFSET, (l, off) -> new Load(((Load) l).size(), ((Load) l).extension(), ((Load) l).dst(), ((Load) l).src(), off));
        Gen<Instruction> storeImm = Generate.enumValues(Size.class).zip(REG, OFFSET, IMM, StoreImm::new);
        Gen<Instruction> storeReg = Generate.enumValues(Size.class).zip(REG, REG, OFFSET, StoreReg::new);
        Gen<Instruction> atomic = Generate.pick(List.of(Size.W, Size.DW)).zip(Generate.enumValues(AtomicOp.class),
                Generate.enumValues(Fetch.class), REG, (size, op, fetch, dst) -> new Atomic(size, op,
                        op.alwaysFetches() ? Fetch.FETCH : fetch, dst, Reg.R0, 0))
                .zip(REG, OFFSET, (a, src, off) -> {
                    Atomic x = (Atomic) a;
                    return new Atomic(x.size(), x.op(), x.fetch(), x.dst(), src, off);
                });
        Gen<Instruction> packet = Generate.enumValues(PacketMode.class).zip(Generate.pick(List.of(Size.B, Size.H, Size.W)),
                REG, IMM, (mode, size, src, imm) -> new PacketLoad(mode, size, mode == PacketMode.ABS ? Reg.R0 : src, imm));
        return Generate.oneOf(load, storeImm, storeReg, atomic, packet);
    }

    private static Gen<Instruction> wide() {
        return Generate.enumValues(Pseudo.class).zip(REG, IMM, IMM,
                (p, dst, imm, next) -> new LoadImm64(dst, p, imm, p.usesNextImm() ? next : 0));
    }

    private static Gen<Instruction> other() {
        Gen<Instruction> call = Generate.pick(List.of(CallKind.HELPER, CallKind.KFUNC)).zip(IMM, Call::new);
        return Generate.oneOf(call, REG.map(CallX::new), Generate.constant(new Exit()));
    }

    /** Instructions whose offset is chosen later, from the target selector. */
    private static Gen<Instruction> branching() {
        Gen<Instruction> jump = Generate.enumValues(Width.class).zip(Generate.enumValues(JmpCond.class), REG, operand(),
                (w, cond, dst, src) -> new Jump(w, cond, dst, src, 0));
        Gen<Instruction> go = Generate.enumValues(GotoForm.class).map(f -> new Goto(0, f));
        return Generate.oneOf(jump, go, Generate.constant(new Call(CallKind.LOCAL, 0)));
    }

    private static Gen<Planned> planned() {
        Gen<Instruction> any = Generate.oneOf(alu(), endian(), memory(), wide(), other(), branching());
        return any.zip(SELECTOR, Planned::new);
    }

    /** Places the instructions and points each jump at the instruction its selector picks. */
    static Program build(List<Planned> plan) throws Exception {
        List<Integer> pcs = new ArrayList<>();
        int pc = 0;
        for (Planned p : plan) {
            pcs.add(pc);
            pc += p.insn().slots();
        }
        List<Instruction> out = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Instruction insn = plan.get(i).insn();
            int offset = pcs.get(plan.get(i).targetSelector() % plan.size()) - (pcs.get(i) + 1);
            out.add(switch (insn) {
                case Jump j -> new Jump(j.width(), j.cond(), j.dst(), j.src(), offset);
                case Goto g -> new Goto(offset, g.form());
                case Call c when c.kind() == CallKind.LOCAL -> new Call(CallKind.LOCAL, offset);
                default -> insn;
            });
        }
        return Program.of(out);
    }

    @Test
    void assemblingTheDisassemblyGivesTheSameProgram() {
        qt().forAll(lists().of(planned()).ofSizeBetween(1, 24)).checkAssert(plan -> {
            try {
                Program p = build(plan);
                String text = String.join("\n", Disassembler.format(p));
                Program again = Assembler.assemble(text);
                assertEquals(p, again, text);
                assertArrayEquals(p.encode(), again.encode(), text);
            } catch (Exception e) {
                throw new AssertionError(e.getMessage(), e);
            }
        });
    }
}
