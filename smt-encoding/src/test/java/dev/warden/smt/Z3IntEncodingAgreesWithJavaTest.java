package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.IntExpr;
import dev.warden.domains.LongBitVectors;
import dev.warden.domains.Operation;
import dev.warden.domains.RandomAbstractValues;
import dev.warden.domains.RangeOf;
import dev.warden.domains.SRanges;
import dev.warden.domains.Semantics;
import dev.warden.domains.URanges;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 64-bit proofs on integers ({@link Z3IntBitVectors}) are about the Java code only if that
 * second encoding of the primitives computes what {@link LongBitVectors} computes: every primitive
 * on edge values at widths 64, 32, 8, 5 and 1 (the shifts by a constant, which stay in integer
 * arithmetic, included), then the concrete semantics and both interval domains' operators on
 * random inputs, evaluated on constants.
 */
class Z3IntEncodingAgreesWithJavaTest {

    private static Z3IntSession z;

    @BeforeAll
    static void open() {
        z = new Z3IntSession(Duration.ofSeconds(10));
    }

    @AfterAll
    static void close() {
        z.close();
    }

    private static long[] edgeValues(int w) {
        long m = LongBitVectors.mask(w);
        long min = 1L << (w - 1);
        return new long[] {0, 1, 2, 3, w - 1, w, w + 1, m, m - 1, min, min - 1, min + 1, 0x7f, 0x80, 0xff & m, 0x1234_5678_9abc_def0L & m};
    }

    @Test
    void everyPrimitiveAgreesOnEdgeValues() {
        for (int w : new int[] {64, 32, 8, 5, 1}) {
            LongBitVectors j = LongBitVectors.of(w);
            Z3IntBitVectors q = z.bits(w);
            assertEquals(j.minSigned(), v(q.minSigned()), "minSigned w=" + w);
            assertEquals(j.maxSigned(), v(q.maxSigned()), "maxSigned w=" + w);
            long[] vs = edgeValues(w);
            for (long a0 : vs) {
                for (long b0 : vs) {
                    long a = LongBitVectors.truncate(a0, w);
                    long b = LongBitVectors.truncate(b0, w);
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " b=" + Long.toHexString(b);
                    assertEquals(j.add(a, b), v(q.add(q.num(a), q.num(b))), "add " + at);
                    assertEquals(j.sub(a, b), v(q.sub(q.num(a), q.num(b))), "sub " + at);
                    assertEquals(j.mul(a, b), v(q.mul(q.num(a), q.num(b))), "mul " + at);
                    assertEquals(j.neg(a), v(q.neg(q.num(a))), "neg " + at);
                    assertEquals(j.not(a), v(q.not(q.num(a))), "not " + at);
                    assertEquals(j.and(a, b), v(q.and(q.num(a), q.num(b))), "and " + at);
                    assertEquals(j.or(a, b), v(q.or(q.num(a), q.num(b))), "or " + at);
                    assertEquals(j.xor(a, b), v(q.xor(q.num(a), q.num(b))), "xor " + at);
                    assertEquals(j.shl(a, b), v(q.shl(q.num(a), q.num(b))), "shl " + at);
                    assertEquals(j.lshr(a, b), v(q.lshr(q.num(a), q.num(b))), "lshr " + at);
                    assertEquals(j.ashr(a, b), v(q.ashr(q.num(a), q.num(b))), "ashr " + at);
                    assertEquals(j.udiv(a, b), v(q.udiv(q.num(a), q.num(b))), "udiv " + at);
                    assertEquals(j.urem(a, b), v(q.urem(q.num(a), q.num(b))), "urem " + at);
                    assertEquals(j.sdiv(a, b), v(q.sdiv(q.num(a), q.num(b))), "sdiv " + at);
                    assertEquals(j.srem(a, b), v(q.srem(q.num(a), q.num(b))), "srem " + at);
                    assertEquals(j.eq(a, b), v(q.eq(q.num(a), q.num(b))), "eq " + at);
                    assertEquals(j.ult(a, b), v(q.ult(q.num(a), q.num(b))), "ult " + at);
                    assertEquals(j.ule(a, b), v(q.ule(q.num(a), q.num(b))), "ule " + at);
                    assertEquals(j.slt(a, b), v(q.slt(q.num(a), q.num(b))), "slt " + at);
                    assertEquals(j.sle(a, b), v(q.sle(q.num(a), q.num(b))), "sle " + at);
                    assertEquals(j.umulOverflow(a, b), v(q.umulOverflow(q.num(a), q.num(b))), "umulOverflow " + at);
                    assertEquals(j.smulOverflow(a, b), v(q.smulOverflow(q.num(a), q.num(b))), "smulOverflow " + at);
                }
                long a = LongBitVectors.truncate(a0, w);
                for (int k = 0; k <= w; k++) {
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " k=" + k;
                    assertEquals(j.shl(a, k), v(q.shl(q.num(a), k)), "shl by constant " + at);
                    assertEquals(j.lshr(a, k), v(q.lshr(q.num(a), k)), "lshr by constant " + at);
                    assertEquals(j.ashr(a, k), v(q.ashr(q.num(a), k)), "ashr by constant " + at);
                }
                for (int bits = 1; bits <= w; bits++) {
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " bits=" + bits;
                    assertEquals(j.low(a, bits), v(q.low(q.num(a), bits)), "low " + at);
                    long l = LongBitVectors.truncate(a, bits);
                    assertEquals(j.zext(l, bits), v(q.zext(q.withWidth(bits).num(l), bits)), "zext " + at);
                    assertEquals(j.sext(l, bits), v(q.sext(q.withWidth(bits).num(l), bits)), "sext " + at);
                }
            }
        }
    }

    @Test
    void intervalOperatorsAgreeOnRandomInputs() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int w : new int[] {64, 16}) {
            LongBitVectors j = LongBitVectors.of(w);
            Z3IntBitVectors q = z.bits(w);
            RandomAbstractValues r = new RandomAbstractValues(rng, w);
            for (int i = 0; i < 40; i++) {
                long x = r.value();
                long y = r.value();
                var a = r.scalarContaining(x);
                var b = r.scalarContaining(y);
                for (Operation op : Operation.all()) {
                    if (op.minWidth() > w) {
                        continue;
                    }
                    String at = op + " w=" + w + " a=" + a + " b=" + b;
                    assertEquals(Semantics.apply(j, op, x, y), v(Semantics.apply(q, op, q.num(x), q.num(y))), "semantics " + at);
                    assertEquals(URanges.apply(j, op, a.u64(), b.u64()), back(URanges.apply(q, op, z3(q, a.u64()), z3(q, b.u64()))), "urange " + at);
                    assertEquals(SRanges.apply(j, op, a.s64(), b.s64()), back(SRanges.apply(q, op, z3(q, a.s64()), z3(q, b.s64()))), "srange " + at);
                }
                assertEquals(URanges.contains(j, a.u64(), y), v(URanges.contains(q, z3(q, a.u64()), q.num(y))), "ucontains");
                assertEquals(SRanges.contains(j, a.s64(), y), v(SRanges.contains(q, z3(q, a.s64()), q.num(y))), "scontains");
            }
        }
    }

    private static RangeOf<IntExpr> z3(Z3IntBitVectors q, RangeOf<Long> r) {
        return new RangeOf<>(q.num(r.lo()), q.num(r.hi()));
    }

    private static RangeOf<Long> back(RangeOf<IntExpr> r) {
        return new RangeOf<>(v(r.lo()), v(r.hi()));
    }

    private static long v(IntExpr e) {
        return Z3IntSession.evaluate(e);
    }

    private static boolean v(BoolExpr e) {
        return Z3Session.evaluate(e);
    }
}
