package dev.warden.verifier.transfer;

import dev.warden.isa.AluOp;
import dev.warden.domains.Operation;
import dev.warden.domains.Scalar;
import dev.warden.isa.Width;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Reg;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;

/**
 * Arithmetic: scalars through {@link Scalar#alu}; pointer plus or minus a scalar moves the
 * pointer's offset; the difference of two pointers into the same object is a scalar. Any other
 * operation on a pointer gives an unknown scalar (using it as an address later is a violation).
 */
final class AluTransfer {
    private AluTransfer() {}

    static AbstractState alu(AbstractState s, int pc, Instruction.Alu a, Sink sink) {
        int dst = a.dst().number();
        Width w = a.width();
        AluOp op = a.op();
        Value src = switch (a.src()) {
            case Reg r -> s.reg(r.number());
            case Imm i -> Value.Num.constant(i.value());
        };
        if (a.src() instanceof Reg r && Ops.operands(op) != Operation.Operands.DST && src instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(r.number()), "R" + r.number() + " is read before it is written", s);
            src = Value.TOP;
        }
        if (op == AluOp.MOV && w == Width.W64) {
            return move(s, pc, dst, a.src() instanceof Reg r ? r.number() : -1, src);
        }
        if (op == AluOp.MOV && a.src() instanceof Reg r && src instanceof Value.Num n && !n.scalar().isConstant()
                && n.view() != Value.View.SHL32) {
            // w1 = w8: r1 is the low half of r8, zero-extended; a bound on r1 bounds r8's low half.
            return lowHalf(s, pc, dst, r.number(), n);
        }
        if (op == AluOp.AND && a.src() instanceof Imm i && (i.value() == 0xff || i.value() == 0xffff)
                && s.reg(dst) instanceof Value.Num n && n.id() != 0 && !n.scalar().isConstant()
                && n.view().masked(i.value() == 0xff ? 8 : 16).isPresent()) {
            // A masked copy: X & 0xffff (at either width: the mask clears the high half anyway) is a
            // view of X's class, equal to every other holder of the same view.
            Value.View v = n.view().masked(i.value() == 0xff ? 8 : 16).orElseThrow();
            Scalar r = n.scalar().alu(op, w, Scalar.constant(i.value()));
            return s.withReg(dst, new Value.Num(peerMeet(s, n.id(), v, r), n.id(), v, n.fact().atMost()));
        }
        if (w == Width.W64 && a.src() instanceof Imm i && i.value() == 32 && s.reg(dst) instanceof Value.Num n && n.id() != 0
                && (op == AluOp.LSH && n.view() == Value.View.FULL || op == AluOp.RSH && n.view() == Value.View.SHL32)) {
            Scalar r = n.scalar().alu(op, w, Scalar.constant(32));
            return s.withReg(dst, new Value.Num(r, n.id(), op == AluOp.LSH ? Value.View.SHL32 : Value.View.LOW32,
                    LengthTransfer.alu(op, w, n, Value.Num.constant(32))));
        }
        Value d = s.reg(dst);
        if (Ops.operands(op) != Operation.Operands.SRC && d instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(dst), "R" + dst + " is read before it is written", s);
            d = Value.TOP;
        }
        if (Ops.operands(op) == Operation.Operands.SRC) {
            // MOV at 32 bits, MOVSX: only the source matters.
            d = src;
        }
        if (d instanceof Value.Num x && src instanceof Value.Num y) {
            return s.withReg(dst, new Value.Num(x.scalar().alu(op, w, y.scalar()), 0, Value.View.FULL, LengthTransfer.alu(op, w, x, y)));
        }
        if (w == Width.W64 && (op == AluOp.ADD || op == AluOp.SUB)) {
            return pointerArithmetic(s, pc, dst, op, d, src);
        }
        return s.withReg(dst, w == Width.W32 ? Sizes.unsigned(4) : Value.TOP);
    }

    /** {@code dst = src}: copies share an id so that a branch on one refines both. */
    private static AbstractState move(AbstractState s, int pc, int dst, int srcReg, Value src) {
        if (srcReg < 0 || !linkable(src)) {
            return s.withReg(dst, src);
        }
        int id = idOf(src);
        if (id == 0) {
            id = pc + 1;
            s = s.forgetId(id);
            src = withId(src, id);
            s = s.withReg(srcReg, src);
        }
        return s.withReg(dst, src);
    }

    private static AbstractState lowHalf(AbstractState s, int pc, int dst, int srcReg, Value.Num n) {
        int id = n.id();
        if (id == 0) {
            id = pc + 1;
            s = s.forgetId(id);
            n = n.withId(id);
            s = s.withReg(srcReg, n);
        }
        Scalar low = n.scalar().alu(AluOp.MOV, Width.W32, n.scalar());
        Value.View v = n.view().masked(32).orElseThrow();
        return s.withReg(dst, new Value.Num(peerMeet(s, id, v, low), id, v, LengthTransfer.lowHalf(n)));
    }

    /**
     * {@code r} met with the scalar of every number already holding view {@code v} of class
     * {@code id}: they are the same value, so what a branch proved on one holds for the new one.
     */
    private static Scalar peerMeet(AbstractState s, int id, Value.View v, Scalar r) {
        Scalar[] acc = {r};
        s.mapValues(x -> {
            if (x instanceof Value.Num n && n.id() == id && n.view() == v) {
                Scalar m = acc[0].meet(n.scalar());
                // Equal values cannot be disjoint; if the domains say so, keep r rather than bottom.
                if (!m.isBottom()) {
                    acc[0] = m;
                }
            }
            return x;
        });
        return acc[0];
    }

    private static boolean linkable(Value v) {
        return v instanceof Value.Num n && !n.scalar().isConstant()
                || v instanceof Value.Ptr p && p.maybeNull();
    }

    private static int idOf(Value v) {
        return v instanceof Value.Num n ? n.id() : ((Value.Ptr) v).id();
    }

    private static Value withId(Value v, int id) {
        return v instanceof Value.Num n ? n.withId(id) : ((Value.Ptr) v).withId(id);
    }

    private static AbstractState pointerArithmetic(AbstractState s, int pc, int dst, AluOp op, Value d, Value src) {
        if (d instanceof Value.Ptr p && src instanceof Value.Num n) {
            return withPointer(s, pc, dst, LengthTransfer.pointer(move(pc, p, op, n.scalar()), p, op, n));
        }
        if (op == AluOp.ADD && d instanceof Value.Num n && src instanceof Value.Ptr p) {
            return withPointer(s, pc, dst, LengthTransfer.pointer(move(pc, p, op, n.scalar()), p, op, n));
        }
        if (op == AluOp.SUB && d instanceof Value.Ptr p && src instanceof Value.Ptr q && p.kind() == q.kind()
                && p.region() == q.region() && !p.maybeNull() && !q.maybeNull() && offsetsComparable(p.kind())) {
            return s.withReg(dst, Value.Num.of(p.off().alu(AluOp.SUB, Width.W64, q.off())));
        }
        return s.withReg(dst, Value.TOP);
    }

    /**
     * Sets dst; a packet pointer with this site's id is new, so old holders of the id move to the
     * site's "previous" id first (a header walk's previous header keeps its proved range).
     */
    private static AbstractState withPointer(AbstractState s, int pc, int dst, Value v) {
        if (v instanceof Value.Ptr p && p.kind() == PtrKind.PACKET && p.id() == pc + 1) {
            s = s.ageId(pc + 1);
        }
        return s.withReg(dst, v);
    }

    private static boolean offsetsComparable(PtrKind k) {
        return switch (k) {
            case STACK, MAP_VALUE, PACKET, MEM, CTX, ITER_BUF, ARG_MEM, HOST -> true;
            default -> false;
        };
    }

    /** {@code p op scalar}; packet pointers get a new variable-offset id when a non-constant is added. */
    private static Value move(int pc, Value.Ptr p, AluOp op, Scalar n) {
        boolean movable = switch (p.kind()) {
            case CTX, STACK, MAP_VALUE, PACKET, PACKET_META, MEM, ITER_BUF, ARG_MEM, BTF_ID, BTF_UNTRUSTED, HOST, HEAP -> true;
            default -> false;
        };
        if (p.kind() == PtrKind.HEAP && p.region() == 0) {
            // Some heap address, perhaps null: its guard confines whatever arithmetic made of it.
            return p.withOff(p.off().alu(op, Width.W64, n), 0).withId(0);
        }
        if (!movable || p.maybeNull()) {
            // The kernel forbids arithmetic on these (a maybe-null pointer plus 4 is no longer
            // checkable against NULL): the result is a plain number.
            return Value.TOP;
        }
        Scalar off = p.off().alu(op, Width.W64, n);
        if (p.kind() != PtrKind.PACKET) {
            return p.withOff(off, 0);
        }
        if (n.isConstant()) {
            long c = n.tnum().value();
            return p.withOff(off, op == AluOp.ADD ? p.fix() + c : p.fix() - c);
        }
        return new Value.Ptr(PtrKind.PACKET, p.region(), off, pc + 1, 0, p.nullness(), p.ref());
    }
}
