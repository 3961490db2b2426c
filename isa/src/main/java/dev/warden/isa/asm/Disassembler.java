package dev.warden.isa.asm;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints instructions in the LLVM/kernel syntax that {@code llvm-objdump -d} prints
 * ({@code r0 = *(u32 *)(r1 + 4)}, {@code if w1 s> 5 goto +3}, {@code lock *(u64 *)(r2 + 0) += r3}).
 * Immediates are signed decimal as LLVM prints them; jumps print their offset relative to the
 * next instruction, counted in slots. {@link Assembler} reads everything printed here back to the
 * same instruction.
 *
 * <p>Where LLVM has no syntax of its own, the kernel verifier's is used: local calls print as
 * {@code call pc+3}; 64-bit loads of pseudo sources as {@code r1 = map[fd:5] ll},
 * {@code r1 = map[fd:5][0]+8 ll} (map value), {@code map[idx:..]}, {@code btf_var[7]},
 * {@code func[pc+3]}; kernel function calls as {@code call kfunc 12}.
 */
public final class Disassembler {
    private Disassembler() {}

    /** One line per instruction of {@code p}, in program order. */
    public static List<String> format(Program p) {
        List<String> out = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
            out.add(format(p.pcOf(i), p.get(i)));
        }
        return out;
    }

    /**
     * A listing of {@code p}: one line per instruction, prefixed by its pc, with the target pc of
     * each jump and local call appended as a comment ({@code   3: goto +2 ; -> 6}).
     */
    public static String listing(Program p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.size(); i++) {
            int pc = p.pcOf(i);
            Instruction insn = p.get(i);
            sb.append(String.format("%5d: ", pc)).append(format(pc, insn));
            if (Program.hasTarget(insn)) {
                sb.append(" ; -> ").append(Program.targetOf(pc, insn));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The instruction at {@code pc}; the pc is not needed by the relative syntax but kept for annotations. */
    public static String format(int pc, Instruction insn) {
        return format(insn);
    }

    /** The instruction in LLVM/kernel syntax. */
    public static String format(Instruction insn) {
        return switch (insn) {
            case Instruction.Alu a -> alu(a);
            case Instruction.Endian e -> {
                String name = switch (e.order()) {
                    case TO_LE -> "le";
                    case TO_BE -> "be";
                    case SWAP -> "bswap";
                };
                yield e.dst() + " = " + name + e.bits() + " " + e.dst();
            }
            case Instruction.Jump j -> "if " + reg(j.width(), j.dst()) + " " + j.cond().symbol() + " "
                    + operand(j.width(), j.src()) + " goto " + relative(j.offset());
            case Instruction.Goto g -> switch (g.form()) {
                case SHORT -> "goto " + relative(g.offset());
                case LONG -> "gotol " + relative(g.offset());
            };
            case Instruction.Call c -> switch (c.kind()) {
                case HELPER -> "call " + c.imm();
                case LOCAL -> "call pc" + relative(c.imm());
                case KFUNC -> "call kfunc " + c.imm();
            };
            case Instruction.CallX c -> "callx " + c.target();
            case Instruction.Exit x -> "exit";
            case Instruction.LoadImm64 l -> l.dst() + " = " + switch (l.pseudo()) {
                case IMM64 -> Long.toString(l.value());
                case MAP_FD -> "map[fd:" + l.imm() + "]";
                case MAP_VALUE -> "map[fd:" + l.imm() + "][0]" + relative(l.nextImm());
                case BTF_ID -> "btf_var[" + l.imm() + "]";
                case FUNC -> "func[pc" + relative(l.imm()) + "]";
                case MAP_IDX -> "map[idx:" + l.imm() + "]";
                case MAP_IDX_VALUE -> "map[idx:" + l.imm() + "][0]" + relative(l.nextImm());
            } + " ll";
            case Instruction.Load l -> l.dst() + " = *(" + (l.extension() == Instruction.Extension.SIGN ? "s" : "u")
                    + l.size().bits() + " *)" + address(l.src(), l.offset());
            case Instruction.StoreImm s -> pointer(s.size(), s.dst(), s.offset()) + " = " + s.imm();
            case Instruction.StoreReg s -> pointer(s.size(), s.dst(), s.src(), s.offset());
            case Instruction.Atomic a -> atomic(a);
            case Instruction.PacketLoad p -> "r0 = *(u" + p.size().bits() + " *)skb[" + switch (p.mode()) {
                case ABS -> Integer.toString(p.imm());
                case IND -> p.imm() == 0 ? p.src().toString() : p.src() + offset(p.imm());
            } + "]";
        };
    }

    private static String alu(Instruction.Alu a) {
        Width w = a.width();
        String dst = reg(w, a.dst());
        return switch (a.op()) {
            case MOV -> dst + " = " + operand(w, a.src());
            case NEG -> dst + " = -" + dst;
            // The source of movsx is printed at the destination's width, as LLVM does.
            case MOVSX8 -> dst + " = (s8)" + operand(w, a.src());
            case MOVSX16 -> dst + " = (s16)" + operand(w, a.src());
            case MOVSX32 -> dst + " = (s32)" + operand(w, a.src());
            default -> dst + " " + compoundOperator(a.op()) + " " + operand(w, a.src());
        };
    }

    /** The compound assignment operator of a binary ALU operation ({@code +=}, {@code s>>=}). */
    static String compoundOperator(AluOp op) {
        return switch (op) {
            case ADD -> "+=";
            case SUB -> "-=";
            case MUL -> "*=";
            case DIV -> "/=";
            case SDIV -> "s/=";
            case OR -> "|=";
            case AND -> "&=";
            case LSH -> "<<=";
            case RSH -> ">>=";
            case MOD -> "%=";
            case SMOD -> "s%=";
            case XOR -> "^=";
            case ARSH -> "s>>=";
            case MOV, NEG, MOVSX8, MOVSX16, MOVSX32 -> throw new IllegalArgumentException(op + " is not compound");
        };
    }

    private static String atomic(Instruction.Atomic a) {
        Width w = a.size() == Size.DW ? Width.W64 : Width.W32;
        String src = reg(w, a.src());
        String bits = a.size() == Size.DW ? "64" : "32";
        String mem = "(u" + bits + " *)" + address(a.dst(), a.offset());
        String addr = a.dst() + offset(a.offset());
        return switch (a.op()) {
            case XCHG -> src + " = " + (w == Width.W64 ? "xchg_64(" : "xchg32_32(") + addr + ", " + src + ")";
            case CMPXCHG -> {
                String r0 = reg(w, Reg.R0);
                yield r0 + " = " + (w == Width.W64 ? "cmpxchg_64(" : "cmpxchg32_32(") + addr + ", " + r0 + ", " + src + ")";
            }
            case ADD, OR, AND, XOR -> switch (a.fetch()) {
                case NO_FETCH -> "lock *" + mem + " " + atomicOperator(a.op()) + " " + src;
                case FETCH -> src + " = atomic_fetch_" + a.op().name().toLowerCase(java.util.Locale.ROOT)
                        + "(" + mem + ", " + src + ")";
            };
        };
    }

    private static String atomicOperator(AtomicOp op) {
        return switch (op) {
            case ADD -> "+=";
            case OR -> "|=";
            case AND -> "&=";
            case XOR -> "^=";
            case XCHG, CMPXCHG -> throw new IllegalArgumentException(op + " has no compound form");
        };
    }

    private static String pointer(Size size, Reg base, int offset) {
        return "*(u" + size.bits() + " *)" + address(base, offset);
    }

    private static String pointer(Size size, Reg base, Reg src, int offset) {
        return pointer(size, base, offset) + " = " + src;
    }

    /** {@code (r1 + 4)}, {@code (r10 - 8)}; LLVM prints {@code + 0} too. */
    private static String address(Reg base, int offset) {
        return "(" + base + offset(offset) + ")";
    }

    private static String offset(int offset) {
        // long: negating Integer.MIN_VALUE as an int overflows.
        return offset < 0 ? " - " + (-(long) offset) : " + " + offset;
    }

    /** {@code +3} or {@code -3}. */
    private static String relative(int offset) {
        return offset < 0 ? Integer.toString(offset) : "+" + offset;
    }

    private static String operand(Width w, Operand o) {
        return switch (o) {
            case Reg r -> reg(w, r);
            case Imm i -> Integer.toString(i.value());
        };
    }

    /** {@code r3} for 64-bit operations, {@code w3} for 32-bit ones. */
    static String reg(Width w, Reg r) {
        return (w == Width.W64 ? "r" : "w") + r.number();
    }
}
