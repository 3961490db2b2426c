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

    @Test
    void everyPrimitiveAgreesOnEdgeValues() {
        PrimitivesAgreeWithJava.onEdgeValues(z::bits, e -> v(e), e -> v(e));
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
