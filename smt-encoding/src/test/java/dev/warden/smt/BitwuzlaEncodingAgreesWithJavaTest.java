package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.domains.LongBitVectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sosy_lab.java_smt.api.BitvectorFormula;
import org.sosy_lab.java_smt.api.BooleanFormula;

/**
 * The Bitwuzla proofs are about the Java code only if {@link JavaSmtBitVectors} computes what
 * {@link LongBitVectors} computes. For every primitive, at several widths, on edge values: the
 * conjunction over all pairs of "the term on constants equals the Java result" must be valid
 * (its negation unsatisfiable). The abstract operators are built from these primitives only.
 */
class BitwuzlaEncodingAgreesWithJavaTest {

    private static BitwuzlaSession z;

    @BeforeAll
    static void open() {
        z = new BitwuzlaSession(Duration.ofSeconds(10));
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

    private record Op(String name, BiFunction<JavaSmtBitVectors, BitvectorFormula[], BitvectorFormula> term,
                      BiFunction<LongBitVectors, long[], Long> java) {}

    private record Pred(String name, BiFunction<JavaSmtBitVectors, BitvectorFormula[], BooleanFormula> term,
                        BiFunction<LongBitVectors, long[], Boolean> java) {}

    private static final List<Op> OPS = List.of(
        new Op("add", (q, a) -> q.add(a[0], a[1]), (j, a) -> j.add(a[0], a[1])),
        new Op("sub", (q, a) -> q.sub(a[0], a[1]), (j, a) -> j.sub(a[0], a[1])),
        new Op("mul", (q, a) -> q.mul(a[0], a[1]), (j, a) -> j.mul(a[0], a[1])),
        new Op("neg", (q, a) -> q.neg(a[0]), (j, a) -> j.neg(a[0])),
        new Op("not", (q, a) -> q.not(a[0]), (j, a) -> j.not(a[0])),
        new Op("and", (q, a) -> q.and(a[0], a[1]), (j, a) -> j.and(a[0], a[1])),
        new Op("or", (q, a) -> q.or(a[0], a[1]), (j, a) -> j.or(a[0], a[1])),
        new Op("xor", (q, a) -> q.xor(a[0], a[1]), (j, a) -> j.xor(a[0], a[1])),
        new Op("shl", (q, a) -> q.shl(a[0], a[1]), (j, a) -> j.shl(a[0], a[1])),
        new Op("lshr", (q, a) -> q.lshr(a[0], a[1]), (j, a) -> j.lshr(a[0], a[1])),
        new Op("ashr", (q, a) -> q.ashr(a[0], a[1]), (j, a) -> j.ashr(a[0], a[1])),
        new Op("udiv", (q, a) -> q.udiv(a[0], a[1]), (j, a) -> j.udiv(a[0], a[1])),
        new Op("urem", (q, a) -> q.urem(a[0], a[1]), (j, a) -> j.urem(a[0], a[1])),
        new Op("sdiv", (q, a) -> q.sdiv(a[0], a[1]), (j, a) -> j.sdiv(a[0], a[1])),
        new Op("srem", (q, a) -> q.srem(a[0], a[1]), (j, a) -> j.srem(a[0], a[1])),
        new Op("ite", (q, a) -> q.ite(q.ult(a[0], a[1]), a[0], a[1]), (j, a) -> j.ite(j.ult(a[0], a[1]), a[0], a[1])),
        new Op("sext-low-half", (q, a) -> q.sextLow(a[0], Math.max(1, q.width() / 2)), (j, a) -> j.sextLow(a[0], Math.max(1, j.width() / 2))),
        new Op("zext-low-half", (q, a) -> q.zextLow(a[0], Math.max(1, q.width() / 2)), (j, a) -> j.zextLow(a[0], Math.max(1, j.width() / 2))));

    private static final List<Pred> PREDS = List.of(
        new Pred("eq", (q, a) -> q.eq(a[0], a[1]), (j, a) -> j.eq(a[0], a[1])),
        new Pred("ult", (q, a) -> q.ult(a[0], a[1]), (j, a) -> j.ult(a[0], a[1])),
        new Pred("ule", (q, a) -> q.ule(a[0], a[1]), (j, a) -> j.ule(a[0], a[1])),
        new Pred("slt", (q, a) -> q.slt(a[0], a[1]), (j, a) -> j.slt(a[0], a[1])),
        new Pred("sle", (q, a) -> q.sle(a[0], a[1]), (j, a) -> j.sle(a[0], a[1])),
        new Pred("umulOverflow", (q, a) -> q.umulOverflow(a[0], a[1]), (j, a) -> j.umulOverflow(a[0], a[1])),
        new Pred("smulOverflow", (q, a) -> q.smulOverflow(a[0], a[1]), (j, a) -> j.smulOverflow(a[0], a[1])));

    @Test
    void everyPrimitiveAgreesOnEdgeValues() {
        for (int w : new int[] {64, 32, 8, 5, 1}) {
            LongBitVectors j = LongBitVectors.of(w);
            JavaSmtBitVectors q = z.bits(w);
            long[] vs = edgeValues(w);
            for (Op op : OPS) {
                List<BooleanFormula> agree = new ArrayList<>();
                for (long a0 : vs) {
                    for (long b0 : vs) {
                        long a = LongBitVectors.truncate(a0, w);
                        long b = LongBitVectors.truncate(b0, w);
                        agree.add(q.eq(op.term().apply(q, new BitvectorFormula[] {q.num(a), q.num(b)}), q.num(op.java().apply(j, new long[] {a, b}))));
                    }
                }
                valid(q, agree, op.name() + " at width " + w);
            }
            for (Pred p : PREDS) {
                List<BooleanFormula> agree = new ArrayList<>();
                for (long a0 : vs) {
                    for (long b0 : vs) {
                        long a = LongBitVectors.truncate(a0, w);
                        long b = LongBitVectors.truncate(b0, w);
                        agree.add(q.iff(p.term().apply(q, new BitvectorFormula[] {q.num(a), q.num(b)}), q.bool(p.java().apply(j, new long[] {a, b}))));
                    }
                }
                valid(q, agree, p.name() + " at width " + w);
            }
        }
    }

    private static void valid(JavaSmtBitVectors q, List<BooleanFormula> parts, String what) {
        BooleanFormula all = q.bool(true);
        for (BooleanFormula f : parts) {
            all = q.both(all, f);
        }
        assertInstanceOf(ProofResult.Proved.class, z.proveUnsat(q.negate(all), List.of(), Session.Logic.QF_BV), what);
    }
}
