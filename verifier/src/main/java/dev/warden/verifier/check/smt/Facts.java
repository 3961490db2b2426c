package dev.warden.verifier.check.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import dev.warden.domains.BitVectors;
import dev.warden.domains.RangeOf;
import dev.warden.domains.Scalar;
import dev.warden.domains.ScalarOf;
import dev.warden.domains.Scalars;
import dev.warden.domains.TnumOf;
import dev.warden.smt.Z3BitVectors;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * What an abstract value says about a term, as a formula: the concretisation of the domains'
 * scalar (tnum, unsigned and signed 64- and 32-bit bounds) through {@link Scalars#contains}, the
 * very definition the domain proofs use, instantiated on Z3 terms.
 */
final class Facts {
    private Facts() {}

    /** {@code term ∈ γ(v)} for a term read with signature {@link Sig#of}(v); true where nothing is known. */
    static BoolExpr of(Z3BitVectors bv, Value v, BitVecExpr term, BitVecExpr packetLength) {
        return switch (v) {
            case Value.Uninit u -> bv.bool(true);
            case Value.Num n -> scalar(bv, n.scalar(), term);
            case Value.Ptr p when p.maybeNull() -> bv.bool(true);
            case Value.Ptr p when p.kind() == PtrKind.PACKET_END -> p.off().isConstant()
                    ? bv.eq(term, bv.add(packetLength, bv.num(p.off().tnum().value())))
                    : bv.bool(true);
            case Value.Ptr p when Sig.of(p).isOffsetPointer() -> scalar(bv, p.off(), term);
            case Value.Ptr p -> bv.bool(true);
        };
    }

    static BoolExpr scalar(Z3BitVectors bv, Scalar s, BitVecExpr term) {
        if (s.equals(Scalar.top())) {
            return bv.bool(true);
        }
        return Scalars.contains(bv, constants(bv, s), term);
    }

    /** The scalar's bounds as Z3 constants, 32-bit ones at 32 bits. */
    static ScalarOf<BitVecExpr> constants(Z3BitVectors bv, Scalar s) {
        BitVectors<BitVecExpr, BoolExpr> h = bv.withWidth(32);
        return new ScalarOf<>(new TnumOf<>(bv.num(s.tnum().value()), bv.num(s.tnum().mask())),
                new RangeOf<>(bv.num(s.u64().lo()), bv.num(s.u64().hi())),
                new RangeOf<>(bv.num(s.s64().lo()), bv.num(s.s64().hi())),
                new RangeOf<>(h.num(s.u32().lo()), h.num(s.u32().hi())),
                new RangeOf<>(h.num(s.s32().lo()), h.num(s.s32().hi())));
    }

    static BoolExpr all(Z3BitVectors bv, List<BoolExpr> parts) {
        BoolExpr out = bv.bool(true);
        for (BoolExpr p : parts) {
            out = bv.both(out, p);
        }
        return out;
    }

    static List<BoolExpr> list() {
        return new ArrayList<>();
    }
}
