package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.domains.LongBitVectors;
import dev.warden.domains.TnumOf;
import dev.warden.domains.Tnums;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The two facts that turn the per-round lemma {@code tnum.mul.round} (proved at 64 bits) into the
 * soundness of {@code Tnums.mul} at 64 bits, checked on the Java code: the concrete loop that the
 * lemma follows ({@link TnumMulLoop#round}: add {@code y} when {@code x} is odd, then
 * {@code x >>>= 1}, {@code y <<= 1}) ends, after 64 rounds, with the product; and
 * {@code Tnums.mul} is exactly 64 rounds of {@code Tnums.mulRound} from the constant 0 and the
 * operands. The first is also proved at 64 bits ({@code tnum.mul.induction} by Z3,
 * {@code tnum.mul.unrolled} by Bitwuzla: {@link TnumMulByRoundsTest}); the second is about the
 * shape of the Java loop, which only a test checks.
 */
class ShiftAndAddIsMultiplicationTest {

    @Test
    void sixtyFourRoundsOfShiftAndAddAreTheProduct() {
        LongBitVectors bv = LongBitVectors.of(64);
        SplittableRandom rng = new SplittableRandom(64);
        long[] edges = {0, 1, 2, 3, -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, 0xffff_ffffL, 1L << 32};
        for (int i = 0; i < 200_000; i++) {
            long x = i < edges.length * edges.length ? edges[i % edges.length] : rng.nextLong();
            long y = i < edges.length * edges.length ? edges[i / edges.length] : rng.nextLong();
            // The loop that the obligations state (TnumMulLoop.rounds), run on longs.
            long p = TnumMulLoop.rounds(bv, new TnumMulLoop.State<>(0L, x, y)).p();
            assertEquals(x * y, p, () -> Long.toHexString(x) + " * " + Long.toHexString(y));
        }
    }

    @Test
    void tnumMulIsSixtyFourRounds() {
        LongBitVectors bv = LongBitVectors.of(64);
        SplittableRandom rng = new SplittableRandom(65);
        for (int i = 0; i < 2_000; i++) {
            long m1 = rng.nextLong() & rng.nextLong();
            long m2 = rng.nextLong() & rng.nextLong();
            TnumOf<Long> a = new TnumOf<>(rng.nextLong() & ~m1, m1);
            TnumOf<Long> b = new TnumOf<>(rng.nextLong() & ~m2, m2);
            Tnums.MulRound<Long> r = new Tnums.MulRound<>(Tnums.constant(bv, 0L), a, b);
            for (int round = 0; round < 64; round++) {
                r = Tnums.mulRound(bv, r);
            }
            assertEquals(Tnums.mul(bv, a, b), r.acc(), () -> a + " * " + b);
        }
    }
}
