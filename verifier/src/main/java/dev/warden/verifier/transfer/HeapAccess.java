package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.Optional;

/**
 * Loads and stores into the extension's own heap (KFlex). Heap pointers come from the allocator
 * ({@code kflex_alloc}: an object of a known size, or null), from {@code kflex_root} (the heap's
 * root object, where an extension keeps its data structures' roots) and from 8-byte loads out of
 * the heap (a pointer stored there comes back as "some heap address, or null": the heap holds only
 * numbers and heap pointers, and the verifier cannot tell which an 8-byte word is). The verifier
 * proves what it can: an access at an offset bounded inside a known object needs no guard.
 * Everything else through a heap pointer is accepted and confined by the runtime's guard
 * ({@code vm.HeapSandbox}: one mask, one add), so it may read or write any heap byte but nothing
 * outside the heap. A plain number is never an address, so a value that is a heap pointer on one
 * path and other memory on another (joined to a number) cannot be dereferenced.
 */
final class HeapAccess {
    private HeapAccess() {}

    /** What an 8-byte load from the heap gives: some heap address or null, linked by {@code site} for null checks. */
    static Value.Ptr loaded(int site) {
        return new Value.Ptr(PtrKind.HEAP, 0, Scalar.top(), site, 0, Nullness.MAYBE_NULL, 0);
    }

    /** Whether {@code size} bytes at {@code p + off} lie inside the object {@code p} points into. */
    static boolean insideObject(Value.Ptr p, int off, int size) {
        Scalar o = p.off();
        return p.region() > 0 && !p.maybeNull() && Sizes.bounded(o) && o.s64().lo() + off >= 0
                && o.s64().hi() + off + size <= p.region();
    }

    /**
     * A load or store of {@code size} bytes at {@code p + off} in the heap: proved (no guard) inside
     * the object, otherwise guarded. The allocator's result must be checked against NULL first, as
     * any helper result; an address loaded from the heap need not be (the guard confines NULL too).
     */
    static Sink.Proof check(AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Sink sink) {
        if (p.maybeNull() && p.region() > 0) {
            sink.violation(pc, new Obligation.NonNull(reg), "R" + reg + " may be null: check the allocator's result against NULL"
                    + " before using it", s);
            return Sink.Proof.UNPROVED;
        }
        return insideObject(p, off, size) ? Sink.Proof.PROVED : Sink.Proof.UNPROVED;
    }

    /** A store of {@code v} into the heap: numbers and heap pointers only. */
    static void stored(AbstractState s, int pc, Value v, Sink sink) {
        if (v instanceof Value.Ptr q && q.kind() != PtrKind.HEAP) {
            sink.violation(pc, new Obligation.NoPointerLeak("the heap"), "only numbers and heap pointers may be stored into the heap, not "
                    + Access.describe(q), s);
        }
    }

    /**
     * The heap pointer in {@code reg}, if it holds one. With a heap, NULL is a heap address too: a
     * heap pointer a null check found null (compiled code often keeps a "not found" NULL beside a
     * flag, and the analysis joins them apart) confines to the heap's unused first bytes.
     */
    static Optional<Value.Ptr> base(Env env, AbstractState s, int reg) {
        return switch (s.reg(reg)) {
            case Value.Ptr p when p.kind() == PtrKind.HEAP -> Optional.of(p);
            case Value.Num n when env.platform().heap().isPresent() && n.scalar().isConstant() && n.scalar().tnum().value() == 0 ->
                    Optional.of(new Value.Ptr(PtrKind.HEAP, 0, Scalar.constant(0), 0, 0, Nullness.NOT_NULL, 0));
            default -> Optional.empty();
        };
    }
}
