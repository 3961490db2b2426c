package dev.warden.verifier.state;

import dev.warden.domains.Scalar;

/** Join and widening of single values (the state-wide operators are in {@link AbstractState}). */
public final class Lattice {
    private Lattice() {}

    /** Whether a join or a widening (at a loop head) is wanted. */
    public enum Mode { JOIN, WIDEN }

    public static Value join(Value a, Value b, Mode mode, Thresholds t) {
        return join(a, b, mode, t, LengthFact.LengthFloor.ZERO, LengthFact.LengthFloor.ZERO);
    }

    /** The join of values of two states; {@code fa}, {@code fb} say what each knows of run-time lengths. */
    public static Value join(Value a, Value b, Mode mode, Thresholds t, LengthFact.LengthFloor fa, LengthFact.LengthFloor fb) {
        if (a == b || a.equals(b)) {
            return a;
        }
        if (a instanceof Value.Uninit || b instanceof Value.Uninit) {
            return Value.UNINIT;
        }
        if (a instanceof Value.Num x && b instanceof Value.Num y) {
            boolean linked = x.id() == y.id() && x.view() == y.view();
            LengthFact f = x.fact() == y.fact() ? x.fact()
                    : LengthFact.join(x.fact(), x.scalar(), fa, y.fact(), y.scalar(), fb, mode, LengthFact.Holder.NUMBER);
            return new Value.Num(scalar(x.scalar(), y.scalar(), mode, t), linked ? x.id() : 0, linked ? x.view() : Value.View.FULL, f);
        }
        if (a instanceof Value.Ptr p && b instanceof Value.Ptr q) {
            Value j = pointers(p, q, mode, t);
            if (p.fact() != q.fact() && j instanceof Value.Ptr r && r.kind() == PtrKind.HOST) {
                return r.withFact(LengthFact.join(p.fact(), p.off(), fa, q.fact(), q.off(), fb, mode, LengthFact.Holder.POINTER));
            }
            return p.fact() == q.fact() && j instanceof Value.Ptr r ? r.withFact(p.fact()) : j;
        }
        // A pointer on one path and null on the other: a maybe-null pointer. The link (id) is lost,
        // since the copies of the pointer were not null on the other path.
        Value.Ptr p = a instanceof Value.Ptr pa ? pa : (Value.Ptr) b;
        Value.Num n = a instanceof Value.Num na ? na : (Value.Num) b;
        if (p.kind() == PtrKind.HEAP && !(n.scalar().isConstant() && n.scalar().tnum().value() == 0)) {
            // A heap pointer on one path and a number on the other: some heap address (the heap holds
            // numbers and heap pointers alike, and the guard confines whichever it is).
            return new Value.Ptr(PtrKind.HEAP, 0, Scalar.top(), 0, 0, Nullness.MAYBE_NULL, 0);
        }
        if (n.scalar().isConstant() && n.scalar().tnum().value() == 0 && canBeNull(p.kind())) {
            return new Value.Ptr(p.kind(), p.region(), p.off(), 0, p.fix(), Nullness.MAYBE_NULL, p.ref());
        }
        return Value.TOP;
    }

    /**
     * Kinds whose join with the number 0 is "this pointer or NULL". A stack pointer is among them:
     * a program passes a stack buffer or NULL to a helper that takes either (bpf_csum_diff's
     * {@code from}), or keeps "buffer or NULL" across a loop; every use of a maybe-null pointer
     * (an access, arithmetic, a helper argument that does not take NULL) is refused until a null
     * check. Packet pointers are not: their ids carry proved ranges that a NULL would not have.
     */
    static boolean canBeNull(PtrKind k) {
        return switch (k) {
            case MAP_VALUE, MEM, SOCKET, BTF_ID, BTF_UNTRUSTED, CTX, MAP, ITER_BUF, ARG_MEM, HOST, HEAP, STACK -> true;
            default -> false;
        };
    }

    private static Value pointers(Value.Ptr p, Value.Ptr q, Mode mode, Thresholds t) {
        if (p.kind() == PtrKind.HEAP && q.kind() == PtrKind.HEAP && p.region() != q.region()) {
            // Two heap objects (or an object and a loaded address): some heap address; the guard confines it.
            Nullness n = p.maybeNull() || q.maybeNull() ? Nullness.MAYBE_NULL : Nullness.NOT_NULL;
            return new Value.Ptr(PtrKind.HEAP, 0, Scalar.top(), 0, 0, n, 0);
        }
        if (p.kind() != q.kind() || p.region() != q.region() || p.ref() != q.ref()) {
            return Value.TOP;
        }
        Scalar off = scalar(p.off(), q.off(), mode, t);
        int id = p.id() == q.id() ? p.id() : 0;
        long fix = p.fix();
        if (p.kind() == PtrKind.PACKET && (id == 0 || p.fix() != q.fix())) {
            // Without a common variable part the offset counts from data itself (id 0).
            id = 0;
            fix = 0;
        }
        Nullness n = p.maybeNull() || q.maybeNull() ? Nullness.MAYBE_NULL : Nullness.NOT_NULL;
        return new Value.Ptr(p.kind(), p.region(), off, id, fix, n, p.ref());
    }

    static Scalar scalar(Scalar a, Scalar b, Mode mode, Thresholds t) {
        if (a.equals(b)) {
            return a;
        }
        return mode == Mode.WIDEN ? ScalarWidening.widen(a, b, t) : a.join(b);
    }
}
