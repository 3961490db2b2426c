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
import java.util.List;
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
record AccessObligation(int reg, PtrKind kind, long objectSize, long offset, int size, long from) {

    AccessObligation(int reg, PtrKind kind, long objectSize, long offset, int size) {
        this(reg, kind, objectSize, offset, size, 0);
    }

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
            case HOST -> host(env, p, reg, off, size, write);
            default -> Optional.empty();
        };
    }

    /**
     * Host memory under an EIM class: the bytes must lie in one run of adjacent grants of the
     * access's direction; the run is the one holding the lowest offset the state allows (or the
     * only run there is). Value constraints on writes are checked apart, whatever this proves.
     */
    private static Optional<AccessObligation> host(Env env, Value.Ptr p, int reg, int off, int size, boolean write) {
        if (env.eim().isEmpty()) {
            return Optional.empty();
        }
        dev.warden.verifier.eim.HostObject o = env.eim().get().platform().object(p.region());
        List<long[]> runs = o.runs(write ? dev.warden.eim.AccessOp.WRITE : dev.warden.eim.AccessOp.READ);
        long lo = p.off().s64().lo() + off;
        long[] chosen = null;
        for (long[] r : runs) {
            if (r[0] <= lo && lo < r[1]) {
                chosen = r;
            }
        }
        if (chosen == null && runs.size() == 1) {
            chosen = runs.getFirst();
        }
        if (chosen == null || chosen[1] - chosen[0] < size || chosen[1] > o.size()) {
            return Optional.empty();
        }
        return Optional.of(new AccessObligation(reg, PtrKind.HOST, chosen[1], off, size, chosen[0]));
    }

    /** The obligation on the base register's term; {@code packetLength} is the packet's length at that pc. */
    BoolExpr holds(Z3BitVectors bv, BitVecExpr baseTerm, BitVecExpr packetLength) {
        BitVecExpr a = bv.add(baseTerm, bv.num(offset));
        BitVecExpr n = bv.num(size);
        return switch (kind) {
            case PACKET -> bv.both(bv.ule(n, packetLength), bv.ule(a, bv.sub(packetLength, n)));
            case STACK -> bv.both(bv.sle(bv.num(-objectSize), a), bv.sle(a, bv.num(-size)));
            // Bytes [from, objectSize) of host memory: from <= a <= objectSize - size, exact modulo 2^64 as above.
            case HOST -> bv.both(bv.ule(bv.num(from), a), bv.ule(a, bv.num(objectSize - size)));
            default -> bv.ule(a, bv.num(objectSize - size));
        };
    }

    String describe() {
        return switch (kind) {
            case PACKET -> "packet";
            case STACK -> "stack";
            case MAP_VALUE -> "map value";
            case HOST -> "host memory";
            default -> "memory";
        };
    }
}
