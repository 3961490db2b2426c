package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Spill;
import dev.warden.verifier.state.Value;
import java.util.Optional;

/**
 * Dynptrs: 16 bytes of the program's stack that a helper initialises ({@code
 * bpf_ringbuf_reserve_dynptr}, {@code bpf_dynptr_from_mem}) and others use; every access to the
 * memory behind one is bounds-checked by the helper at run time, so the verifier's part is the
 * slot itself: it must be a whole, initialised dynptr where one is used, it cannot be copied
 * (its bytes read back are a number), and one that holds a ring buffer reservation is a reference:
 * it must be submitted or discarded on every path (even when the reservation failed, as in the
 * kernel) and may not be overwritten while it holds it.
 */
final class Dynptrs {
    private Dynptrs() {}

    static final int DYNPTR_SIZE = 16;
    static final int DYNPTR_FROM_MEM = 197;
    static final int RINGBUF_RESERVE_DYNPTR = 198;
    static final int RINGBUF_SUBMIT_DYNPTR = 199;
    static final int RINGBUF_DISCARD_DYNPTR = 200;
    static final int DYNPTR_DATA = 203;

    /** The frame and byte index of the dynptr slot {@code v} points to, or empty after reporting why it cannot be one. */
    private static Optional<int[]> slot(AbstractState s, int pc, HelperPrototype h, int reg, Value v, Sink sink) {
        if (!(v instanceof Value.Ptr p) || p.kind() != PtrKind.STACK || p.maybeNull() || !p.off().isConstant()) {
            fail(sink, pc, s, h, reg, "must point to a dynptr on the stack at a constant offset, not " + v);
            return Optional.empty();
        }
        long off = p.off().tnum().value();
        if (p.region() > s.depth() || off % 8 != 0 || off < -Frame.STACK_SIZE || off + DYNPTR_SIZE > 0) {
            fail(sink, pc, s, h, reg, "must point to 16 stack bytes aligned to 8 inside the frame, not fp" + off);
            return Optional.empty();
        }
        return Optional.of(new int[] {p.region(), (int) (off + Frame.STACK_SIZE)});
    }

    /** The dynptr whose first byte is at {@code at} of frame {@code depth}, when both halves are there. */
    private static Optional<Value.Ptr> at(AbstractState s, int depth, int at) {
        Frame f = s.frame(depth);
        if (f.stackAt(at) instanceof Spill a && a.start() == at && a.size() == 8 && a.value() instanceof Value.Ptr p
                && p.kind() == PtrKind.DYNPTR && p.off().isConstant() && p.off().tnum().value() == 0 && p.id() != 0
                && f.stackAt(at + 8) instanceof Spill b && b.start() == at + 8 && b.size() == 8 && b.value() instanceof Value.Ptr q
                && q.kind() == PtrKind.DYNPTR && q.id() == p.id() && q.ref() == p.ref() && q.region() == p.region()
                && q.off().isConstant() && q.off().tnum().value() == 8) {
            return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * The reservation a dynptr in {@code [lo, hi)} of frame {@code depth} holds, if a write there would
     * overwrite one (the kernel refuses: the reservation could then never be submitted).
     */
    static Optional<Value.Ptr> referenced(AbstractState s, int depth, int lo, int hi) {
        if (depth > s.depth()) {
            return Optional.empty();
        }
        Frame f = s.frame(depth);
        for (int i = Math.max(lo, 0); i < Math.min(hi, Frame.STACK_SIZE); i++) {
            if (f.stackAt(i) instanceof Spill sp && sp.value() instanceof Value.Ptr p && p.kind() == PtrKind.DYNPTR
                    && p.ref() != 0) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A PTR_TO_DYNPTR argument: an initialised dynptr (ring buffer submit and discard: one holding a reservation). */
    static AbstractState use(Env env, AbstractState out, AbstractState s, int pc, HelperPrototype h, int reg, Value v, Sink sink) {
        Optional<int[]> slot = slot(s, pc, h, reg, v, sink);
        if (slot.isEmpty()) {
            return out;
        }
        Optional<Value.Ptr> d = at(s, slot.get()[0], slot.get()[1]);
        if (d.isEmpty()) {
            fail(sink, pc, s, h, reg, "must point to an initialised dynptr (from bpf_ringbuf_reserve_dynptr or"
                    + " bpf_dynptr_from_mem, not overwritten, submitted or discarded since)");
            return out;
        }
        if (h.id() == RINGBUF_SUBMIT_DYNPTR || h.id() == RINGBUF_DISCARD_DYNPTR) {
            if (d.get().region() != PtrKind.DYNPTR_RINGBUF || d.get().ref() == 0) {
                fail(sink, pc, s, h, reg, "must point to a dynptr from bpf_ringbuf_reserve_dynptr");
                return out;
            }
            int ref = d.get().ref();
            // Submitted or discarded: the slot and everything derived from the reservation are dead.
            return out.release(ref).mapValues(x -> x instanceof Value.Ptr q && q.ref() == ref ? Value.TOP : x);
        }
        return out;
    }

    /** A PTR_TO_UNINIT_DYNPTR argument: the helper makes the 16 bytes a new dynptr (a reservation for ringbuf ones). */
    static AbstractState create(Env env, AbstractState out, AbstractState s, int pc, HelperPrototype h, int reg, Value v, Sink sink) {
        Optional<int[]> slot = slot(s, pc, h, reg, v, sink);
        if (slot.isEmpty()) {
            return out;
        }
        int depth = slot.get()[0];
        int at = slot.get()[1];
        Optional<Value.Ptr> held = referenced(s, depth, at, at + DYNPTR_SIZE);
        if (held.isPresent()) {
            fail(sink, pc, s, h, reg, "points to a dynptr that still holds the ring buffer reservation of pc "
                    + (held.get().ref() - 1) + ": submit or discard it first");
            return out;
        }
        if (h.id() == DYNPTR_FROM_MEM && !(s.reg(1) instanceof Value.Ptr m && m.kind() == PtrKind.MAP_VALUE)) {
            // The kernel takes only map values here: a dynptr over the stack would let bpf_dynptr_write
            // change stack bytes (a spilled pointer, say) behind the verifier's back.
            fail(sink, pc, s, h, 1, "must point into a map value (the kernel's only memory for bpf_dynptr_from_mem), not "
                    + s.reg(1));
        }
        int site = pc + 1;
        boolean ringbuf = h.id() == RINGBUF_RESERVE_DYNPTR;
        int ref = ringbuf ? site : 0;
        int region = ringbuf ? PtrKind.DYNPTR_RINGBUF : PtrKind.DYNPTR_LOCAL;
        // The halves share an id that no register link uses (negative: the call's own site id is r0's).
        int id = -site;
        out = out.forgetId(id);
        out = StackOps.write(out, depth, at, 8, new Value.Ptr(PtrKind.DYNPTR, region, Scalar.constant(0), id, 0, Nullness.NOT_NULL, ref));
        out = StackOps.write(out, depth, at + 8, 8, new Value.Ptr(PtrKind.DYNPTR, region, Scalar.constant(8), id, 0,
                Nullness.NOT_NULL, ref));
        return ringbuf ? out.acquire(ref) : out;
    }

    /** What {@code bpf_dynptr_data} returns: {@code len} (a constant) bytes or NULL, read-only here (see docs/verifier.md). */
    static Value data(AbstractState before, int site) {
        long size = before.reg(3) instanceof Value.Num n && n.scalar().isConstant() ? n.scalar().tnum().value() : 0;
        return new Value.Ptr(PtrKind.MEM, (int) Math.min(Math.max(size, 0), Integer.MAX_VALUE), Scalar.constant(0), site, 0,
                Nullness.MAYBE_NULL, 0);
    }

    private static void fail(Sink sink, int pc, AbstractState s, HelperPrototype h, int reg, String what) {
        sink.violation(pc, new Obligation.HelperArgument(h.name(), reg, what), "R" + reg + " (argument " + reg + " of " + h.name() + ") " + what, s);
    }
}
