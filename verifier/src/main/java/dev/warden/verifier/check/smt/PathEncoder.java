package dev.warden.verifier.check.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import dev.warden.domains.Branches;
import dev.warden.domains.Operation;
import dev.warden.domains.Semantics;
import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import dev.warden.smt.Z3BitVectors;
import dev.warden.smt.Z3Session;
import dev.warden.verifier.check.Invariants;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import dev.warden.verifier.transfer.Ops;
import java.util.ArrayList;
import java.util.List;

/**
 * One path suffix as a bit-vector formula: the invariant at its first pc as precondition, each
 * instruction's concrete effect on the registers' terms (ALU through the shared {@link Semantics},
 * branch conditions through {@link Branches#holds} on the edge the path takes), and the invariant
 * at every pc of the path conjoined (each covers every concrete state there, so conjoining only
 * removes states no execution has).
 *
 * <p>What is modelled exactly: arithmetic on numbers; 64-bit addition and subtraction of a number
 * to a pointer (on its offset term); the difference of two pointers into one object; comparisons
 * of numbers, and of packet pointers with each other and with the packet end (as the unsigned
 * comparison of their addresses {@code base + term}, the base a variable constrained only not to
 * wrap with the packet's length); 8-byte (and narrower, for numbers) stack stores and the loads
 * that read exactly what such a store wrote within the path. Everything else (loads from memory,
 * helper results, 32-bit arithmetic on pointers...) gives a fresh variable, which the invariant at
 * the next pc constrains: sound because that invariant covers the value the instruction produced.
 * A call makes r0..r5, every tracked stack slot, the packet's base and length, and every packet
 * pointer fresh (a helper may move or resize the packet).
 */
final class PathEncoder {
    private final Z3Session z3;
    private final Z3BitVectors bv;
    private final Invariants inv;
    private final List<BoolExpr> facts = new ArrayList<>();
    private final Sym[] regs = new Sym[Frame.REGISTERS];
    private final List<Slot> stack = new ArrayList<>();
    private final List<Load> loads = new ArrayList<>();
    private boolean touchesPacket;
    private BitVecExpr packetBase;
    private BitVecExpr packetLength;
    /** What {@link #assume} last conjoined per register (term and value), and for the packet length. */
    private final Sym[] assumedSym = new Sym[Frame.REGISTERS];
    private final Value[] assumedValue = new Value[Frame.REGISTERS];
    private BitVecExpr assumedLength;
    private long assumedRange;

    /** A value stored within the path at a constant stack offset. */
    private record Slot(int frame, long start, int size, Sym value) {
        boolean overlaps(int f, long lo, int n) {
            return frame == f && start < lo + n && lo < start + size;
        }
    }

    /**
     * A load the path makes from memory a run's input fills (the packet, a map value, host memory):
     * its offset and loaded value as terms, so that a model of the path can be read back as an
     * input. Recording them adds nothing to the formula.
     */
    record Load(PtrKind kind, int region, BitVecExpr offset, int size, BitVecExpr value) {}

    /** The formula of a path (whether a packet pointer occurs in it), the terms at its last pc (before its instruction runs), and the input loads on the way. */
    record Encoded(BoolExpr formula, Sym[] regs, BitVecExpr packetLength, boolean infeasible, List<Load> loads, boolean touchesPacket) {}

    private PathEncoder(Z3Session z3, Invariants inv) {
        this.z3 = z3;
        this.bv = z3.bits(64);
        this.inv = inv;
    }

    static Encoded encode(Z3Session z3, Invariants inv, int[] path) {
        return new PathEncoder(z3, inv).run(path);
    }

    private Encoded run(int[] path) {
        Program program = inv.graph().program();
        freshPacket();
        for (int r = 0; r < regs.length; r++) {
            regs[r] = new Sym(Sig.UNINIT, fresh("r" + r));
        }
        for (int j = 0; ; j++) {
            int pc = path[j];
            AbstractState s = inv.before(pc);
            if (s.isBottom()) {
                return new Encoded(bv.bool(false), regs.clone(), packetLength, true, List.of(), false);
            }
            assume(s);
            if (j == path.length - 1) {
                return new Encoded(Facts.all(bv, facts), regs.clone(), packetLength, false, List.copyOf(loads), touchesPacket);
            }
            step(pc, program.at(pc), s, path[j + 1]);
        }
    }

    /**
     * Terms whose reading no longer matches the invariant become fresh; then the invariant is
     * conjoined. A register whose term and value are those already conjoined at an earlier pc
     * adds nothing (most instructions change one register, so most facts repeat): skipping the
     * repeat leaves the formula equivalent and makes it several times smaller.
     */
    private void assume(AbstractState s) {
        for (int r = 0; r < regs.length; r++) {
            Value v = s.reg(r);
            Sig sig = Sig.of(v);
            touchesPacket |= sig.packetBased();
            if (!sig.equals(regs[r].sig())) {
                // A stale term is still unconstrained: it takes the invariant's reading as it is, so
                // that what recorded it (an input load) stays tied to the value the path constrains.
                regs[r] = new Sym(sig, regs[r].sig() == Sig.STALE ? regs[r].term() : fresh("r" + r));
            }
            if (regs[r] != assumedSym[r] || !v.equals(assumedValue[r])) {
                facts.add(Facts.of(bv, v, regs[r].term(), packetLength));
                assumedSym[r] = regs[r];
                assumedValue[r] = v;
            }
        }
        long range = s.range(0);
        if (packetLength != assumedLength || range != assumedRange) {
            facts.add(bv.ule(bv.num(range), packetLength));
            assumedLength = packetLength;
            assumedRange = range;
        }
    }

    private void step(int pc, Instruction insn, AbstractState s, int next) {
        switch (insn) {
            case Instruction.Alu a -> alu(a, s);
            case Instruction.Endian e -> {
                int d = e.dst().number();
                regs[d] = regs[d].sig().isNum()
                        ? new Sym(Sig.NUM, Semantics.byteOrder(bv, Ops.endian(e), regs[d].term()))
                        : freshReg(d);
            }
            case Instruction.Jump j -> jump(pc, j, next);
            case Instruction.Goto g -> { }
            case Instruction.Exit x -> { }
            case Instruction.LoadImm64 l -> loadImm(l);
            case Instruction.Load l -> load(l, s);
            case Instruction.StoreImm st -> store(s, st.dst().number(), st.offset(), st.size().bytes(),
                    new Sym(Sig.NUM, bv.num(st.imm())));
            case Instruction.StoreReg st -> store(s, st.dst().number(), st.offset(), st.size().bytes(),
                    regs[st.src().number()]);
            case Instruction.Atomic a -> {
                forgetStack(s, a.dst().number(), a.offset(), a.size().bytes());
                if (a.fetch() == Instruction.Fetch.FETCH) {
                    int r = a.op() == dev.warden.isa.AtomicOp.CMPXCHG ? 0 : a.src().number();
                    regs[r] = freshReg(r);
                }
            }
            case Instruction.Call c -> call();
            case Instruction.CallX c -> call();
            case Instruction.PacketLoad l -> {
                for (int r = 0; r <= 5; r++) {
                    regs[r] = freshReg(r);
                }
            }
        }
    }

    private void alu(Instruction.Alu a, AbstractState s) {
        int d = a.dst().number();
        Sym dst = regs[d];
        Sym src = operand(a.src());
        AluOp op = a.op();
        boolean readsDst = Ops.operands(op) != Operation.Operands.SRC;
        boolean w64 = a.width() == Width.W64;
        if (op == AluOp.MOV && w64 && a.src() instanceof Reg) {
            regs[d] = src;
        } else if (src.sig().isNum() && (!readsDst || dst.sig().isNum())) {
            regs[d] = new Sym(Sig.NUM, Semantics.apply(bv, op, a.width(), dst.term(), src.term()));
        } else if (w64 && (op == AluOp.ADD || op == AluOp.SUB) && dst.sig().isOffsetPointer() && src.sig().isNum()) {
            regs[d] = new Sym(dst.sig(), op == AluOp.ADD ? bv.add(dst.term(), src.term()) : bv.sub(dst.term(), src.term()));
        } else if (w64 && op == AluOp.ADD && dst.sig().isNum() && src.sig().isOffsetPointer()) {
            regs[d] = new Sym(src.sig(), bv.add(dst.term(), src.term()));
        } else if (w64 && op == AluOp.SUB && dst.sig().sameObject(src.sig())) {
            regs[d] = new Sym(Sig.NUM, bv.sub(dst.term(), src.term()));
        } else {
            regs[d] = freshReg(d);
        }
    }

    private Sym operand(Operand o) {
        return switch (o) {
            case Reg r -> regs[r.number()];
            case Imm i -> new Sym(Sig.NUM, bv.num(i.signExtended()));
        };
    }

    private void jump(int pc, Instruction.Jump j, int next) {
        int fall = pc + 1;
        int target = Program.targetOf(pc, j);
        if (fall == target) {
            return;
        }
        Sym a = regs[j.dst().number()];
        Sym b = operand(j.src());
        BoolExpr holds;
        if (a.sig().isNum() && b.sig().isNum()) {
            holds = Branches.holds(bv, Ops.cond(j.cond()), j.width(), a.term(), b.term());
        } else if (j.width() == Width.W64 && a.sig().packetBased() && b.sig().packetBased()) {
            // The comparison is of addresses: data + term on both sides.
            holds = Branches.holds(bv, Ops.cond(j.cond()), Width.W64, bv.add(packetBase, a.term()),
                    bv.add(packetBase, b.term()));
        } else {
            return;
        }
        facts.add(next == target ? holds : bv.negate(holds));
    }

    private void loadImm(Instruction.LoadImm64 l) {
        int d = l.dst().number();
        regs[d] = switch (l.pseudo()) {
            case IMM64 -> new Sym(Sig.NUM, bv.num(l.value()));
            // The value pointer's term is its offset; its signature is checked against the next invariant.
            case MAP_IDX_VALUE -> new Sym(new Sig(Sig.Shape.PTR, PtrKind.MAP_VALUE, l.imm()), bv.num(l.nextImm()));
            default -> freshReg(d);
        };
    }

    private void load(Instruction.Load l, AbstractState s) {
        int d = l.dst().number();
        int size = l.size().bytes();
        Sym found = null;
        if (s.reg(l.src().number()) instanceof Value.Ptr p && !p.maybeNull() && p.kind() == PtrKind.STACK && p.off().isConstant()) {
            long at = p.off().tnum().value() + l.offset();
            for (Slot slot : stack) {
                if (slot.frame() == p.region() && slot.start() == at && slot.size() == size) {
                    found = slot.value();
                }
            }
        }
        Sym base = regs[l.src().number()];
        if (found == null) {
            regs[d] = freshReg(d);
            if (base.sig().isOffsetPointer() && (base.sig().kind() == PtrKind.PACKET || base.sig().kind() == PtrKind.MAP_VALUE
                    || base.sig().kind() == PtrKind.HOST)) {
                loads.add(new Load(base.sig().kind(), base.sig().region(), bv.add(base.term(), bv.num(l.offset())), size,
                        regs[d].term()));
            }
        } else if (size == 8) {
            regs[d] = found;
        } else if (found.sig().isNum()) {
            BitVecExpr t = l.extension() == Instruction.Extension.SIGN ? bv.sextLow(found.term(), 8 * size)
                    : bv.zextLow(found.term(), 8 * size);
            regs[d] = new Sym(Sig.NUM, t);
        } else {
            regs[d] = freshReg(d);
        }
    }

    private void store(AbstractState s, int base, int off, int size, Sym value) {
        forgetStack(s, base, off, size);
        if (s.reg(base) instanceof Value.Ptr p && !p.maybeNull() && p.kind() == PtrKind.STACK && p.off().isConstant()
                && (size == 8 || value.sig().isNum())) {
            stack.add(new Slot(p.region(), p.off().tnum().value() + off, size, value));
        }
    }

    /** Drops the tracked slots a write through {@code base} may touch (all of its frame if the offset is not known). */
    private void forgetStack(AbstractState s, int base, int off, int size) {
        if (!(s.reg(base) instanceof Value.Ptr p) || p.kind() != PtrKind.STACK) {
            return;
        }
        if (p.off().isConstant() && !p.maybeNull()) {
            long at = p.off().tnum().value() + off;
            stack.removeIf(slot -> slot.overlaps(p.region(), at, size));
        } else {
            stack.removeIf(slot -> slot.frame() == p.region());
        }
    }

    private void call() {
        for (int r = 0; r <= 5; r++) {
            regs[r] = freshReg(r);
        }
        stack.clear();
        freshPacket();
        for (int r = 6; r < regs.length; r++) {
            if (regs[r].sig().packetBased()) {
                regs[r] = freshReg(r);
            }
        }
    }

    private void freshPacket() {
        packetBase = fresh("data");
        packetLength = fresh("len");
        // data_end does not wrap around the address space.
        facts.add(bv.ule(packetBase, bv.add(packetBase, packetLength)));
    }

    /** A fresh term; the next {@link #assume} gives it the invariant's reading (a stale signature matches none). */
    private Sym freshReg(int r) {
        return new Sym(Sig.STALE, fresh("r" + r));
    }

    private BitVecExpr fresh(String name) {
        return z3.variable(name, 64);
    }
}
