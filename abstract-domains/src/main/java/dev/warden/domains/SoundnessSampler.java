package dev.warden.domains;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Checks soundness on random samples at 64 bits, without Z3: for random concrete operands and
 * random abstract values containing them, the abstract result must contain the concrete result.
 * Backs the proofs that Z3 can only do at smaller widths.
 */
public final class SoundnessSampler {

    private SoundnessSampler() {}

    /** A sampled violation, as concrete inputs. */
    public record Violation(String operator, String inputs) {}

    private static final LongBitVectors BV = LongBitVectors.of(64);

    /**
     * {@code samples} checks of {@code op} at {@code width} on the reduced product (each checking
     * every component through {@link Scalars#alu} and then {@link Scalar#sync}).
     */
    public static Optional<Violation> alu(AluOp op, Width width, long samples, long seed) {
        return alu(new Operation.Alu(op), width, samples, seed);
    }

    /** As {@link #alu(AluOp, Width, long, long)} for any operation (the width is ignored by byte-order ones). */
    public static Optional<Violation> alu(Operation op, Width width, long samples, long seed) {
        RandomAbstractValues r = new RandomAbstractValues(new SplittableRandom(seed), 64);
        for (long i = 0; i < samples; i++) {
            long x = r.value();
            long y = r.value();
            ScalarOf<Long> a = r.scalarContaining(x);
            ScalarOf<Long> b = r.scalarContaining(y);
            long z = Semantics.apply(BV, op, width, x, y);
            ScalarOf<Long> pre = Scalars.apply(BV, op, width, a, b);
            boolean ok = Scalars.contains(BV, pre, z) && Scalar.of(pre).sync().contains(z);
            // Each component on its own, at full width (what the Z3 proofs state).
            if (width == Width.W64 || op instanceof ByteOrderOp) {
                ok &= Tnums.contains(BV, Tnums.apply(BV, op, a.tnum(), b.tnum()), z)
                    && URanges.contains(BV, URanges.apply(BV, op, a.u64(), b.u64()), z)
                    && SRanges.contains(BV, SRanges.apply(BV, op, a.s64(), b.s64()), z);
            }
            if (!ok) {
                return Optional.of(new Violation("scalar." + (width == Width.W64 ? "alu64." : "alu32.") + op.label(),
                    "dst=" + Scalar.of(a) + " src=" + Scalar.of(b) + " x=0x" + Long.toHexString(x) + " y=0x" + Long.toHexString(y)
                        + " concrete=0x" + Long.toHexString(z) + " result=" + Scalar.of(pre).sync()));
            }
        }
        return Optional.empty();
    }

    /** {@code samples} checks of branch refinement on {@code cond} at {@code width}. */
    public static Optional<Violation> branch(Cond cond, Width width, long samples, long seed) {
        RandomAbstractValues r = new RandomAbstractValues(new SplittableRandom(seed), 64);
        for (long i = 0; i < samples; i++) {
            long x = r.value();
            long y = i % 3 == 0 ? x + (i % 5) - 2 : r.value(); // often close: equality matters
            Scalar a = Scalar.of(r.scalarContaining(x)).sync();
            Scalar b = i % 2 == 0 ? Scalar.constant(y) : Scalar.of(r.scalarContaining(y)).sync();
            BranchRefinement br = BranchRefinement.of(cond, width, a, b);
            boolean taken = Branches.holds(BV, cond, width, x, y);
            boolean ok = taken ? br.verdict() != Verdict.NEVER && br.takenDst().contains(x) && br.takenSrc().contains(y)
                : br.verdict() != Verdict.ALWAYS && br.fallDst().contains(x) && br.fallSrc().contains(y);
            if (!ok) {
                return Optional.of(new Violation("branch." + cond.name().toLowerCase() + (width == Width.W32 ? "32" : ""),
                    "dst=" + a + " src=" + b + " x=0x" + Long.toHexString(x) + " y=0x" + Long.toHexString(y) + " refinement=" + br));
            }
        }
        return Optional.empty();
    }
}
