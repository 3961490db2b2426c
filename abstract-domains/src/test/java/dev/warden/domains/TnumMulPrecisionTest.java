package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel's current {@code tnum_mul} against the one it replaced, on every pair of 4-bit
 * tnums: how often each is the best tnum of the products, and how often the new one is at least
 * as precise.
 */
class TnumMulPrecisionTest {

    private static final int W = 4;
    private static final LongBitVectors BV = LongBitVectors.of(W);

    private static List<TnumOf<Long>> all() {
        List<TnumOf<Long>> out = new ArrayList<>();
        for (long m = 0; m < (1 << W); m++) {
            for (long v = 0; v < (1 << W); v++) {
                if ((v & m) == 0) {
                    out.add(new TnumOf<>(v, m));
                }
            }
        }
        return out;
    }

    private static TnumOf<Long> best(TnumOf<Long> a, TnumOf<Long> b) {
        long and = -1;
        long or = 0;
        for (long x = 0; x < (1 << W); x++) {
            for (long y = 0; y < (1 << W); y++) {
                if (Tnums.contains(BV, a, x) && Tnums.contains(BV, b, y)) {
                    long z = Semantics.apply(BV, AluOp.MUL, x, y);
                    and &= z;
                    or |= z;
                }
            }
        }
        long mask = (and ^ or) & LongBitVectors.mask(W);
        return new TnumOf<>(and & ~mask & LongBitVectors.mask(W), mask);
    }

    @Test
    void theCurrentKernelMultiplicationIsMorePrecise() {
        int cases = 0;
        int newBest = 0;
        int oldBest = 0;
        int newNoWorse = 0;
        for (TnumOf<Long> a : all()) {
            for (TnumOf<Long> b : all()) {
                TnumOf<Long> best = best(a, b);
                TnumOf<Long> now = Tnums.mul(BV, a, b);
                TnumOf<Long> before = Tnums.mulCgo2022(BV, a, b);
                assertTrue(Tnums.leq(BV, best, now) && Tnums.leq(BV, best, before), "unsound");
                cases++;
                newBest += now.equals(best) ? 1 : 0;
                oldBest += before.equals(best) ? 1 : 0;
                newNoWorse += Tnums.leq(BV, now, before) ? 1 : 0;
            }
        }
        System.out.printf("tnum mul, all 4-bit pairs (%d): best %.1f %% (kernel 6.18) vs %.1f %% (CGO 2022); no less precise on %.1f %%%n",
            cases, 100.0 * newBest / cases, 100.0 * oldBest / cases, 100.0 * newNoWorse / cases);
        assertEquals(81 * 81, cases);
        assertTrue(newBest > oldBest, newBest + " vs " + oldBest);
    }
}
