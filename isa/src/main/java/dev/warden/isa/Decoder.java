package dev.warden.isa;

import static dev.warden.isa.Opcodes.*;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes eBPF bytecode with strict validation: an unknown opcode, a field that must be zero
 * but is not, a register beyond r10, a truncated 64-bit load, or a jump outside the program is
 * an {@link IsaError} located by instruction index and field. All errors are collected.
 */
public final class Decoder {
    private Decoder() {}

    public static Program decode(byte[] code) throws InvalidProgramException {
        List<IsaError> errors = new ArrayList<>();
        if (code.length % Slot.BYTES != 0) {
            errors.add(new IsaError(code.length / Slot.BYTES, "length", code.length,
                    "the program's length is not a multiple of 8 bytes"));
        }
        int slots = code.length / Slot.BYTES;
        List<Instruction> instructions = new ArrayList<>();
        int pc = 0;
        while (pc < slots) {
            Slot s = Slot.read(code, pc * Slot.BYTES);
            if (s.opcode() == LDDW) {
                if (pc + 1 >= slots) {
                    errors.add(new IsaError(pc, "opcode", s.opcode(),
                            "64-bit immediate load is truncated: its second slot is missing"));
                    break;
                }
                Instruction insn = decodeLoadImm64(pc, s, Slot.read(code, (pc + 1) * Slot.BYTES), errors);
                if (insn != null) {
                    instructions.add(insn);
                }
                pc += 2;
                continue;
            }
            Instruction insn = decodeOne(pc, s, errors);
            if (insn != null) {
                instructions.add(insn);
            }
            pc++;
        }
        if (!errors.isEmpty()) {
            throw new InvalidProgramException(errors);
        }
        return Program.of(instructions);
    }

    /**
     * Decodes one single-slot instruction, or returns null after adding its errors. The 64-bit
     * immediate load is rejected here since it needs two slots.
     */
    static Instruction decodeOne(int pc, Slot s, List<IsaError> errors) {
        Checker c = new Checker(pc, errors);
        int op = s.opcode();
        Instruction insn = switch (op & CLASS_MASK) {
            case ALU, ALU64 -> decodeAlu(c, s);
            case JMP, JMP32 -> decodeJump(c, s);
            case LD -> decodeLd(c, s);
            case LDX -> decodeLdx(c, s);
            case ST -> decodeSt(c, s);
            case STX -> decodeStx(c, s);
            default -> throw new AssertionError("3-bit class");
        };
        return c.failed() ? null : insn;
    }

    private static Instruction decodeAlu(Checker c, Slot s) {
        Width width = (s.opcode() & CLASS_MASK) == ALU64 ? Width.W64 : Width.W32;
        int code = s.opcode() & OP_MASK;
        boolean regSource = (s.opcode() & SRC_X) != 0;
        Reg dst = c.register("dst", s.dst());
        if (code == END) {
            c.zero("src", s.src());
            c.zero("offset", s.offset());
            if (width == Width.W64 && regSource) {
                return c.fail("opcode", s.opcode(), "unknown opcode (bswap has no register form)");
            }
            if (s.imm() != 16 && s.imm() != 32 && s.imm() != 64) {
                return c.fail("imm", s.imm(), "byte swap width must be 16, 32 or 64");
            }
            Instruction.ByteOrder order = width == Width.W64 ? Instruction.ByteOrder.SWAP
                    : regSource ? Instruction.ByteOrder.TO_BE : Instruction.ByteOrder.TO_LE;
            return c.failed() ? null : new Instruction.Endian(order, s.imm(), dst);
        }
        if (!AluOp.knownCode(code)) {
            return c.fail("opcode", s.opcode(), "unknown opcode");
        }
        AluOp aluOp = AluOp.decode(code, s.offset());
        // Only MOV with a register source takes the sign-extension offsets; DIV/MOD take 0 or 1.
        if (aluOp == null || (aluOp.isSignExtendingMove() && !regSource) || !aluOp.validAt(width)) {
            return c.fail("offset", s.offset(), "must be zero for this operation"
                    + (code == 0x30 || code == 0x90 ? " (or 1 for the signed form)" : code == 0xb0 && regSource
                    ? (width == Width.W64 ? " (or 8, 16, 32 for movsx)" : " (or 8, 16 for movsx)") : ""));
        }
        if (aluOp == AluOp.NEG) {
            if (regSource) {
                return c.fail("opcode", s.opcode(), "unknown opcode (neg has no register form)");
            }
            c.zero("src", s.src());
            c.zero("imm", s.imm());
            return c.failed() ? null : new Instruction.Alu(width, aluOp, dst, new Imm(0));
        }
        Operand src;
        if (regSource) {
            c.zero("imm", s.imm());
            src = c.register("src", s.src());
        } else {
            c.zero("src", s.src());
            src = new Imm(s.imm());
        }
        return c.failed() ? null : new Instruction.Alu(width, aluOp, dst, src);
    }

    private static Instruction decodeJump(Checker c, Slot s) {
        boolean wide = (s.opcode() & CLASS_MASK) == JMP;
        int code = s.opcode() & OP_MASK;
        boolean regSource = (s.opcode() & SRC_X) != 0;
        switch (code) {
            case JA -> {
                if (regSource) {
                    return c.fail("opcode", s.opcode(), "unknown opcode (goto has no register form)");
                }
                c.zero("dst", s.dst());
                c.zero("src", s.src());
                if (wide) {
                    c.zero("imm", s.imm());
                    return c.failed() ? null : new Instruction.Goto(s.offset(), Instruction.GotoForm.SHORT);
                }
                c.zero("offset", s.offset());
                return c.failed() ? null : new Instruction.Goto(s.imm(), Instruction.GotoForm.LONG);
            }
            case CALL -> {
                if (!wide) {
                    return c.fail("opcode", s.opcode(), "unknown opcode (call exists only in the JMP class)");
                }
                c.zero("offset", s.offset());
                if (regSource) {
                    // callx keeps its register in the dst field, as LLVM encodes it.
                    c.zero("src", s.src());
                    c.zero("imm", s.imm());
                    Reg target = c.register("dst", s.dst());
                    return c.failed() ? null : new Instruction.CallX(target);
                }
                c.zero("dst", s.dst());
                Instruction.CallKind kind = switch (s.src()) {
                    case 0 -> Instruction.CallKind.HELPER;
                    case 1 -> Instruction.CallKind.LOCAL;
                    case 2 -> Instruction.CallKind.KFUNC;
                    default -> null;
                };
                if (kind == null) {
                    return c.fail("src", s.src(), "call source must be 0 (helper), 1 (local) or 2 (kfunc)");
                }
                return c.failed() ? null : new Instruction.Call(kind, s.imm());
            }
            case EXIT -> {
                if (!wide || regSource) {
                    return c.fail("opcode", s.opcode(), "unknown opcode (exit is 0x95)");
                }
                c.zero("dst", s.dst());
                c.zero("src", s.src());
                c.zero("offset", s.offset());
                c.zero("imm", s.imm());
                return c.failed() ? null : new Instruction.Exit();
            }
            default -> {
                JmpCond cond = JmpCond.decode(code);
                if (cond == null) {
                    return c.fail("opcode", s.opcode(), "unknown opcode");
                }
                Reg dst = c.register("dst", s.dst());
                Operand src;
                if (regSource) {
                    c.zero("imm", s.imm());
                    src = c.register("src", s.src());
                } else {
                    c.zero("src", s.src());
                    src = new Imm(s.imm());
                }
                return c.failed() ? null : new Instruction.Jump(wide ? Width.W64 : Width.W32, cond, dst, src, s.offset());
            }
        }
    }

    private static Instruction decodeLd(Checker c, Slot s) {
        int mode = s.opcode() & MODE_MASK;
        Size size = Size.fromCode(s.opcode() & SIZE_MASK);
        if ((mode != MODE_ABS && mode != MODE_IND) || size == Size.DW) {
            return c.fail("opcode", s.opcode(), "unknown opcode");
        }
        c.zero("dst", s.dst());
        c.zero("offset", s.offset());
        Reg src = Reg.R0;
        if (mode == MODE_ABS) {
            c.zero("src", s.src());
        } else {
            src = c.register("src", s.src());
        }
        return c.failed() ? null : new Instruction.PacketLoad(
                mode == MODE_ABS ? Instruction.PacketMode.ABS : Instruction.PacketMode.IND, size, src, s.imm());
    }

    private static Instruction decodeLdx(Checker c, Slot s) {
        int mode = s.opcode() & MODE_MASK;
        Size size = Size.fromCode(s.opcode() & SIZE_MASK);
        if (mode != MODE_MEM && !(mode == MODE_MEMSX && size != Size.DW)) {
            return c.fail("opcode", s.opcode(), "unknown opcode");
        }
        Reg dst = c.register("dst", s.dst());
        Reg src = c.register("src", s.src());
        c.zero("imm", s.imm());
        return c.failed() ? null : new Instruction.Load(size,
                mode == MODE_MEM ? Instruction.Extension.ZERO : Instruction.Extension.SIGN, dst, src, s.offset());
    }

    private static Instruction decodeSt(Checker c, Slot s) {
        if ((s.opcode() & MODE_MASK) != MODE_MEM) {
            return c.fail("opcode", s.opcode(), "unknown opcode");
        }
        Reg dst = c.register("dst", s.dst());
        c.zero("src", s.src());
        return c.failed() ? null : new Instruction.StoreImm(Size.fromCode(s.opcode() & SIZE_MASK), dst, s.offset(), s.imm());
    }

    private static Instruction decodeStx(Checker c, Slot s) {
        int mode = s.opcode() & MODE_MASK;
        Size size = Size.fromCode(s.opcode() & SIZE_MASK);
        Reg dst = c.register("dst", s.dst());
        Reg src = c.register("src", s.src());
        if (mode == MODE_MEM) {
            c.zero("imm", s.imm());
            return c.failed() ? null : new Instruction.StoreReg(size, dst, src, s.offset());
        }
        if (mode != MODE_ATOMIC || (size != Size.W && size != Size.DW)) {
            return c.fail("opcode", s.opcode(), "unknown opcode");
        }
        AtomicOp op = AtomicOp.decode(s.imm() & ~AtomicOp.FETCH);
        boolean fetch = (s.imm() & AtomicOp.FETCH) != 0;
        if (op == null || (op.alwaysFetches() && !fetch)) {
            return c.fail("imm", s.imm(), "unknown atomic operation");
        }
        return c.failed() ? null : new Instruction.Atomic(size, op,
                fetch ? Instruction.Fetch.FETCH : Instruction.Fetch.NO_FETCH, dst, src, s.offset());
    }

    private static Instruction decodeLoadImm64(int pc, Slot first, Slot second, List<IsaError> errors) {
        Checker c = new Checker(pc, errors);
        Reg dst = c.register("dst", first.dst());
        c.zero("offset", first.offset());
        Pseudo pseudo = Pseudo.decode(first.src());
        if (pseudo == null) {
            c.fail("src", first.src(), "unknown pseudo source of a 64-bit immediate load (0 to 6)");
        }
        Checker c2 = new Checker(pc + 1, errors);
        if (second.opcode() != 0) {
            c2.fail("opcode", second.opcode(), "second slot of a 64-bit immediate load must have opcode 0");
        }
        c2.zero("dst", second.dst());
        c2.zero("src", second.src());
        c2.zero("offset", second.offset());
        if (pseudo != null && !pseudo.usesNextImm()) {
            c2.zero("imm", second.imm());
        }
        if (c.failed() || c2.failed()) {
            return null;
        }
        return new Instruction.LoadImm64(dst, pseudo, first.imm(), second.imm());
    }

    /** Records the errors of one slot. */
    private static final class Checker {
        private final int pc;
        private final List<IsaError> errors;
        private final int before;

        Checker(int pc, List<IsaError> errors) {
            this.pc = pc;
            this.errors = errors;
            this.before = errors.size();
        }

        boolean failed() {
            return errors.size() > before;
        }

        void zero(String field, int value) {
            if (value != 0) {
                errors.add(new IsaError(pc, field, value, "unused field must be zero"));
            }
        }

        Reg register(String field, int number) {
            if (number > 10) {
                errors.add(new IsaError(pc, field, number, "no such register (r0 to r10)"));
                return Reg.R0;
            }
            return Reg.of(number);
        }

        Instruction fail(String field, long value, String message) {
            errors.add(new IsaError(pc, field, value, message));
            return null;
        }
    }
}
