package dev.warden.verifier.transfer;

import dev.warden.domains.BranchRefinement;
import dev.warden.domains.Scalar;
import dev.warden.domains.Tnum;
import dev.warden.domains.UInterval;
import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import dev.warden.domains.Verdict;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Reg;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.LengthFact;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;

/**
 * Conditional jumps: both edges, each with what its condition proves. Scalars are refined with
 * {@link BranchRefinement}, and so is every copy linked to them (same id). A null check refines
 * every copy of a maybe-null pointer. Comparing a packet pointer with {@code data_end} proves a
 * packet range.
 */
final class BranchTransfer {
    private BranchTransfer() {}

    static Edges jump(AbstractState s, int pc, Instruction.Jump j, Sink sink) {
        int dst = j.dst().number();
        int srcReg = j.src() instanceof Reg r ? r.number() : -1;
        Value d = s.reg(dst);
        Value src = switch (j.src()) {
            case Reg r -> s.reg(r.number());
            case Imm i -> Value.Num.constant(i.value());
        };
        boolean uninit = false;
        if (d instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(dst), "R" + dst + " is compared before it is written", s);
            uninit = true;
        }
        if (src instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(srcReg), "R" + srcReg + " is compared before it is written", s);
            uninit = true;
        }
        if (uninit) {
            return new Edges(s, s);
        }
        boolean wide = j.width() == dev.warden.isa.Width.W64;
        if (d instanceof Value.Num x && src instanceof Value.Num y) {
            return scalars(s, j, dst, srcReg, x, y);
        }
        if (wide && (j.cond() == JmpCond.JEQ || j.cond() == JmpCond.JNE)) {
            if (d instanceof Value.Ptr p && isZero(src)) {
                return nullCheck(s, p, dst, j.cond());
            }
            if (src instanceof Value.Ptr p && isZero(d)) {
                return nullCheck(s, p, srcReg, j.cond());
            }
        }
        if (wide && d instanceof Value.Ptr p && src instanceof Value.Ptr q) {
            if (p.kind() == PtrKind.PACKET && q.kind() == PtrKind.PACKET_END) {
                return packetBound(s, p, j.cond());
            }
            if (q.kind() == PtrKind.PACKET && p.kind() == PtrKind.PACKET_END) {
                return packetBound(s, q, swap(j.cond()));
            }
            if (p.kind() == PtrKind.PACKET_META && q.kind() == PtrKind.PACKET) {
                return metaBound(s, p, q, j.cond());
            }
            if (q.kind() == PtrKind.PACKET_META && p.kind() == PtrKind.PACKET) {
                return metaBound(s, q, p, swap(j.cond()));
            }
            if (sameObject(p, q) && smallOffset(p.off()) && smallOffset(q.off())) {
                return pointerOffsets(s, j, dst, srcReg, p, q);
            }
        }
        return new Edges(s, s);
    }

    /** Largest offset magnitude for which base + offset cannot wrap (or change sign) for either pointer. */
    private static final long SMALL_OFFSET = 1L << 30;

    private static boolean smallOffset(Scalar o) {
        return !o.isBottom() && o.s64().lo() >= -SMALL_OFFSET && o.s64().hi() <= SMALL_OFFSET;
    }

    /**
     * Whether two non-null pointers certainly point into the same object, so that comparing them
     * compares their offsets: the same stack frame, the context, the packet, or a map value or
     * helper memory from the same execution of the same allocation site (equal non-zero ids).
     */
    private static boolean sameObject(Value.Ptr p, Value.Ptr q) {
        if (p.kind() != q.kind() || p.region() != q.region() || p.maybeNull() || q.maybeNull()) {
            return false;
        }
        return switch (p.kind()) {
            case STACK, CTX, PACKET -> true;
            case MAP_VALUE, MEM -> p.id() != 0 && p.id() == q.id();
            default -> false;
        };
    }

    /**
     * {@code p cond q} for two pointers into one object: the comparison of their addresses is the
     * comparison of their offsets (the base is the same, and small offsets neither wrap nor cross
     * the sign boundary, so unsigned and signed comparisons both become signed ones on the offsets).
     * Each edge gets both operands' offsets refined; an impossible edge is unreachable.
     */
    private static Edges pointerOffsets(AbstractState s, Instruction.Jump j, int dst, int srcReg, Value.Ptr p, Value.Ptr q) {
        JmpCond c = switch (j.cond()) {
            case JGT, JSGT -> JmpCond.JSGT;
            case JGE, JSGE -> JmpCond.JSGE;
            case JLT, JSLT -> JmpCond.JSLT;
            case JLE, JSLE -> JmpCond.JSLE;
            case JEQ -> JmpCond.JEQ;
            case JNE -> JmpCond.JNE;
            default -> null;
        };
        if (c == null) {
            return new Edges(s, s);
        }
        BranchRefinement br = BranchRefinement.of(Ops.cond(c), dev.warden.isa.Width.W64, p.off(), q.off());
        AbstractState taken = br.verdict() == Verdict.NEVER ? AbstractState.BOTTOM
                : withOffsets(s, dst, p, br.takenDst(), srcReg, q, br.takenSrc());
        AbstractState fall = br.verdict() == Verdict.ALWAYS ? AbstractState.BOTTOM
                : withOffsets(s, dst, p, br.fallDst(), srcReg, q, br.fallSrc());
        return new Edges(fall, taken);
    }

    private static AbstractState withOffsets(AbstractState s, int dst, Value.Ptr p, Scalar po, int srcReg, Value.Ptr q, Scalar qo) {
        if (po.isBottom() || qo.isBottom()) {
            return AbstractState.BOTTOM;
        }
        // Packet pointers keep their variable-offset id and fixed part: only the absolute offset narrows.
        AbstractState out = s.withReg(dst, p.withOff(po, p.fix()));
        return out.withReg(srcReg, q.withOff(qo, q.fix()));
    }

    private static boolean isZero(Value v) {
        return v instanceof Value.Num n && n.scalar().isConstant() && n.scalar().tnum().value() == 0;
    }

    private static Edges scalars(AbstractState s, Instruction.Jump j, int dst, int srcReg, Value.Num x, Value.Num y) {
        BranchRefinement br = BranchRefinement.of(Ops.cond(j.cond()), j.width(), x.scalar(), y.scalar());
        AbstractState taken = br.verdict() == Verdict.NEVER ? AbstractState.BOTTOM
                : refine(refine(s, dst, x, br.takenDst()), srcReg, y, br.takenSrc());
        AbstractState fall = br.verdict() == Verdict.ALWAYS ? AbstractState.BOTTOM
                : refine(refine(s, dst, x, br.fallDst()), srcReg, y, br.fallSrc());
        if (x.fact() != LengthFact.NONE || y.fact() != LengthFact.NONE) {
            taken = LengthBranch.edge(taken, j.cond(), j.width(), dst, srcReg);
            fall = LengthBranch.edge(fall, LengthBranch.negate(j.cond()), j.width(), dst, srcReg);
        }
        return new Edges(fall, taken);
    }

    /**
     * Gives register {@code reg} the refined scalar, and every number linked to it what that
     * implies through their views (a bound on a low half bounds the low half of the full value).
     */
    private static AbstractState refine(AbstractState s, int reg, Value.Num old, Scalar refined) {
        if (reg < 0 || s.isBottom() || refined.equals(old.scalar())) {
            return s;
        }
        if (refined.isBottom()) {
            return AbstractState.BOTTOM;
        }
        Value.Num self = old.withScalar(refined);
        if (old.id() == 0 || old.view() == Value.View.SHL32) {
            return s.withReg(reg, self);
        }
        int id = old.id();
        Value.View view = old.view();
        Scalar full = switch (view) {
            case FULL -> refined;
            case LOW32 -> fromLowHalf(refined);
            case LOW16, LOW8 -> fromLowBits(refined, view.lowBits());
            case SHL32 -> throw new AssertionError("handled above");
        };
        if (full.isBottom()) {
            return AbstractState.BOTTOM;
        }
        Scalar low = full.alu(AluOp.MOV, Width.W32, full);
        Scalar shifted = full.alu(AluOp.LSH, Width.W64, Scalar.constant(32));
        boolean[] empty = {false};
        AbstractState out = s.mapValues(v -> {
            if (v instanceof Value.Num n && n.id() == id) {
                // A holder of the same view is equal to the refined register.
                Scalar known = n.view() == view ? refined : switch (n.view()) {
                    case FULL -> full;
                    case LOW32 -> low;
                    case SHL32 -> shifted;
                    case LOW16 -> full.alu(AluOp.AND, Width.W64, Scalar.constant(0xffff));
                    case LOW8 -> full.alu(AluOp.AND, Width.W64, Scalar.constant(0xff));
                };
                Scalar m = n.scalar().meet(known);
                if (m.equals(n.scalar())) {
                    return v;
                }
                empty[0] |= m.isBottom();
                return n.withScalar(m);
            }
            return v;
        });
        if (empty[0]) {
            return AbstractState.BOTTOM;
        }
        Value now = out.reg(reg);
        Scalar mine = now instanceof Value.Num n ? n.scalar().meet(refined) : refined;
        return mine.isBottom() ? AbstractState.BOTTOM : out.withReg(reg, old.withScalar(mine));
    }

    /** Every 64-bit value whose low {@code k} bits (k < 32) lie in {@code low}: only its tnum says so. */
    private static Scalar fromLowBits(Scalar low, int k) {
        long m = (1L << k) - 1;
        if (Long.compareUnsigned(low.u64().lo(), m) > 0) {
            return Scalar.bottom();
        }
        Scalar top = Scalar.top();
        Tnum t = new Tnum(low.tnum().value() & m, (low.tnum().mask() & m) | ~m);
        return new Scalar(t, top.u64(), top.s64(), top.u32(), top.s32()).sync();
    }

    /** Every 64-bit value whose low 32 bits lie in {@code low} (a zero-extended 32-bit value). */
    private static Scalar fromLowHalf(Scalar low) {
        long lo = low.u64().lo();
        long hi = low.u64().hi();
        if (Long.compareUnsigned(lo, 0xffffffffL) > 0) {
            return Scalar.bottom();
        }
        if (Long.compareUnsigned(hi, 0xffffffffL) > 0) {
            hi = 0xffffffffL;
        }
        Scalar top = Scalar.top();
        Tnum t = new Tnum(low.tnum().value() & 0xffffffffL, (low.tnum().mask() & 0xffffffffL) | 0xffffffff00000000L);
        return new Scalar(t, top.u64(), top.s64(), new UInterval(lo, hi), top.s32()).sync();
    }

    private static Edges nullCheck(AbstractState s, Value.Ptr p, int reg, JmpCond cond) {
        AbstractState isNull;
        AbstractState notNull;
        if (!p.maybeNull() && (p.kind() == PtrKind.BTF_ID || p.kind() == PtrKind.BTF_UNTRUSTED)) {
            // The kernel calls these non-null (a tracing argument, a loaded pointer field), but a
            // kernel function may be called with NULL and a field may hold NULL: a program's null
            // check is a real branch, and both sides must be analysed (the NULL side with the number 0).
            isNull = mapPointer(s, p, reg, q -> Value.Num.constant(0));
            notNull = s;
        } else if (!p.maybeNull()) {
            isNull = AbstractState.BOTTOM;
            notNull = s;
        } else {
            isNull = mapPointer(s, p, reg, q -> Value.Num.constant(0));
            if (p.ref() != 0) {
                // Nothing was acquired on this path.
                isNull = isNull.release(p.ref());
            }
            notNull = mapPointer(s, p, reg, Value.Ptr::nonNull);
        }
        return cond == JmpCond.JEQ ? new Edges(notNull, isNull) : new Edges(isNull, notNull);
    }

    private static AbstractState mapPointer(AbstractState s, Value.Ptr p, int reg, java.util.function.Function<Value.Ptr, Value> f) {
        if (p.id() == 0) {
            return s.withReg(reg, f.apply(p));
        }
        int id = p.id();
        return s.mapValues(v -> v instanceof Value.Ptr q && q.id() == id && q.kind() == p.kind() ? f.apply(q) : v);
    }

    /** The condition with its operands swapped ({@code a < b} is {@code b > a}). */
    private static JmpCond swap(JmpCond c) {
        return switch (c) {
            case JGT -> JmpCond.JLT;
            case JGE -> JmpCond.JLE;
            case JLT -> JmpCond.JGT;
            case JLE -> JmpCond.JGE;
            case JSGT -> JmpCond.JSLT;
            case JSGE -> JmpCond.JSLE;
            case JSLT -> JmpCond.JSGT;
            case JSLE -> JmpCond.JSGE;
            default -> c;
        };
    }

    /** {@code pkt cond data_end}: the edge where {@code pkt <= data_end} (or {@code <}) proves bytes before pkt readable. */
    private static Edges packetBound(AbstractState s, Value.Ptr p, JmpCond cond) {
        return switch (cond) {
            case JGT -> new Edges(withRange(s, p, 0), s);
            case JGE -> new Edges(withRange(s, p, 1), s);
            case JLT -> new Edges(s, withRange(s, p, 1));
            case JLE -> new Edges(s, withRange(s, p, 0));
            default -> new Edges(s, s);
        };
    }

    /**
     * {@code meta cond pkt}, with {@code pkt} at a constant offset c from data: the edge where
     * {@code meta <= pkt} (or {@code <}) proves bytes after data_meta readable, as far as data
     * (the kernel's find_good_pkt_pointers for PTR_TO_PACKET_META against PTR_TO_PACKET). From
     * {@code data_meta + off + extra <= data + c}: {@code data - data_meta >= off.min + extra - c}.
     */
    private static Edges metaBound(AbstractState s, Value.Ptr meta, Value.Ptr pkt, JmpCond cond) {
        return switch (cond) {
            case JGT -> new Edges(withMetaRange(s, meta, pkt, 0), s);
            case JGE -> new Edges(withMetaRange(s, meta, pkt, 1), s);
            case JLT -> new Edges(s, withMetaRange(s, meta, pkt, 1));
            case JLE -> new Edges(s, withMetaRange(s, meta, pkt, 0));
            default -> new Edges(s, s);
        };
    }

    private static AbstractState withMetaRange(AbstractState s, Value.Ptr meta, Value.Ptr pkt, int extra) {
        Scalar o = meta.off();
        Scalar c = pkt.off();
        // Pointers far from their base could have wrapped around; such a comparison proves nothing.
        if (o.isBottom() || c.isBottom() || !c.isConstant() || o.s64().lo() < 0 || o.s64().hi() > Access.MAX_PACKET_OFF
                || c.s64().lo() < 0 || c.s64().hi() > Access.MAX_PACKET_OFF) {
            return s;
        }
        long readable = o.s64().lo() + extra - c.s64().lo();
        return readable > 0 ? s.withRange(AbstractState.META_RANGE, (int) readable) : s;
    }

    /** {@code p + extra <= data_end} holds: record it for p's variable-offset id and for data. */
    private static AbstractState withRange(AbstractState s, Value.Ptr p, int extra) {
        Scalar o = p.off();
        // A pointer far beyond data could have wrapped around; such a comparison proves nothing.
        if (o.isBottom() || o.s64().lo() < 0 || o.s64().hi() > Access.MAX_PACKET_OFF) {
            return s;
        }
        AbstractState out = s;
        long fromData = o.u64().lo() + extra;
        if (fromData > 0) {
            out = out.withRange(0, (int) fromData);
        }
        long fromBase = p.fix() + extra;
        if (p.id() != 0 && fromBase > 0 && fromBase <= Access.MAX_PACKET_OFF) {
            out = out.withRange(p.id(), (int) fromBase);
        }
        return out;
    }
}
