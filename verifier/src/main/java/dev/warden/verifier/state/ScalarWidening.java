package dev.warden.verifier.state;

import dev.warden.domains.SInterval;
import dev.warden.domains.Scalar;
import dev.warden.domains.UInterval;

/**
 * Widening of scalars with program thresholds: each bound that grew jumps to the next threshold.
 * The result is deliberately not synchronised: synchronising through the joined tnum could pull a
 * widened bound back and make the ascending chain infinite (docs/verifier.md, domain hazards).
 * Each bound can only climb through the finitely many thresholds and the tnum only joins, so
 * repeated widening stabilises.
 */
public final class ScalarWidening {
    private ScalarWidening() {}

    public static Scalar widen(Scalar old, Scalar next, Thresholds t) {
        if (old.isBottom()) {
            return next;
        }
        if (next.isBottom() || old.equals(next)) {
            return old;
        }
        Scalar j = old.join(next);
        if (j.equals(old)) {
            return old;
        }
        UInterval u64 = unsigned(old.u64(), j.u64(), t.unsigned64());
        SInterval s64 = signed(old.s64(), j.s64(), t.signed64());
        UInterval u32 = unsigned(old.u32(), j.u32(), t.unsigned32());
        SInterval s32 = signed(old.s32(), j.s32(), t.signed32());
        return new Scalar(j.tnum(), u64, s64, u32, s32);
    }

    private static UInterval unsigned(UInterval old, UInterval j, long[] th) {
        long lo = j.lo();
        long hi = j.hi();
        if (Long.compareUnsigned(lo, old.lo()) < 0) {
            long best = th[0];
            for (long x : th) {
                if (Long.compareUnsigned(x, lo) <= 0) {
                    best = x;
                }
            }
            lo = best;
        }
        if (Long.compareUnsigned(hi, old.hi()) > 0) {
            long best = th[th.length - 1];
            for (int i = th.length - 1; i >= 0; i--) {
                if (Long.compareUnsigned(th[i], hi) >= 0) {
                    best = th[i];
                }
            }
            hi = best;
        }
        return new UInterval(lo, hi);
    }

    private static SInterval signed(SInterval old, SInterval j, long[] th) {
        long lo = j.lo();
        long hi = j.hi();
        if (lo < old.lo()) {
            long best = th[0];
            for (long x : th) {
                if (x <= lo) {
                    best = x;
                }
            }
            lo = best;
        }
        if (hi > old.hi()) {
            long best = th[th.length - 1];
            for (int i = th.length - 1; i >= 0; i--) {
                if (th[i] >= hi) {
                    best = th[i];
                }
            }
            hi = best;
        }
        return new SInterval(lo, hi);
    }
}
