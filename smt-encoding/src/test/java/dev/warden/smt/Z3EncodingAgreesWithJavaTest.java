package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import dev.warden.domains.BitVectors;
import dev.warden.domains.Branches;
import dev.warden.domains.Cond;
import dev.warden.domains.LongBitVectors;
import dev.warden.domains.Operation;
import dev.warden.domains.RandomAbstractValues;
import dev.warden.domains.RangeOf;
import dev.warden.domains.ScalarOf;
import dev.warden.domains.Scalars;
import dev.warden.domains.Semantics;
import dev.warden.domains.SRanges;
import dev.warden.domains.TnumOf;
import dev.warden.domains.Tnums;
import dev.warden.domains.URanges;
import dev.warden.isa.Width;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proofs are about the Java code only if the Z3 algebra computes what the Java algebra
 * computes. This runs the same operators with both on random constant inputs (the Z3 terms are
 * then closed and simplify to numbers) and compares: first every primitive of
 * {@link BitVectors}, on edge values, then every abstract operator.
 */
class Z3EncodingAgreesWithJavaTest {

    private static Z3Session z;

    @BeforeAll
    static void open() {
        z = new Z3Session(Duration.ofSeconds(10));
    }

    @AfterAll
    static void close() {
        z.close();
    }

    @Test
    void everyPrimitiveAgreesOnEdgeValues() {
        PrimitivesAgreeWithJava.onEdgeValues(z::bits, e -> v(e), e -> v(e));
    }

    private static long v(BitVecExpr e) {
        return Z3Session.evaluate(e);
    }

    private static boolean v(BoolExpr e) {
        return Z3Session.evaluate(e);
    }

    private static TnumOf<BitVecExpr> z3(Z3BitVectors q, TnumOf<Long> t) {
        return new TnumOf<>(q.num(t.value()), q.num(t.mask()));
    }

    private static RangeOf<BitVecExpr> z3(Z3BitVectors q, RangeOf<Long> r) {
        return new RangeOf<>(q.num(r.lo()), q.num(r.hi()));
    }

    private static ScalarOf<BitVecExpr> z3(Z3BitVectors q, ScalarOf<Long> s) {
        Z3BitVectors h = q.withWidth(q.width() / 2);
        return new ScalarOf<>(z3(q, s.tnum()), z3(q, s.u64()), z3(q, s.s64()), z3(h, s.u32()), z3(h, s.s32()));
    }

    private static TnumOf<Long> back(TnumOf<BitVecExpr> t) {
        return new TnumOf<>(v(t.value()), v(t.mask()));
    }

    private static RangeOf<Long> back(RangeOf<BitVecExpr> r) {
        return new RangeOf<>(v(r.lo()), v(r.hi()));
    }

    private static ScalarOf<Long> back(ScalarOf<BitVecExpr> s) {
        return new ScalarOf<>(back(s.tnum()), back(s.u64()), back(s.s64()), back(s.u32()), back(s.s32()));
    }

    @Test
    void everyAbstractOperatorAgreesOnRandomInputs() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int w : new int[] {64, 16}) {
            LongBitVectors j = LongBitVectors.of(w);
            Z3BitVectors q = z.bits(w);
            RandomAbstractValues r = new RandomAbstractValues(rng, w);
            for (int i = 0; i < 12; i++) {
                long x = r.value();
                long y = r.value();
                ScalarOf<Long> a = r.scalarContaining(x);
                ScalarOf<Long> b = i % 3 == 0 ? Scalars.constant(j, y) : r.scalarContaining(y);
                ScalarOf<BitVecExpr> za = z3(q, a);
                ScalarOf<BitVecExpr> zb = z3(q, b);
                for (Operation op : Operation.all()) {
                    if (op.minWidth() > w) {
                        continue;
                    }
                    String at = op + " w=" + w + " a=" + a + " b=" + b;
                    assertEquals(Semantics.apply(j, op, x, y), v(Semantics.apply(q, op, q.num(x), q.num(y))), "semantics " + at);
                    assertEquals(Tnums.apply(j, op, a.tnum(), b.tnum()), back(Tnums.apply(q, op, za.tnum(), zb.tnum())), "tnum " + at);
                    assertEquals(URanges.apply(j, op, a.u64(), b.u64()), back(URanges.apply(q, op, za.u64(), zb.u64())), "urange " + at);
                    assertEquals(SRanges.apply(j, op, a.s64(), b.s64()), back(SRanges.apply(q, op, za.s64(), zb.s64())), "srange " + at);
                    for (Width width : Width.values()) {
                        assertEquals(Scalars.apply(j, op, width, a, b), back(Scalars.apply(q, op, width, za, zb)), "scalar " + width + " " + at);
                    }
                }
                assertEquals(Scalars.syncStep(j, a), back(Scalars.syncStep(q, za)), "sync " + a);
                assertEquals(Scalars.join(j, a, b), back(Scalars.join(q, za, zb)), "join");
                assertEquals(Scalars.meet(j, a, b), back(Scalars.meet(q, za, zb)), "meet");
                assertEquals(Scalars.widen(j, a, b), back(Scalars.widen(q, za, zb)), "widen");
                assertEquals(Scalars.narrow(j, a, b), back(Scalars.narrow(q, za, zb)), "narrow");
                assertEquals(Scalars.leq(j, a, b), v(Scalars.leq(q, za, zb)), "leq");
                assertEquals(Scalars.contains(j, a, y), v(Scalars.contains(q, za, q.num(y))), "contains");
                for (Cond c : Cond.values()) {
                    for (Width width : Width.values()) {
                        Branches.Edges<Long> je = Branches.refine(j, c, width, a, b);
                        Branches.Edges<BitVecExpr> ze = Branches.refine(q, c, width, za, zb);
                        String at = c + " " + width + " a=" + a + " b=" + b;
                        assertEquals(Branches.holds(j, c, width, x, y), v(Branches.holds(q, c, width, q.num(x), q.num(y))), "holds " + at);
                        assertEquals(je.takenDst(), back(ze.takenDst()), "taken dst " + at);
                        assertEquals(je.takenSrc(), back(ze.takenSrc()), "taken src " + at);
                        assertEquals(je.fallDst(), back(ze.fallDst()), "fall dst " + at);
                        assertEquals(je.fallSrc(), back(ze.fallSrc()), "fall src " + at);
                    }
                }
            }
        }
    }
}
