package dev.warden.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.domains.BitVectors;
import dev.warden.domains.LongBitVectors;
import dev.warden.domains.Operation;
import dev.warden.domains.RandomAbstractValues;
import dev.warden.domains.RangeOf;
import dev.warden.domains.SRanges;
import dev.warden.domains.Semantics;
import dev.warden.domains.URanges;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

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
        onEdgeValues(algebra, byEvaluation(v, t), 64, 32, 8, 5, 1);
    }

    /** Checks every primitive of {@code q} at {@code widths} with {@code c}. */
    static <V, B> void onEdgeValues(Function<Integer, BitVectors<V, B>> algebra, Check<V, B> c, int... widths) {
        for (int w : widths) {
            LongBitVectors j = LongBitVectors.of(w);
            BitVectors<V, B> q = algebra.apply(w);
            c.value(q, q.minSigned(), j.minSigned(), "minSigned w=" + w);
            c.value(q, q.maxSigned(), j.maxSigned(), "maxSigned w=" + w);
            long[] vs = edgeValues(w);
            for (long a0 : vs) {
                for (long b0 : vs) {
                    long a = LongBitVectors.truncate(a0, w);
                    long b = LongBitVectors.truncate(b0, w);
                    V qa = q.num(a);
                    V qb = q.num(b);
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " b=" + Long.toHexString(b);
                    c.value(q, q.add(qa, qb), j.add(a, b), "add " + at);
                    c.value(q, q.sub(qa, qb), j.sub(a, b), "sub " + at);
                    c.value(q, q.mul(qa, qb), j.mul(a, b), "mul " + at);
                    c.value(q, q.neg(qa), j.neg(a), "neg " + at);
                    c.value(q, q.not(qa), j.not(a), "not " + at);
                    c.value(q, q.and(qa, qb), j.and(a, b), "and " + at);
                    c.value(q, q.or(qa, qb), j.or(a, b), "or " + at);
                    c.value(q, q.xor(qa, qb), j.xor(a, b), "xor " + at);
                    c.value(q, q.shl(qa, qb), j.shl(a, b), "shl " + at);
                    c.value(q, q.lshr(qa, qb), j.lshr(a, b), "lshr " + at);
                    c.value(q, q.ashr(qa, qb), j.ashr(a, b), "ashr " + at);
                    c.value(q, q.udiv(qa, qb), j.udiv(a, b), "udiv " + at);
                    c.value(q, q.urem(qa, qb), j.urem(a, b), "urem " + at);
                    c.value(q, q.sdiv(qa, qb), j.sdiv(a, b), "sdiv " + at);
                    c.value(q, q.srem(qa, qb), j.srem(a, b), "srem " + at);
                    c.truth(q, q.eq(qa, qb), j.eq(a, b), "eq " + at);
                    c.truth(q, q.ult(qa, qb), j.ult(a, b), "ult " + at);
                    c.truth(q, q.ule(qa, qb), j.ule(a, b), "ule " + at);
                    c.truth(q, q.slt(qa, qb), j.slt(a, b), "slt " + at);
                    c.truth(q, q.sle(qa, qb), j.sle(a, b), "sle " + at);
                    c.truth(q, q.umulOverflow(qa, qb), j.umulOverflow(a, b), "umulOverflow " + at);
                    c.truth(q, q.smulOverflow(qa, qb), j.smulOverflow(a, b), "smulOverflow " + at);
                }
                long a = LongBitVectors.truncate(a0, w);
                for (int k = 0; k <= w; k++) {
                    // Shifts by a constant: the Z3 integer encoding keeps these in integer arithmetic.
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " k=" + k;
                    c.value(q, q.shl(q.num(a), k), j.shl(a, k), "shl by constant " + at);
                    c.value(q, q.lshr(q.num(a), k), j.lshr(a, k), "lshr by constant " + at);
                    c.value(q, q.ashr(q.num(a), k), j.ashr(a, k), "ashr by constant " + at);
                }
                for (int bits = 1; bits <= w; bits++) {
                    String at = "w=" + w + " a=" + Long.toHexString(a) + " bits=" + bits;
                    c.value(q, q.low(q.num(a), bits), j.low(a, bits), "low " + at);
                    long l = LongBitVectors.truncate(a, bits);
                    c.value(q, q.zext(q.withWidth(bits).num(l), bits), j.zext(l, bits), "zext " + at);
                    c.value(q, q.sext(q.withWidth(bits).num(l), bits), j.sext(l, bits), "sext " + at);
                }
            }
            c.flush();
        }
    }

    /**
     * The concrete semantics and both interval domains' operators on random inputs at 64 and 16
     * bits, evaluated on constants of {@code q}: what the integer encodings' agreement tests share.
     */
    static <V, B> void intervalOperatorsOnRandomInputs(Function<Integer, BitVectors<V, B>> algebra, Function<V, Long> v,
                                                       Function<B, Boolean> t) {
        intervalOperatorsOnRandomInputs(algebra, byEvaluation(v, t), op -> true);
    }

    /**
     * As {@link #intervalOperatorsOnRandomInputs(Function, Function, Function)}, for the operations
     * {@code which} accepts, checked with {@code c}.
     */
    static <V, B> void intervalOperatorsOnRandomInputs(Function<Integer, BitVectors<V, B>> algebra, Check<V, B> c,
                                                       Predicate<Operation> which) {
        SplittableRandom rng = new SplittableRandom(11);
        for (int w : new int[] {64, 16}) {
            LongBitVectors j = LongBitVectors.of(w);
            BitVectors<V, B> q = algebra.apply(w);
            Function<RangeOf<Long>, RangeOf<V>> to = r -> new RangeOf<>(q.num(r.lo()), q.num(r.hi()));
            RandomAbstractValues r = new RandomAbstractValues(rng, w);
            for (int i = 0; i < 40; i++) {
                long x = r.value();
                long y = r.value();
                var a = r.scalarContaining(x);
                var b = r.scalarContaining(y);
                for (Operation op : Operation.all()) {
                    if (op.minWidth() > w || !which.test(op)) {
                        continue;
                    }
                    String at = op + " w=" + w + " a=" + a + " b=" + b;
                    c.value(q, Semantics.apply(q, op, q.num(x), q.num(y)), Semantics.apply(j, op, x, y), "semantics " + at);
                    c.range(q, URanges.apply(q, op, to.apply(a.u64()), to.apply(b.u64())), URanges.apply(j, op, a.u64(), b.u64()), "urange " + at);
                    c.range(q, SRanges.apply(q, op, to.apply(a.s64()), to.apply(b.s64())), SRanges.apply(j, op, a.s64(), b.s64()), "srange " + at);
                }
                c.truth(q, URanges.contains(q, to.apply(a.u64()), q.num(y)), URanges.contains(j, a.u64(), y), "ucontains");
                c.truth(q, SRanges.contains(q, to.apply(a.s64()), q.num(y)), SRanges.contains(j, a.s64(), y), "scontains");
            }
            c.flush();
        }
    }

    /**
     * How a closed term is compared with Java's value: at once by evaluating it ({@link
     * #byEvaluation}), or collected and checked in one solver query at {@link #flush} (for a solver
     * whose evaluation of single terms is slow).
     */
    interface Check<V, B> {
        void value(BitVectors<V, B> q, V term, long expected, String what);

        void truth(BitVectors<V, B> q, B term, boolean expected, String what);

        /** Checks what was collected; an evaluating check has nothing left. */
        default void flush() {}

        default void range(BitVectors<V, B> q, RangeOf<V> term, RangeOf<Long> expected, String what) {
            value(q, term.lo(), expected.lo(), what + " (lo)");
            value(q, term.hi(), expected.hi(), what + " (hi)");
        }
    }

    static <V, B> Check<V, B> byEvaluation(Function<V, Long> v, Function<B, Boolean> t) {
        return new Check<>() {
            @Override
            public void value(BitVectors<V, B> q, V term, long expected, String what) {
                assertEquals(expected, v.apply(term), what);
            }

            @Override
            public void truth(BitVectors<V, B> q, B term, boolean expected, String what) {
                assertEquals(expected, t.apply(term), what);
            }
        };
    }
}
