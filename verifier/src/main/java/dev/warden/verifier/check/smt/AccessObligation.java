package dev.warden.verifier.check.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Instruction;
import dev.warden.isa.elf.BpfMap;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import dev.warden.verifier.transfer.Env;
import dev.warden.smt.Z3BitVectors;
import java.util.Optional;

/**
 * The bounds part of a memory access's obligation: {@code size} bytes at {@code base + offset}
 * lie inside the object {@code base} points into. Only accesses whose other conditions (the
 * pointer is not null, the right to read or write, a live stack frame, a known map) hold in the
 * abstract state are represented, so that proving the bounds proves the whole obligation.
 *
 * <p>With {@code a} the 64-bit term {@code offset(base) + offset}, the bytes are inside the object
 * exactly when: packet, {@code a + size <= len} as unsigned numbers ({@code size <= len} and
 * {@code a <= len - size}); map value or helper memory of {@code n} bytes, {@code a <= n - size};
 * stack, {@code -512 <= a <= -size} as signed numbers. These are exact modulo 2<sup>64</sup>: the
 * object's bytes are {@code base + j} for {@code 0 <= j < n}, so an address {@code base + a} is
 * one of them exactly when {@code a mod 2^64} is such a {@code j}.
 */
record AccessObligation(int reg, PtrKind kind, long objectSize, long offset, int size) {

    /** The access at {@code pc}, when its only failing condition can be its bounds. */
    static Optional<AccessObligation> of(Env env, Instruction insn, AbstractState s) {
        int reg;
        int off;
        int size;
        boolean write;
        switch (insn) {
            case Instruction.Load l -> {
                reg = l.src().number();
                off = l.offset();
                size = l.size().bytes();
                write = false;
            }
            case Instruction.StoreImm st -> {
                reg = st.dst().number();
                off = st.offset();
                size = st.size().bytes();
                write = true;
            }
            case Instruction.StoreReg st -> {
                reg = st.dst().number();
                off = st.offset();
                size = st.size().bytes();
                write = true;
            }
            case Instruction.Atomic a -> {
                reg = a.dst().number();
                off = a.offset();
                size = a.size().bytes();
                write = true;
                if (!(s.reg(reg) instanceof Value.Ptr p) || p.kind() == PtrKind.PACKET || p.kind() == PtrKind.CTX
                        || a.op() == AtomicOp.CMPXCHG && s.reg(0) instanceof Value.Uninit) {
                    return Optional.empty();
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        if (!(s.reg(reg) instanceof Value.Ptr p) || p.maybeNull()) {
            return Optional.empty();
        }
        return switch (p.kind()) {
            case PACKET -> env.type().isPresent() && (!env.type().get().packetAccess() || write && !env.type().get().packetWrite())
                    ? Optional.empty()
                    : Optional.of(new AccessObligation(reg, PtrKind.PACKET, -1, off, size));
            case MAP_VALUE -> {
                Optional<BpfMap> m = env.map(p.region());
                if (m.isEmpty() || write && (m.get().flags() & Env.F_RDONLY_PROG) != 0 || m.get().valueSize() < size) {
                    yield Optional.empty();
                }
                yield Optional.of(new AccessObligation(reg, PtrKind.MAP_VALUE, m.get().valueSize(), off, size));
            }
            case MEM -> write && p.ref() == 0 || p.region() < size ? Optional.empty()
                    : Optional.of(new AccessObligation(reg, PtrKind.MEM, p.region(), off, size));
            case STACK -> p.region() > s.depth() ? Optional.empty()
                    : Optional.of(new AccessObligation(reg, PtrKind.STACK, Frame.STACK_SIZE, off, size));
            default -> Optional.empty();
        };
    }

    /** The obligation on the base register's term; {@code packetLength} is the packet's length at that pc. */
    BoolExpr holds(Z3BitVectors bv, BitVecExpr baseTerm, BitVecExpr packetLength) {
        BitVecExpr a = bv.add(baseTerm, bv.num(offset));
        BitVecExpr n = bv.num(size);
        return switch (kind) {
            case PACKET -> bv.both(bv.ule(n, packetLength), bv.ule(a, bv.sub(packetLength, n)));
            case STACK -> bv.both(bv.sle(bv.num(-objectSize), a), bv.sle(a, bv.num(-size)));
            default -> bv.ule(a, bv.num(objectSize - size));
        };
    }

    String describe() {
        return switch (kind) {
            case PACKET -> "packet";
            case STACK -> "stack";
            case MAP_VALUE -> "map value";
            default -> "memory";
        };
    }
}
