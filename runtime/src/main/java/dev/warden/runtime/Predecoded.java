package dev.warden.runtime;

import static dev.warden.runtime.Ops.*;

import dev.warden.isa.Instruction;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.vm.Fault;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Helper;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;

/**
 * A program flattened for the interpreter, indexed by pc (slot index): one {@code int} word per
 * slot (internal opcode, dst, src, signed 16-bit offset) and one {@code long} immediate, with
 * everything that does not depend on register values decided here: the operand form, the width,
 * jump targets of 32-bit gotos and local calls, the helper each {@code call} reaches, and faults
 * that any execution of an instruction must raise (an unknown helper, a write to r10).
 *
 * <p>Word layout: bits 0-7 op, 8-11 dst, 12-15 src, 16-31 offset (signed).
 */
final class Predecoded {
    final int[] code;
    /** Per pc: the word in the low 32 bits and the immediate (32-bit, or a target pc) in the high 32. */
    final long[] insns;
    /** Per pc: the immediate; only the 64-bit loads need more than the 32 bits of {@link #insns}. */
    final long[] imm;
    final Helper[] helper;
    final Fault[] fault;
    /** The pcs whose address the program loads (callbacks): the functions a helper may call. */
    final java.util.BitSet functions = new java.util.BitSet();
    /**
     * Per pc, whether it is a cancellation point (a back edge or a call) the run polls before
     * executing it; null when the program is not loaded with {@code Cancellation.POLLED}.
     */
    boolean[] polls;
    /**
     * Per pc, the conditional jump's own opcode where it was rewritten to {@code COVERED_JUMP};
     * null when the program is not loaded for coverage.
     */
    int[] coveredOp;

    private Predecoded(int slots) {
        // One extra slot: running past the last instruction lands on FELL_OFF.
        code = new int[slots + 1];
        imm = new long[slots + 1];
        insns = new long[slots + 1];
        helper = new Helper[slots + 1];
        fault = new Fault[slots + 1];
    }

    /**
     * Pre-decodes for a run with {@code options}: its helpers, the loads and stores its heap
     * sandbox confines (rewritten to the HLDX../HST.. operations) and, with cancellation polls,
     * the cancellation points.
     */
    static Predecoded of(Program program, dev.warden.vm.ExecOptions options) {
        Predecoded p = of(program, options.helpers());
        java.util.BitSet confined = options.sandbox().pcs();
        for (int pc = confined.nextSetBit(0); pc >= 0 && pc < p.code.length - 1; pc = confined.nextSetBit(pc + 1)) {
            int op = p.code[pc] & 0xff;
            if (op >= LDXB && op <= STXDW) {
                p.code[pc] = (p.code[pc] & ~0xff) | (op - LDXB + HLDXB);
                p.insns[pc] = p.imm[pc] << 32 | (p.code[pc] & 0xffff_ffffL);
            }
        }
        if (options.cancellation() == dev.warden.vm.Cancellation.POLLED) {
            p.polls = new boolean[p.code.length];
            for (int i = 0; i < program.size(); i++) {
                int pc = program.pcOf(i);
                p.polls[pc] = switch (program.get(i)) {
                    case Instruction.Jump j -> pc + 1 + j.offset() <= pc;
                    case Instruction.Goto g -> Program.targetOf(pc, g) <= pc;
                    case Instruction.Call c -> true;
                    case Instruction.CallX x -> true;
                    default -> false;
                };
            }
        }
        return p;
    }

    /**
     * Rewrites every conditional jump to the edge-recording {@code COVERED_JUMP}, its own opcode
     * kept in {@link #coveredOp}; returns how many there are.
     */
    int coverBranches() {
        coveredOp = new int[code.length];
        int jumps = 0;
        for (int pc = 0; pc < code.length; pc++) {
            int op = code[pc] & 0xff;
            if (op >= J64K && op < GOTO) {
                coveredOp[pc] = op;
                code[pc] = (code[pc] & ~0xff) | COVERED_JUMP;
                insns[pc] = imm[pc] << 32 | (code[pc] & 0xffff_ffffL);
                jumps++;
            }
        }
        return jumps;
    }

    static Predecoded of(Program program, Helpers helpers) {
        int slots = program.slotCount();
        Predecoded p = new Predecoded(slots);
        for (int i = 0; i < program.size(); i++) {
            int pc = program.pcOf(i);
            // A function's address (bpf_loop's callback): Memory.FUNCTION_BASE + its pc.
            if (program.get(i) instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.FUNC && l.dst() != Reg.R10
                    && program.indexAt(pc + 1 + l.imm()) >= 0) {
                p.set(pc, LDDW, l.dst(), Reg.R0, 0, Memory.FUNCTION_BASE + pc + 1 + l.imm());
                p.functions.set(pc + 1 + l.imm());
                continue;
            }
            p.decode(pc, program.get(i), helpers);
        }
        p.code[slots] = FELL_OFF;
        for (int pc = 0; pc <= slots; pc++) {
            p.insns[pc] = p.imm[pc] << 32 | (p.code[pc] & 0xffff_ffffL);
        }
        p.fault[slots] = new Fault(slots, FaultKind.FELL_OFF_END,
                "execution ran past the last instruction (pc " + (slots - 1) + ") without exit");
        return p;
    }

    private static int word(int op, int dst, int src, int offset) {
        return op | dst << 8 | src << 12 | offset << 16;
    }

    private void set(int pc, int op, Reg dst, Reg src, int offset, long immediate) {
        code[pc] = word(op, dst.number(), src.number(), offset);
        imm[pc] = immediate;
    }

    private void fail(int pc, FaultKind kind, String message) {
        code[pc] = FAULT;
        fault[pc] = new Fault(pc, kind, message);
    }

    private boolean writesR10(int pc, Reg r) {
        if (r == Reg.R10) {
            fail(pc, FaultKind.FRAME_POINTER_WRITE, "r10 is the read-only frame pointer");
            return true;
        }
        return false;
    }

    private void decode(int pc, Instruction insn, Helpers helpers) {
        switch (insn) {
            case Instruction.Alu a -> {
                if (writesR10(pc, a.dst())) {
                    return;
                }
                boolean reg = a.src() instanceof Reg;
                int block = a.width() == Width.W64 ? (reg ? A64X : A64K) : (reg ? A32X : A32K);
                set(pc, block + aluIndex(a.op()), a.dst(), srcReg(a.src()), 0, immOf(a.src()));
            }
            case Instruction.Endian e -> {
                if (writesR10(pc, e.dst())) {
                    return;
                }
                int base = e.order() == Instruction.ByteOrder.TO_LE ? LE16 : SWAP16;
                int op = base + switch (e.bits()) {
                    case 16 -> 0;
                    case 32 -> 1;
                    default -> 2;
                };
                set(pc, op, e.dst(), Reg.R0, 0, 0);
            }
            case Instruction.Jump j -> {
                boolean reg = j.src() instanceof Reg;
                int block = j.width() == Width.W64 ? (reg ? J64X : J64K) : (reg ? J32X : J32K);
                set(pc, block + condIndex(j.cond()), j.dst(), srcReg(j.src()), j.offset(), immOf(j.src()));
            }
            case Instruction.Goto g -> set(pc, GOTO, Reg.R0, Reg.R0, 0, Program.targetOf(pc, g));
            case Instruction.Call c -> {
                switch (c.kind()) {
                    case HELPER -> {
                        if (!helpers.defines(c.imm())) {
                            fail(pc, FaultKind.UNKNOWN_HELPER, "call to helper " + c.imm() + ", which this run does not define");
                        } else {
                            helper[pc] = helpers.get(c.imm());
                            set(pc, helper[pc] instanceof dev.warden.vm.BudgetedHelper ? CALL_BUDGETED : CALL_HELPER,
                                    Reg.R0, Reg.R0, 0, c.imm());
                        }
                    }
                    case LOCAL -> set(pc, CALL_LOCAL, Reg.R0, Reg.R0, 0, Program.targetOf(pc, c));
                    case KFUNC -> fail(pc, FaultKind.UNKNOWN_KFUNC, "call to kernel function with BTF id " + c.imm()
                            + "; no host defines kernel functions");
                }
            }
            case Instruction.CallX x -> set(pc, CALLX, x.target(), Reg.R0, 0, 0);
            case Instruction.Exit e -> set(pc, EXIT, Reg.R0, Reg.R0, 0, 0);
            case Instruction.LoadImm64 l -> {
                if (writesR10(pc, l.dst())) {
                    return;
                }
                if (l.pseudo() != Pseudo.IMM64) {
                    fail(pc, FaultKind.UNRESOLVED_REFERENCE, "64-bit load of " + l.pseudo() + " " + l.imm()
                            + " needs a loader to resolve it; this run has none");
                } else {
                    set(pc, LDDW, l.dst(), Reg.R0, 0, l.value());
                }
            }
            case Instruction.Load l -> {
                if (writesR10(pc, l.dst())) {
                    return;
                }
                int op = l.extension() == Instruction.Extension.ZERO
                        ? sized(l.size(), LDXB, LDXH, LDXW, LDXDW)
                        : sized(l.size(), LDXSB, LDXSH, LDXSW, -1);
                set(pc, op, l.dst(), l.src(), l.offset(), 0);
            }
            case Instruction.StoreImm s -> set(pc, sized(s.size(), STB, STH, STW, STDW), s.dst(), Reg.R0, s.offset(), s.imm());
            case Instruction.StoreReg s -> set(pc, sized(s.size(), STXB, STXH, STXW, STXDW), s.dst(), s.src(), s.offset(), 0);
            case Instruction.Atomic a -> {
                boolean fetch = a.fetch() == Instruction.Fetch.FETCH;
                int base32 = switch (a.op()) {
                    case ADD -> fetch ? AFADD32 : AADD32;
                    case OR -> fetch ? AFOR32 : AOR32;
                    case AND -> fetch ? AFAND32 : AAND32;
                    case XOR -> fetch ? AFXOR32 : AXOR32;
                    case XCHG -> AXCHG32;
                    case CMPXCHG -> ACMPXCHG32;
                };
                // The 64-bit block mirrors the 32-bit one.
                int op = a.size() == Size.DW ? base32 - AADD32 + AADD64 : base32;
                Reg written = a.op() == dev.warden.isa.AtomicOp.CMPXCHG ? Reg.R0 : a.src();
                if (fetch && writesR10(pc, written)) {
                    return;
                }
                set(pc, op, a.dst(), a.src(), a.offset(), 0);
            }
            case Instruction.PacketLoad p -> {
                int op = p.mode() == Instruction.PacketMode.ABS
                        ? sized(p.size(), LDABSB, LDABSH, LDABSW, -1)
                        : sized(p.size(), LDINDB, LDINDH, LDINDW, -1);
                set(pc, op, Reg.R0, p.src(), 0, p.imm());
            }
        }
    }

    private static int sized(Size size, int b, int h, int w, int dw) {
        return switch (size) {
            case B -> b;
            case H -> h;
            case W -> w;
            case DW -> dw;
        };
    }

    private static Reg srcReg(Operand o) {
        return o instanceof Reg r ? r : Reg.R0;
    }

    /** The immediate, sign-extended to 64 bits (32-bit operations use its low half). */
    private static long immOf(Operand o) {
        return switch (o) {
            case Reg r -> 0;
            case dev.warden.isa.Imm i -> i.signExtended();
        };
    }
}
