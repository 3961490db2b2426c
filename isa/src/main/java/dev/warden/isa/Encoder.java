package dev.warden.isa;

import static dev.warden.isa.Opcodes.*;

import java.util.List;

/** Encodes instructions into their RFC 9669 bytes; the exact inverse of {@link Decoder}. */
public final class Encoder {
    private Encoder() {}

    public static byte[] encode(List<Instruction> instructions) {
        int slots = 0;
        for (Instruction insn : instructions) {
            slots += insn.slots();
        }
        byte[] out = new byte[slots * Slot.BYTES];
        int at = 0;
        for (Instruction insn : instructions) {
            for (Slot s : slots(insn)) {
                s.write(out, at);
                at += Slot.BYTES;
            }
        }
        return out;
    }

    /** The one or two raw slots of an instruction. */
    public static Slot[] slots(Instruction insn) {
        return switch (insn) {
            case Instruction.Alu a -> {
                int cls = a.width() == Width.W64 ? ALU64 : ALU;
                yield switch (a.src()) {
                    case Reg r -> one(cls | SRC_X | a.op().code(), a.dst().number(), r.number(), a.op().offset(), 0);
                    case Imm i -> one(cls | a.op().code(), a.dst().number(), 0, a.op().offset(), i.value());
                };
            }
            case Instruction.Endian e -> switch (e.order()) {
                case TO_LE -> one(ALU | END, e.dst().number(), 0, 0, e.bits());
                case TO_BE -> one(ALU | SRC_X | END, e.dst().number(), 0, 0, e.bits());
                case SWAP -> one(ALU64 | END, e.dst().number(), 0, 0, e.bits());
            };
            case Instruction.Jump j -> {
                int cls = j.width() == Width.W64 ? JMP : JMP32;
                yield switch (j.src()) {
                    case Reg r -> one(cls | SRC_X | j.cond().code(), j.dst().number(), r.number(), j.offset(), 0);
                    case Imm i -> one(cls | j.cond().code(), j.dst().number(), 0, j.offset(), i.value());
                };
            }
            case Instruction.Goto g -> switch (g.form()) {
                case SHORT -> one(JMP | JA, 0, 0, g.offset(), 0);
                case LONG -> one(JMP32 | JA, 0, 0, 0, g.offset());
            };
            case Instruction.Call c -> one(JMP | CALL, 0, c.kind().code(), 0, c.imm());
            case Instruction.CallX c -> one(JMP | SRC_X | CALL, c.target().number(), 0, 0, 0);
            case Instruction.Exit x -> one(JMP | EXIT, 0, 0, 0, 0);
            case Instruction.LoadImm64 l -> new Slot[] {
                new Slot(LDDW, l.dst().number(), l.pseudo().code(), 0, l.imm()),
                new Slot(0, 0, 0, 0, l.nextImm())
            };
            case Instruction.Load l -> one(LDX | (l.extension() == Instruction.Extension.SIGN ? MODE_MEMSX : MODE_MEM)
                    | l.size().code(), l.dst().number(), l.src().number(), l.offset(), 0);
            case Instruction.StoreImm s -> one(ST | MODE_MEM | s.size().code(), s.dst().number(), 0, s.offset(), s.imm());
            case Instruction.StoreReg s -> one(STX | MODE_MEM | s.size().code(), s.dst().number(), s.src().number(), s.offset(), 0);
            case Instruction.Atomic a -> one(STX | MODE_ATOMIC | a.size().code(), a.dst().number(), a.src().number(),
                    a.offset(), a.imm());
            case Instruction.PacketLoad p -> one(LD | (p.mode() == Instruction.PacketMode.ABS ? MODE_ABS : MODE_IND)
                    | p.size().code(), 0, p.src().number(), 0, p.imm());
        };
    }

    private static Slot[] one(int opcode, int dst, int src, int offset, int imm) {
        return new Slot[] {new Slot(opcode, dst, src, offset, imm)};
    }
}
