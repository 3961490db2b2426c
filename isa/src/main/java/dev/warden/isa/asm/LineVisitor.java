package dev.warden.isa.asm;

import dev.warden.grammar.BpfAsmBaseVisitor;
import dev.warden.grammar.BpfAsmParser.*;
import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Instruction.*;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Operand;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.Token;

/**
 * Turns the parse tree of one instruction into a {@link Draft}: everything that does not depend on
 * labels is checked here, at once; jump targets are resolved when the draft is finished, once all
 * labels are known. A wrong line throws {@link Failure}, located at the token at fault.
 */
final class LineVisitor extends BpfAsmBaseVisitor<LineVisitor.Draft> {

    /** An instruction waiting for the labels; {@code exit} marks the exit instruction. */
    record Draft(int slots, boolean exit, Finisher finish) {}

    @FunctionalInterface
    interface Finisher {
        Instruction finish(int pc, Map<String, Integer> labels);
    }

    /** A located error in one line; caught by {@link Assembler} per line. */
    static final class Failure extends RuntimeException {
        private final Diagnostic diagnostic;

        Failure(Diagnostic diagnostic) {
            super(diagnostic.toString(), null, false, false);
            this.diagnostic = diagnostic;
        }

        Diagnostic diagnostic() {
            return diagnostic;
        }
    }

    private static final BigInteger MIN_INT = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger MAX_INT = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger MAX_UINT = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
    private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_ULONG = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final Pattern LLVM_REG = Pattern.compile("([rw])(\\d{1,2})");
    private static final Pattern MNEMONIC_REG = Pattern.compile("%r(\\d{1,2})");
    private static final Pattern ALU_MNEMONIC = Pattern.compile("(add|sub|mul|div|sdiv|or|and|lsh|rsh|neg|mod|smod|xor|mov|arsh)(32|64)?");
    private static final Pattern MOVSX_MNEMONIC = Pattern.compile("movsx(8|16|32)(32|64)");
    private static final Pattern ENDIAN_MNEMONIC = Pattern.compile("(le|be|bswap|swap)(16|32|64)");
    private static final Pattern JUMP_MNEMONIC = Pattern.compile("(jeq|jgt|jge|jset|jne|jsgt|jsge|jlt|jle|jslt|jsle)(32)?");
    private static final Pattern LOAD_MNEMONIC = Pattern.compile("ldx(s?)(b|h|w|dw)");
    private static final Pattern STORE_MNEMONIC = Pattern.compile("st(x?)(b|h|w|dw)");
    private static final Pattern PACKET_MNEMONIC = Pattern.compile("ld(abs|ind)(b|h|w)");
    private static final Pattern ATOMIC_MNEMONIC = Pattern.compile("(add|and|or|xor|xchg|cmpxchg)(32|64)?");
    private static final Pattern MEMORY_TYPE = Pattern.compile("([us])(8|16|32|64)");

    private final int line;

    LineVisitor(int line) {
        this.line = line;
    }

    // ---------------------------------------------------------------- LLVM/kernel syntax

    @Override
    public Draft visitLlvmLoadImm64(LlvmLoadImm64Context c) {
        Reg dst = reg64(c.dst);
        long value = imm64(c.value);
        return wide(LoadImm64.of(dst, value));
    }

    @Override
    public Draft visitLlvmLoadPseudo(LlvmLoadPseudoContext c) {
        Reg dst = reg64(c.dst);
        String kind = c.kind.getText();
        boolean valueForm = c.add != null;
        if (valueForm && !c.zero.getText().equals("0")) {
            throw fail(c.zero, "expected [0] after the map");
        }
        int addend = valueForm ? offset32(c.add) : 0;
        Instruction insn = switch (c.pseudoArg()) {
            case PseudoKeyedContext k when kind.equals("map") -> {
                Pseudo p = switch (k.key.getText()) {
                    case "fd" -> valueForm ? Pseudo.MAP_VALUE : Pseudo.MAP_FD;
                    case "idx" -> valueForm ? Pseudo.MAP_IDX_VALUE : Pseudo.MAP_IDX;
                    default -> throw fail(k.key, "expected map[fd:N] or map[idx:N], got map[" + k.key.getText() + ":...]");
                };
                yield new LoadImm64(dst, p, imm32(k.imm()), addend);
            }
            case PseudoPlainContext p when kind.equals("btf_var") && !valueForm ->
                    new LoadImm64(dst, Pseudo.BTF_ID, imm32(p.imm()), 0);
            case PseudoRelativeContext r when kind.equals("func") && !valueForm && r.base.getText().equals("pc") ->
                    new LoadImm64(dst, Pseudo.FUNC, offset32(r.offset()), 0);
            default -> throw fail(c.kind, "unknown 64-bit load source: " + c.kind.getText()
                    + "[...] (expected map[fd:N], map[idx:N], map[..][0]+N, btf_var[N] or func[pc+N])");
        };
        return wide(insn);
    }

    @Override
    public Draft visitLlvmMov(LlvmMovContext c) {
        RegW dst = llvmReg(c.dst);
        return one(new Alu(dst.width(), AluOp.MOV, dst.reg(), operand(c.src, dst.width())));
    }

    @Override
    public Draft visitLlvmAlu(LlvmAluContext c) {
        RegW dst = llvmReg(c.dst);
        AluOp op = switch (c.op.getText()) {
            case "+=" -> AluOp.ADD;
            case "-=" -> AluOp.SUB;
            case "*=" -> AluOp.MUL;
            case "/=" -> AluOp.DIV;
            case "s/=" -> AluOp.SDIV;
            case "|=" -> AluOp.OR;
            case "&=" -> AluOp.AND;
            case "<<=" -> AluOp.LSH;
            case ">>=" -> AluOp.RSH;
            case "%=" -> AluOp.MOD;
            case "s%=" -> AluOp.SMOD;
            case "^=" -> AluOp.XOR;
            case "s>>=" -> AluOp.ARSH;
            default -> throw fail(c.op.start, "unknown operator " + c.op.getText());
        };
        return one(new Alu(dst.width(), op, dst.reg(), operand(c.src, dst.width())));
    }

    @Override
    public Draft visitLlvmNeg(LlvmNegContext c) {
        RegW dst = llvmReg(c.dst);
        RegW src = llvmReg(c.src);
        if (!src.equals(dst)) {
            throw fail(c.src, "neg negates a register in place: expected " + c.dst.getText() + " = -" + c.dst.getText());
        }
        return one(new Alu(dst.width(), AluOp.NEG, dst.reg(), new Imm(0)));
    }

    @Override
    public Draft visitLlvmMovsx(LlvmMovsxContext c) {
        RegW dst = llvmReg(c.dst);
        RegW src = llvmReg(c.src);
        requireSameWidth(c.src, dst, src);
        AluOp op = switch (c.type.getText()) {
            case "s8" -> AluOp.MOVSX8;
            case "s16" -> AluOp.MOVSX16;
            case "s32" -> AluOp.MOVSX32;
            default -> throw fail(c.type, "expected (s8), (s16) or (s32), got (" + c.type.getText() + ")");
        };
        if (!op.validAt(dst.width())) {
            throw fail(c.type, "(s32) sign extension exists only for 64-bit registers");
        }
        return one(new Alu(dst.width(), op, dst.reg(), src.reg()));
    }

    @Override
    public Draft visitLlvmEndian(LlvmEndianContext c) {
        RegW dst = llvmReg(c.dst);
        RegW src = llvmReg(c.src);
        if (dst.reg() != src.reg()) {
            throw fail(c.src, "byte swaps work in place: expected " + c.dst.getText() + " on both sides");
        }
        Matcher m = ENDIAN_MNEMONIC.matcher(c.order.getText());
        if (!m.matches() || m.group(1).equals("swap")) {
            throw fail(c.order, "expected le16/32/64, be16/32/64 or bswap16/32/64, got " + c.order.getText());
        }
        return one(endian(m.group(1), Integer.parseInt(m.group(2)), dst.reg()));
    }

    @Override
    public Draft visitLlvmLoad(LlvmLoadContext c) {
        Reg dst = llvmReg(c.dst).reg();
        MemType t = memoryType(c.type, true);
        if (t.extension() == Extension.SIGN && t.size() == Size.DW) {
            throw fail(c.type, "sign-extending loads are at most 32 bits wide (s8, s16, s32)");
        }
        Addr a = address(c.address());
        return one(new Load(t.size(), t.extension(), dst, a.base(), a.offset()));
    }

    @Override
    public Draft visitLlvmPacketLoad(LlvmPacketLoadContext c) {
        if (reg64(c.dst) != Reg.R0) {
            throw fail(c.dst, "packet loads always load into r0");
        }
        if (!c.skb.getText().equals("skb")) {
            throw fail(c.skb, "expected skb[...], got " + c.skb.getText());
        }
        MemType t = memoryType(c.type, false);
        if (t.size() == Size.DW) {
            throw fail(c.type, "packet loads are at most 32 bits wide");
        }
        Instruction insn = switch (c.packetAddress()) {
            case PacketAbsoluteContext abs -> new PacketLoad(PacketMode.ABS, t.size(), Reg.R0, imm32(abs.imm()));
            case PacketIndirectContext ind -> new PacketLoad(PacketMode.IND, t.size(), reg64(ind.base),
                    ind.offset() == null ? 0 : offset32(ind.offset()));
            default -> throw new IllegalStateException("unknown packet address form");
        };
        return one(insn);
    }

    @Override
    public Draft visitLlvmStore(LlvmStoreContext c) {
        MemType t = memoryType(c.type, false);
        Addr a = address(c.address());
        return one(switch (c.src) {
            case RegisterOperandContext r -> new StoreReg(t.size(), a.base(), llvmReg(r.IDENT().getSymbol()).reg(), a.offset());
            case ImmediateOperandContext i -> new StoreImm(t.size(), a.base(), a.offset(), imm32(i.imm()));
            default -> throw new IllegalStateException("unknown operand form");
        });
    }

    @Override
    public Draft visitLlvmAtomic(LlvmAtomicContext c) {
        Size size = atomicSize(c.type);
        Addr a = address(c.address());
        AtomicOp op = switch (c.op.getText()) {
            case "+=" -> AtomicOp.ADD;
            case "|=" -> AtomicOp.OR;
            case "&=" -> AtomicOp.AND;
            case "^=" -> AtomicOp.XOR;
            default -> throw fail(c.op.start, "atomic operations are +=, |=, &= and ^=, not " + c.op.getText());
        };
        Reg src = atomicReg(c.src, size);
        return one(new Atomic(size, op, Fetch.NO_FETCH, a.base(), src, a.offset()));
    }

    @Override
    public Draft visitLlvmAtomicFetch(LlvmAtomicFetchContext c) {
        Size size = atomicSize(c.type);
        AtomicOp op = switch (c.fn.getText()) {
            case "atomic_fetch_add" -> AtomicOp.ADD;
            case "atomic_fetch_or" -> AtomicOp.OR;
            case "atomic_fetch_and" -> AtomicOp.AND;
            case "atomic_fetch_xor" -> AtomicOp.XOR;
            default -> throw fail(c.fn, "expected atomic_fetch_add, _or, _and or _xor, got " + c.fn.getText());
        };
        Reg dst = atomicReg(c.dst, size);
        Reg src = atomicReg(c.src, size);
        if (dst != src) {
            throw fail(c.src, "the fetched value returns in the source register: expected " + c.dst.getText());
        }
        Addr a = address(c.address());
        return one(new Atomic(size, op, Fetch.FETCH, a.base(), src, a.offset()));
    }

    @Override
    public Draft visitLlvmXchg(LlvmXchgContext c) {
        Size size = switch (c.fn.getText()) {
            case "xchg_64" -> Size.DW;
            case "xchg32_32" -> Size.W;
            default -> throw fail(c.fn, "expected xchg_64 or xchg32_32, got " + c.fn.getText());
        };
        Reg dst = atomicReg(c.dst, size);
        Reg src = atomicReg(c.src, size);
        if (dst != src) {
            throw fail(c.src, "xchg returns the old value in its source register: expected " + c.dst.getText());
        }
        return one(new Atomic(size, AtomicOp.XCHG, Fetch.FETCH, reg64(c.base), src, offsetOrZero(c.offset())));
    }

    @Override
    public Draft visitLlvmCmpxchg(LlvmCmpxchgContext c) {
        Size size = switch (c.fn.getText()) {
            case "cmpxchg_64" -> Size.DW;
            case "cmpxchg32_32" -> Size.W;
            default -> throw fail(c.fn, "expected cmpxchg_64 or cmpxchg32_32, got " + c.fn.getText());
        };
        if (atomicReg(c.dst, size) != Reg.R0) {
            throw fail(c.dst, "cmpxchg returns the old value in r0");
        }
        if (atomicReg(c.expected, size) != Reg.R0) {
            throw fail(c.expected, "cmpxchg compares with r0");
        }
        Reg src = atomicReg(c.src, size);
        return one(new Atomic(size, AtomicOp.CMPXCHG, Fetch.FETCH, reg64(c.base), src, offsetOrZero(c.offset())));
    }

    @Override
    public Draft visitLlvmJump(LlvmJumpContext c) {
        RegW dst = llvmReg(c.dst);
        JmpCond cond = JmpCond.ofSymbol(c.cond.getText());
        Operand src = operand(c.src, dst.width());
        TargetRef target = target(c.target());
        return new Draft(1, false, (pc, labels) ->
                target.build(() -> new Jump(dst.width(), cond, dst.reg(), src, target.offset16(pc, labels))));
    }

    // ---------------------------------------------------------------- words: mnemonic syntax, exit, call, goto

    @Override
    public Draft visitMnemonic(MnemonicContext c) {
        Token head = c.words.getFirst().start;
        String mnemonic = head.getText();
        List<NameContext> extra = c.words.subList(1, c.words.size());
        List<MnemonicOperandContext> ops = c.operands;
        switch (mnemonic) {
            case "lock":
                return lock(head, extra, ops);
            case "call":
                return call(head, extra, ops);
            case "callx":
                if (extra.size() == 1 && ops.isEmpty()) {
                    return one(new CallX(reg64(extra.getFirst().start)));
                }
                noExtraWords(extra);
                count(head, ops, 1);
                return one(new CallX(register(ops.getFirst())));
            case "exit":
                noExtraWords(extra);
                count(head, ops, 0);
                return new Draft(1, true, (pc, labels) -> new Exit());
            case "ja", "goto", "ja32", "gotol":
                GotoForm form = mnemonic.equals("ja") || mnemonic.equals("goto") ? GotoForm.SHORT : GotoForm.LONG;
                TargetRef target = wordTarget(head, extra, ops);
                return new Draft(1, false, (pc, labels) -> target.build(() -> new Goto(
                        form == GotoForm.SHORT ? target.offset16(pc, labels) : target.offset32(pc, labels), form)));
            case "lddw":
                noExtraWords(extra);
                count(head, ops, 2);
                return wide(LoadImm64.of(register(ops.get(0)), imm64(immediate(ops.get(1)))));
            default:
                break;
        }
        noExtraWords(extra);
        Matcher m;
        if ((m = ALU_MNEMONIC.matcher(mnemonic)).matches()) {
            AluOp op = AluOp.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
            Width width = "32".equals(m.group(2)) ? Width.W32 : Width.W64;
            if (op == AluOp.NEG) {
                count(head, ops, 1);
                return one(new Alu(width, op, register(ops.getFirst()), new Imm(0)));
            }
            count(head, ops, 2);
            return one(new Alu(width, op, register(ops.get(0)), registerOrImmediate(ops.get(1))));
        }
        if ((m = MOVSX_MNEMONIC.matcher(mnemonic)).matches()) {
            AluOp op = AluOp.valueOf("MOVSX" + m.group(1));
            Width width = m.group(2).equals("32") ? Width.W32 : Width.W64;
            if (!op.validAt(width)) {
                throw fail(head, "invalid mnemonic: " + mnemonic + " (32-bit sign extension exists only at 64 bits)");
            }
            count(head, ops, 2);
            return one(new Alu(width, op, register(ops.get(0)), register(ops.get(1))));
        }
        if ((m = ENDIAN_MNEMONIC.matcher(mnemonic)).matches()) {
            count(head, ops, 1);
            return one(endian(m.group(1), Integer.parseInt(m.group(2)), register(ops.getFirst())));
        }
        if ((m = JUMP_MNEMONIC.matcher(mnemonic)).matches()) {
            JmpCond cond = JmpCond.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
            Width width = m.group(2) == null ? Width.W64 : Width.W32;
            count(head, ops, 3);
            Reg dst = register(ops.get(0));
            Operand src = registerOrImmediate(ops.get(1));
            TargetRef target = operandTarget(ops.get(2));
            return new Draft(1, false, (pc, labels) ->
                    target.build(() -> new Jump(width, cond, dst, src, target.offset16(pc, labels))));
        }
        if ((m = LOAD_MNEMONIC.matcher(mnemonic)).matches()) {
            Extension ext = m.group(1).isEmpty() ? Extension.ZERO : Extension.SIGN;
            Size size = sizeOf(m.group(2));
            if (ext == Extension.SIGN && size == Size.DW) {
                throw fail(head, "invalid mnemonic: " + mnemonic);
            }
            count(head, ops, 2);
            Reg dst = register(ops.get(0));
            Addr a = memory(ops.get(1));
            return one(new Load(size, ext, dst, a.base(), a.offset()));
        }
        if ((m = STORE_MNEMONIC.matcher(mnemonic)).matches()) {
            Size size = sizeOf(m.group(2));
            count(head, ops, 2);
            Addr a = memory(ops.get(0));
            return one(m.group(1).isEmpty()
                    ? new StoreImm(size, a.base(), a.offset(), imm32(immediate(ops.get(1))))
                    : new StoreReg(size, a.base(), register(ops.get(1)), a.offset()));
        }
        if ((m = PACKET_MNEMONIC.matcher(mnemonic)).matches()) {
            Size size = sizeOf(m.group(2));
            if (m.group(1).equals("abs")) {
                count(head, ops, 1);
                return one(new PacketLoad(PacketMode.ABS, size, Reg.R0, imm32(immediate(ops.getFirst()))));
            }
            count(head, ops, 2);
            return one(new PacketLoad(PacketMode.IND, size, register(ops.get(0)), imm32(immediate(ops.get(1)))));
        }
        throw fail(head, "invalid mnemonic: " + mnemonic);
    }

    /** {@code lock [fetch] op[32] [%rN+off], %rM}. */
    private Draft lock(Token head, List<NameContext> extra, List<MnemonicOperandContext> ops) {
        if (extra.isEmpty()) {
            throw fail(head, "invalid number of operands for lock: expected lock [fetch] OP [%rN+off], %rM");
        }
        boolean fetch = extra.getFirst().getText().equals("fetch");
        List<NameContext> rest = fetch ? extra.subList(1, extra.size()) : extra;
        if (rest.size() != 1) {
            throw fail(fetch && rest.isEmpty() ? extra.getFirst().start : head,
                    "invalid number of operands for lock: expected lock [fetch] OP [%rN+off], %rM");
        }
        Token opToken = rest.getFirst().start;
        Matcher m = ATOMIC_MNEMONIC.matcher(opToken.getText());
        if (!m.matches()) {
            throw fail(opToken, "invalid atomic operation: " + opToken.getText()
                    + " (expected add, and, or, xor, xchg or cmpxchg, with 32 for 32 bits)");
        }
        AtomicOp op = AtomicOp.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
        Size size = "32".equals(m.group(2)) ? Size.W : Size.DW;
        count(opToken, ops, 2);
        Addr a = memory(ops.get(0));
        Reg src = register(ops.get(1));
        Fetch f = fetch || op.alwaysFetches() ? Fetch.FETCH : Fetch.NO_FETCH;
        return one(new Atomic(size, op, f, a.base(), src, a.offset()));
    }

    /**
     * {@code call 5}, {@code call helper 5}, {@code call local LABEL}, {@code call local +3},
     * {@code call pc+3}, {@code call kfunc 5}, {@code call runtime 5}, {@code call %r2} (= callx).
     */
    private Draft call(Token head, List<NameContext> extra, List<MnemonicOperandContext> ops) {
        if (extra.isEmpty()) {
            count(head, ops, 1);
            if (ops.getFirst() instanceof MnemonicRegisterContext r) {
                return one(new CallX(register(r)));
            }
            return one(new Call(CallKind.HELPER, imm32(immediate(ops.getFirst()))));
        }
        Token mode = extra.getFirst().start;
        switch (mode.getText()) {
            case "local", "pc" -> {
                TargetRef target = mode.getText().equals("pc") && extra.size() == 1
                        ? wordTarget(head, List.of(), ops) : wordTarget(head, extra.subList(1, extra.size()), ops);
                return new Draft(1, false, (pc, labels) -> new Call(CallKind.LOCAL, target.offset32(pc, labels)));
            }
            case "helper", "kfunc", "runtime" -> {
                if (extra.size() > 1) {
                    throw fail(extra.get(1).start, "unexpected " + extra.get(1).getText());
                }
                count(mode, ops, 1);
                CallKind kind = mode.getText().equals("helper") ? CallKind.HELPER : CallKind.KFUNC;
                return one(new Call(kind, imm32(immediate(ops.getFirst()))));
            }
            default -> throw fail(mode, "invalid call mode: " + mode.getText()
                    + " (expected a helper number, local LABEL, pc+N, kfunc N or a register)");
        }
    }

    // ---------------------------------------------------------------- jump targets

    /**
     * A jump target: an offset relative to the next instruction, or a label resolved later. It
     * keeps only the label's name and columns, not the parse tree, which drafts must not retain.
     */
    private record TargetRef(long relative, String label, int labelColumn, int column, int line) {
        TargetRef(long relative, Token label, Token at, int line) {
            this(relative, label == null ? null : label.getText(), label == null ? 0 : label.getCharPositionInLine() + 1,
                    at.getCharPositionInLine() + 1, line);
        }

        long resolve(int pc, Map<String, Integer> labels) {
            if (label == null) {
                return relative;
            }
            Integer target = labels.get(label);
            if (target == null) {
                throw new Failure(new Diagnostic(line, labelColumn, "invalid label: " + label));
            }
            return (long) target - (pc + 1);
        }

        int offset16(int pc, Map<String, Integer> labels) {
            long v = resolve(pc, labels);
            if (v != (short) v) {
                throw new Failure(new Diagnostic(line, column, "jump offset out of 16-bit range: " + v
                        + (label == null ? "" : " (to " + label + "); use gotol/ja32 for a long jump")));
            }
            return (int) v;
        }

        int offset32(int pc, Map<String, Integer> labels) {
            long v = resolve(pc, labels);
            if (v != (int) v) {
                throw new Failure(new Diagnostic(line, column, "jump offset out of 32-bit range: " + v));
            }
            return (int) v;
        }

        /** Builds the instruction, turning a record's rejection into an error at the target. */
        Instruction build(java.util.function.Supplier<Instruction> make) {
            try {
                return make.get();
            } catch (IllegalArgumentException e) {
                throw new Failure(new Diagnostic(line, column, e.getMessage()));
            }
        }
    }

    private TargetRef target(TargetContext c) {
        return switch (c) {
            case RelativeTargetContext r -> new TargetRef(signedOffset(r.offset()), null, c.start, line);
            case PcRelativeTargetContext p -> {
                if (!p.pc.getText().equals("pc")) {
                    throw fail(p.pc, "expected pc+N, a +N/-N offset or a label, got " + p.pc.getText());
                }
                yield new TargetRef(signedOffset(p.offset()), null, c.start, line);
            }
            case LabelTargetContext l -> new TargetRef(0, l.name().start, c.start, line);
            default -> throw new IllegalStateException("unknown target form");
        };
    }

    /** The target of {@code ja L}, {@code ja +3}, {@code goto pc+3}: one label word or one offset operand. */
    private TargetRef wordTarget(Token head, List<NameContext> extra, List<MnemonicOperandContext> ops) {
        if (extra.size() == 1 && ops.isEmpty()) {
            return new TargetRef(0, extra.getFirst().start, extra.getFirst().start, line);
        }
        if (extra.size() == 1 && extra.getFirst().getText().equals("pc") && ops.size() == 1) {
            return operandTarget(ops.getFirst());
        }
        noExtraWords(extra);
        count(head, ops, 1);
        return operandTarget(ops.getFirst());
    }

    private TargetRef operandTarget(MnemonicOperandContext c) {
        return switch (c) {
            case MnemonicImmediateContext i -> new TargetRef(jumpOffset(literal(i.imm()), c.start), null, c.start, line);
            case MnemonicNameContext n -> new TargetRef(0, n.name().start, c.start, line);
            default -> throw fail(c.start, "expected a jump target (+N, -N or a label), got " + c.getText());
        };
    }

    private long signedOffset(OffsetContext c) {
        return jumpOffset(literal(c.NUMBER().getSymbol(), c.sign), c.start);
    }

    // ---------------------------------------------------------------- operands

    private record RegW(Reg reg, Width width) {}

    private record Addr(Reg base, int offset) {}

    private record MemType(Size size, Extension extension) {}

    private RegW llvmReg(Token t) {
        Matcher m = LLVM_REG.matcher(t.getText());
        if (!m.matches() || Integer.parseInt(m.group(2)) > 10) {
            throw fail(t, "invalid register: " + t.getText());
        }
        return new RegW(Reg.of(Integer.parseInt(m.group(2))), m.group(1).equals("r") ? Width.W64 : Width.W32);
    }

    /** A register where only the 64-bit name makes sense (addresses, r0 of packet loads). */
    private Reg reg64(Token t) {
        RegW r = llvmReg(t);
        if (r.width() != Width.W64) {
            throw fail(t, "expected a 64-bit register r" + r.reg().number() + ", got " + t.getText());
        }
        return r.reg();
    }

    /** 32-bit atomics name their value register w (LLVM 17) or r (LLVM 14); 64-bit ones r. */
    private Reg atomicReg(Token t, Size size) {
        RegW r = llvmReg(t);
        if (size == Size.DW && r.width() != Width.W64) {
            throw fail(t, "a 64-bit atomic operation takes a 64-bit register r" + r.reg().number());
        }
        return r.reg();
    }

    private void requireSameWidth(Token at, RegW dst, RegW src) {
        if (dst.width() != src.width()) {
            throw fail(at, "mixed register widths: " + (dst.width() == Width.W64 ? "r" : "w") + " and " + at.getText());
        }
    }

    private Operand operand(OperandContext c, Width width) {
        return switch (c) {
            case RegisterOperandContext r -> {
                RegW src = llvmReg(r.IDENT().getSymbol());
                if (src.width() != width) {
                    throw fail(r.start, "mixed register widths: use " + (width == Width.W64 ? "r" : "w")
                            + src.reg().number() + " with a " + width.bits() + "-bit destination");
                }
                yield src.reg();
            }
            case ImmediateOperandContext i -> new Imm(imm32(i.imm()));
            default -> throw new IllegalStateException("unknown operand form");
        };
    }

    private Addr address(AddressContext c) {
        return new Addr(reg64(c.base), offsetOrZero(c.offset()));
    }

    private int offsetOrZero(OffsetContext c) {
        return c == null ? 0 : offset16(c);
    }

    private MemType memoryType(Token t, boolean signAllowed) {
        Matcher m = MEMORY_TYPE.matcher(t.getText());
        if (!m.matches() || (!signAllowed && m.group(1).equals("s"))) {
            throw fail(t, "expected a memory type " + (signAllowed ? "u8..u64 or s8..s32" : "u8, u16, u32 or u64")
                    + ", got " + t.getText());
        }
        return new MemType(Size.ofBytes(Integer.parseInt(m.group(2)) / 8),
                m.group(1).equals("s") ? Extension.SIGN : Extension.ZERO);
    }

    private Size atomicSize(Token t) {
        return switch (t.getText()) {
            case "u64" -> Size.DW;
            case "u32" -> Size.W;
            default -> throw fail(t, "atomic operations are u32 or u64 wide, not " + t.getText());
        };
    }

    private Reg register(MnemonicOperandContext c) {
        if (c instanceof MnemonicRegisterContext r) {
            return mnemonicReg(r.PREG().getSymbol());
        }
        throw fail(c.start, "expected a register (%r0..%r10), got " + c.getText());
    }

    private Reg mnemonicReg(Token t) {
        Matcher m = MNEMONIC_REG.matcher(t.getText());
        if (!m.matches() || Integer.parseInt(m.group(1)) > 10) {
            throw fail(t, "invalid register: " + t.getText());
        }
        return Reg.of(Integer.parseInt(m.group(1)));
    }

    private Operand registerOrImmediate(MnemonicOperandContext c) {
        return switch (c) {
            case MnemonicRegisterContext r -> mnemonicReg(r.PREG().getSymbol());
            case MnemonicImmediateContext i -> new Imm(imm32(i.imm()));
            default -> throw fail(c.start, "expected a register or an immediate, got " + c.getText());
        };
    }

    private ImmContext immediate(MnemonicOperandContext c) {
        if (c instanceof MnemonicImmediateContext i) {
            return i.imm();
        }
        throw fail(c.start, "expected an immediate, got " + c.getText());
    }

    private Addr memory(MnemonicOperandContext c) {
        if (c instanceof MnemonicMemoryContext m) {
            return new Addr(mnemonicReg(m.base), offsetOrZero(m.offset()));
        }
        throw fail(c.start, "expected a memory operand [%rN+offset], got " + c.getText());
    }

    private void count(Token head, List<MnemonicOperandContext> ops, int expected) {
        if (ops.size() != expected) {
            throw fail(head, "invalid number of operands for " + head.getText() + ": expected " + expected
                    + ", got " + ops.size());
        }
    }

    private void noExtraWords(List<NameContext> extra) {
        if (!extra.isEmpty()) {
            throw fail(extra.getFirst().start, "unexpected " + extra.getFirst().getText()
                    + " (operands are registers %rN, numbers, [%rN+off], or labels after a comma)");
        }
    }

    private static Size sizeOf(String suffix) {
        return switch (suffix) {
            case "b" -> Size.B;
            case "h" -> Size.H;
            case "w" -> Size.W;
            case "dw" -> Size.DW;
            default -> throw new IllegalArgumentException(suffix);
        };
    }

    private static Endian endian(String order, int bits, Reg dst) {
        ByteOrder o = switch (order) {
            case "le" -> ByteOrder.TO_LE;
            case "be" -> ByteOrder.TO_BE;
            case "bswap", "swap" -> ByteOrder.SWAP;
            default -> throw new IllegalArgumentException(order);
        };
        return new Endian(o, bits, dst);
    }

    // ---------------------------------------------------------------- numbers

    /** A number as written: its value, and whether it was hexadecimal (which widens the 32-bit range). */
    private record Literal(BigInteger value, boolean hex, String text) {}

    /** A jump offset as written, before its range is checked against the instruction's field. */
    private long jumpOffset(Literal l, Token at) {
        if (l.value().bitLength() > 40) {
            throw fail(at, "jump offset out of range: " + l.text());
        }
        return l.value().longValue();
    }

    private Literal literal(ImmContext c) {
        return literal(c.NUMBER().getSymbol(), c.sign);
    }

    private Literal literal(Token number, Token sign) {
        String digits = number.getText();
        boolean hex = digits.startsWith("0x") || digits.startsWith("0X");
        BigInteger v = hex ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
        boolean negative = sign != null && sign.getText().equals("-");
        return new Literal(negative ? v.negate() : v, hex, (sign == null ? "" : sign.getText()) + digits);
    }

    /**
     * A 32-bit immediate: decimal values must fit a signed int; hexadecimal ones may also be
     * written as the unsigned bit pattern (0xffffffff is -1), as the conformance suite does.
     */
    private int imm32(ImmContext c) {
        Literal l = literal(c);
        BigInteger max = l.hex() ? MAX_UINT : MAX_INT;
        if (l.value().compareTo(MIN_INT) < 0 || l.value().compareTo(max) > 0) {
            throw fail(c.start, "immediate out of 32-bit range: " + l.text());
        }
        return l.value().intValue(); // keeps the low 32 bits: 0xffffffff becomes -1
    }

    /** A 64-bit immediate, signed or as the unsigned bit pattern. */
    private long imm64(ImmContext c) {
        Literal l = literal(c);
        if (l.value().compareTo(MIN_LONG) < 0 || l.value().compareTo(MAX_ULONG) > 0) {
            throw fail(c.start, "immediate out of 64-bit range: " + l.text());
        }
        return l.value().longValue();
    }

    /** A memory offset: a signed 16-bit value. */
    private int offset16(OffsetContext c) {
        Literal l = literal(c.NUMBER().getSymbol(), c.sign);
        if (l.value().bitLength() > 15) {
            throw fail(c.start, "offset out of 16-bit range: " + l.text());
        }
        return l.value().intValue();
    }

    private int offset32(OffsetContext c) {
        Literal l = literal(c.NUMBER().getSymbol(), c.sign);
        if (l.value().bitLength() > 31) {
            throw fail(c.start, "offset out of 32-bit range: " + l.text());
        }
        return l.value().intValue();
    }

    // ---------------------------------------------------------------- drafts and errors

    private static Draft one(Instruction insn) {
        return new Draft(1, false, (pc, labels) -> insn);
    }

    private static Draft wide(Instruction insn) {
        return new Draft(2, false, (pc, labels) -> insn);
    }

    private Failure fail(Token at, String message) {
        return new Failure(Assembler.at(line, at, message));
    }

    @Override
    protected Draft defaultResult() {
        throw new IllegalStateException("no rule for this instruction form");
    }
}
