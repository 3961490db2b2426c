package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.Optional;

/**
 * Loads and stores into the extension's own heap (KFlex). The verifier proves what it can: an
 * access through a pointer the allocator returned, at an offset bounded inside the object's size,
 * needs no guard. Everything else that addresses the heap (a pointer loaded back from the heap is a
 * number here, and a number used as an address is a heap address) is accepted and confined by the
 * runtime's guard ({@code vm.HeapSandbox}: one mask, one add), so it may read or write any heap byte
 * but nothing outside the heap. Only numbers and heap pointers may be stored into the heap, so the
 * heap never holds the address of other memory.
 */
final class HeapAccess {
    private HeapAccess() {}

    /** What a number used as an address is when the platform has a heap: some heap address. */
    static Value.Ptr anyAddress(Scalar address) {
        return new Value.Ptr(PtrKind.HEAP, 0, address, 0, 0, Nullness.NOT_NULL, 0);
    }

    /** Whether {@code size} bytes at {@code p + off} lie inside the object {@code p} points into. */
    static boolean insideObject(Value.Ptr p, int off, int size) {
        Scalar o = p.off();
        return p.region() > 0 && Sizes.bounded(o) && o.s64().lo() + off >= 0 && o.s64().hi() + off + size <= p.region();
    }

    /**
     * A load or store of {@code size} bytes at {@code p + off} in the heap: proved (no guard) inside
     * the object, otherwise guarded. A maybe-null pointer from the allocator must be checked first,
     * as for any helper result.
     */
    static Sink.Proof check(AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Sink sink) {
        if (p.maybeNull()) {
            sink.violation(pc, ObligationKind.NON_NULL, "R" + reg + " may be null: check the allocator's result against NULL"
                    + " before using it", s);
            return Sink.Proof.UNPROVED;
        }
        return insideObject(p, off, size) ? Sink.Proof.PROVED : Sink.Proof.UNPROVED;
    }

    /** A store of {@code v} into the heap: numbers and heap pointers only. */
    static void stored(AbstractState s, int pc, Value v, Sink sink) {
        if (v instanceof Value.Ptr q && q.kind() != PtrKind.HEAP) {
            sink.violation(pc, ObligationKind.NO_POINTER_LEAK, "only numbers and heap pointers may be stored into the heap, not "
                    + Access.describe(q), s);
        }
    }

    /** The heap pointer in {@code reg} for a load or store, when it holds one or a number with a heap present. */
    static Optional<Value.Ptr> base(Env env, AbstractState s, int reg) {
        if (!env.platform().heap().isPresent()) {
            return Optional.empty();
        }
        return switch (s.reg(reg)) {
            case Value.Ptr p when p.kind() == PtrKind.HEAP -> Optional.of(p);
            case Value.Num n when !(n.scalar().isConstant() && n.scalar().tnum().value() == 0) -> Optional.of(anyAddress(n.scalar()));
            default -> Optional.empty();
        };
    }
}
