package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.domains.BitVectors;
import dev.warden.domains.LongBitVectors;
import java.util.function.Function;

/**
 * Every primitive of a solver's {@link BitVectors} against {@link LongBitVectors} on edge values,
 * by evaluating the solver's terms built from constants: what the Z3 encodings' agreement tests
 * share.
 */
final class PrimitivesAgreeWithJava {

    private PrimitivesAgreeWithJava() {}

    static long[] edgeValues(int w) {
        long m = LongBitVectors.mask(w);
        long min = 1L << (w - 1);
        return new long[] {0, 1, 2, 3, w - 1, w, w + 1, m, m - 1, min, min - 1, min + 1, 0x7f, 0x80, 0xff & m, 0x1234_5678_9abc_def0L & m};
    }

    /** Checks every primitive of {@code q} at widths 64, 32, 8, 5 and 1; {@code v} and {@code t} evaluate closed terms. */
    static <V, B> void onEdgeValues(Function<Integer, BitVectors<V, B>> algebra, Function<V, Long> v, Function<B, Boolean> t) {
        for (int w : new int[] {64, 32, 8, 5, 1}) {
            LongBitVectors j = LongBitVectors.of(w);
            BitVectors<V, B> q = algebra.apply(w);
            assertEquals(j.minSigned(), v.apply(q.minSigned()), "minSigned w=" + w);
            assertEquals(j.maxSigned(), v.apply(q.maxSigned()), "maxSigned w=" + w);
            long[] vs = edgeValues(w);
            for (long a0 : vs) {
                for (long b0 : vs) {
                    long a = LongBitVectors.truncate(a0, w);
                    long b = LongBitVectors.truncate(b0, w);
                    V qa = q.num(a);
                    V qb = q.num(b);
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " b=" + Long.toHexString(b);
                    assertEquals(j.add(a, b), v.apply(q.add(qa, qb)), "add " + at);
                    assertEquals(j.sub(a, b), v.apply(q.sub(qa, qb)), "sub " + at);
                    assertEquals(j.mul(a, b), v.apply(q.mul(qa, qb)), "mul " + at);
                    assertEquals(j.neg(a), v.apply(q.neg(qa)), "neg " + at);
                    assertEquals(j.not(a), v.apply(q.not(qa)), "not " + at);
                    assertEquals(j.and(a, b), v.apply(q.and(qa, qb)), "and " + at);
                    assertEquals(j.or(a, b), v.apply(q.or(qa, qb)), "or " + at);
                    assertEquals(j.xor(a, b), v.apply(q.xor(qa, qb)), "xor " + at);
                    assertEquals(j.shl(a, b), v.apply(q.shl(qa, qb)), "shl " + at);
                    assertEquals(j.lshr(a, b), v.apply(q.lshr(qa, qb)), "lshr " + at);
                    assertEquals(j.ashr(a, b), v.apply(q.ashr(qa, qb)), "ashr " + at);
                    assertEquals(j.udiv(a, b), v.apply(q.udiv(qa, qb)), "udiv " + at);
                    assertEquals(j.urem(a, b), v.apply(q.urem(qa, qb)), "urem " + at);
                    assertEquals(j.sdiv(a, b), v.apply(q.sdiv(qa, qb)), "sdiv " + at);
                    assertEquals(j.srem(a, b), v.apply(q.srem(qa, qb)), "srem " + at);
                    assertEquals(j.eq(a, b), t.apply(q.eq(qa, qb)), "eq " + at);
                    assertEquals(j.ult(a, b), t.apply(q.ult(qa, qb)), "ult " + at);
                    assertEquals(j.ule(a, b), t.apply(q.ule(qa, qb)), "ule " + at);
                    assertEquals(j.slt(a, b), t.apply(q.slt(qa, qb)), "slt " + at);
                    assertEquals(j.sle(a, b), t.apply(q.sle(qa, qb)), "sle " + at);
                    assertEquals(j.umulOverflow(a, b), t.apply(q.umulOverflow(qa, qb)), "umulOverflow " + at);
                    assertEquals(j.smulOverflow(a, b), t.apply(q.smulOverflow(qa, qb)), "smulOverflow " + at);
                }
                long a = LongBitVectors.truncate(a0, w);
                for (int k = 0; k <= w; k++) {
                    // Shifts by a constant: the Z3 integer encoding keeps these in integer arithmetic.
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " k=" + k;
                    assertEquals(j.shl(a, k), v.apply(q.shl(q.num(a), k)), "shl by constant " + at);
                    assertEquals(j.lshr(a, k), v.apply(q.lshr(q.num(a), k)), "lshr by constant " + at);
                    assertEquals(j.ashr(a, k), v.apply(q.ashr(q.num(a), k)), "ashr by constant " + at);
                }
                for (int bits = 1; bits <= w; bits++) {
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " bits=" + bits;
                    assertEquals(j.low(a, bits), v.apply(q.low(q.num(a), bits)), "low " + at);
                    long l = LongBitVectors.truncate(a, bits);
                    assertEquals(j.zext(l, bits), v.apply(q.zext(q.withWidth(bits).num(l), bits)), "zext " + at);
                    assertEquals(j.sext(l, bits), v.apply(q.sext(q.withWidth(bits).num(l), bits)), "sext " + at);
                }
            }
        }
    }
}
