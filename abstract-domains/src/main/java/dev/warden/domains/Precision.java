package dev.warden.domains;

import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Measures how precise the operators are: for each input, compares the abstract result with the
 * most precise value of the same domain that holds every concrete result (found by enumerating
 * the concrete inputs), and counts how often they are equal. Exhaustive over all inputs at small
 * widths, sampled at larger ones.
 */
public final class Precision {

    private Precision() {}

    /** The share of {@code cases} where the result was the best possible. */
    public record Row(String domain, Operation op, int width, String method, long cases, long optimal) {
        public double share() {
            return cases == 0 ? 1.0 : (double) optimal / cases;
        }
    }

    /** The operations that exist at {@code width} bits (byte-order and sign-extension ones need more). */
    public static List<Operation> operations(int width) {
        List<Operation> out = new ArrayList<>();
        for (Operation op : Operation.all()) {
            if (op.minWidth() <= width) {
                out.add(op);
            }
        }
        return out;
    }

    // ---- enumeration of abstract values and their members ----

    private static List<TnumOf<Long>> allTnums(int w) {
        List<TnumOf<Long>> out = new ArrayList<>();
        long n = 1L << w;
        for (long m = 0; m < n; m++) {
            for (long v = 0; v < n; v++) {
                if ((v & m) == 0) {
                    out.add(new TnumOf<>(v, m));
                }
            }
        }
        return out;
    }

    private static List<RangeOf<Long>> allURanges(int w) {
        List<RangeOf<Long>> out = new ArrayList<>();
        long n = 1L << w;
        for (long lo = 0; lo < n; lo++) {
            for (long hi = lo; hi < n; hi++) {
                out.add(new RangeOf<>(lo, hi));
            }
        }
        return out;
    }

    private static List<RangeOf<Long>> allSRanges(int w) {
        List<RangeOf<Long>> out = new ArrayList<>();
        long min = -(1L << (w - 1));
        long max = (1L << (w - 1)) - 1;
        for (long lo = min; lo <= max; lo++) {
            for (long hi = lo; hi <= max; hi++) {
                out.add(new RangeOf<>(LongBitVectors.truncate(lo, w), LongBitVectors.truncate(hi, w)));
            }
        }
        return out;
    }

    private static void members(TnumOf<Long> t, LongConsumer f) {
        // Enumerate the subsets of the mask.
        long m = t.mask();
        long sub = 0;
        do {
            f.accept(t.value() | sub);
            sub = (sub - m) & m;
        } while (sub != 0);
    }

    private static void uMembers(RangeOf<Long> r, LongConsumer f) {
        for (long x = r.lo(); x <= r.hi(); x++) {
            f.accept(x);
        }
    }

    private static void sMembers(RangeOf<Long> r, int w, LongConsumer f) {
        long lo = LongBitVectors.signExtend(r.lo(), w);
        long hi = LongBitVectors.signExtend(r.hi(), w);
        for (long x = lo; x <= hi; x++) {
            f.accept(LongBitVectors.truncate(x, w));
        }
    }

    /** The three component domains, uniformly. */
    public enum Domain { TNUM, URANGE, SRANGE }

    /** Accumulates the best abstraction of a set of concrete values in each domain. */
    private static final class Best {
        final int w;
        boolean any;
        long and = -1;
        long or = 0;
        long umin = Long.MAX_VALUE;
        long umax = Long.MIN_VALUE;
        long smin = Long.MAX_VALUE;
        long smax = Long.MIN_VALUE;

        Best(int w) {
            this.w = w;
        }

        void add(long z) {
            any = true;
            and &= z;
            or |= z;
            umin = Math.min(umin, z); // values below 2^63 at these widths: plain comparison is unsigned
            umax = Math.max(umax, z);
            long s = LongBitVectors.signExtend(z, w);
            smin = Math.min(smin, s);
            smax = Math.max(smax, s);
        }

        TnumOf<Long> tnum() {
            long mask = (and ^ or) & LongBitVectors.mask(w);
            return new TnumOf<>(and & ~mask & LongBitVectors.mask(w), mask);
        }

        RangeOf<Long> urange() {
            return new RangeOf<>(umin, umax);
        }

        RangeOf<Long> srange() {
            return new RangeOf<>(LongBitVectors.truncate(smin, w), LongBitVectors.truncate(smax, w));
        }
    }

    /** Every input pair at {@code width} bits (use only for small widths). */
    public static Row exhaustive(Domain d, Operation op, int width) {
        LongBitVectors bv = LongBitVectors.of(width);
        long[] counts = new long[2];
        switch (d) {
            case TNUM -> {
                List<TnumOf<Long>> all = allTnums(width);
                List<TnumOf<Long>> srcs = op.operands() == Operation.Operands.BINARY ? all : List.of(Tnums.top(bv));
                for (TnumOf<Long> a : all) {
                    for (TnumOf<Long> b : srcs) {
                        TnumOf<Long> dst = op.operands() == Operation.Operands.SRC ? Tnums.top(bv) : a;
                        TnumOf<Long> src = op.operands() == Operation.Operands.SRC ? a : b;
                        Best best = new Best(width);
                        members(dst, x -> members(src, y -> best.add(Semantics.apply(bv, op, x, y))));
                        count(counts, Tnums.apply(bv, op, dst, src).equals(best.tnum()));
                    }
                }
            }
            case URANGE -> {
                List<RangeOf<Long>> all = allURanges(width);
                List<RangeOf<Long>> srcs = op.operands() == Operation.Operands.BINARY ? all : List.of(URanges.top(bv));
                for (RangeOf<Long> a : all) {
                    for (RangeOf<Long> b : srcs) {
                        RangeOf<Long> dst = op.operands() == Operation.Operands.SRC ? URanges.top(bv) : a;
                        RangeOf<Long> src = op.operands() == Operation.Operands.SRC ? a : b;
                        Best best = new Best(width);
                        uMembers(dst, x -> uMembers(src, y -> best.add(Semantics.apply(bv, op, x, y))));
                        count(counts, URanges.apply(bv, op, dst, src).equals(best.urange()));
                    }
                }
            }
            case SRANGE -> {
                List<RangeOf<Long>> all = allSRanges(width);
                List<RangeOf<Long>> srcs = op.operands() == Operation.Operands.BINARY ? all : List.of(SRanges.top(bv));
                for (RangeOf<Long> a : all) {
                    for (RangeOf<Long> b : srcs) {
                        RangeOf<Long> dst = op.operands() == Operation.Operands.SRC ? SRanges.top(bv) : a;
                        RangeOf<Long> src = op.operands() == Operation.Operands.SRC ? a : b;
                        Best best = new Best(width);
                        sMembers(dst, width, x -> sMembers(src, width, y -> best.add(Semantics.apply(bv, op, x, y))));
                        count(counts, SRanges.apply(bv, op, dst, src).equals(best.srange()));
                    }
                }
            }
        }
        return new Row(d.name().toLowerCase(), op, width, "exhaustive", counts[0], counts[1]);
    }

    /** {@code samples} random input pairs at {@code width} bits (at most 16). */
    public static Row sampled(Domain d, Operation op, int width, int samples, long seed) {
        LongBitVectors bv = LongBitVectors.of(width);
        RandomAbstractValues r = new RandomAbstractValues(new SplittableRandom(seed), width);
        long[] counts = new long[2];
        for (int i = 0; i < samples; i++) {
            long x0 = r.value();
            long y0 = r.value();
            Best best = new Best(width);
            boolean optimal = switch (d) {
                case TNUM -> {
                    TnumOf<Long> a = r.tnumContaining(x0);
                    TnumOf<Long> b = op.operands() == Operation.Operands.BINARY ? r.tnumContaining(y0) : Tnums.top(bv);
                    TnumOf<Long> dst = op.operands() == Operation.Operands.SRC ? Tnums.top(bv) : a;
                    TnumOf<Long> src = op.operands() == Operation.Operands.SRC ? a : b;
                    members(dst, x -> members(src, y -> best.add(Semantics.apply(bv, op, x, y))));
                    yield Tnums.apply(bv, op, dst, src).equals(best.tnum());
                }
                case URANGE -> {
                    RangeOf<Long> a = r.urangeContaining(x0);
                    RangeOf<Long> b = op.operands() == Operation.Operands.BINARY ? r.urangeContaining(y0) : URanges.top(bv);
                    RangeOf<Long> dst = op.operands() == Operation.Operands.SRC ? URanges.top(bv) : a;
                    RangeOf<Long> src = op.operands() == Operation.Operands.SRC ? a : b;
                    uMembers(dst, x -> uMembers(src, y -> best.add(Semantics.apply(bv, op, x, y))));
                    yield URanges.apply(bv, op, dst, src).equals(best.urange());
                }
                case SRANGE -> {
                    RangeOf<Long> a = r.srangeContaining(x0);
                    RangeOf<Long> b = op.operands() == Operation.Operands.BINARY ? r.srangeContaining(y0) : SRanges.top(bv);
                    RangeOf<Long> dst = op.operands() == Operation.Operands.SRC ? SRanges.top(bv) : a;
                    RangeOf<Long> src = op.operands() == Operation.Operands.SRC ? a : b;
                    sMembers(dst, width, x -> sMembers(src, width, y -> best.add(Semantics.apply(bv, op, x, y))));
                    yield SRanges.apply(bv, op, dst, src).equals(best.srange());
                }
            };
            count(counts, optimal);
        }
        return new Row(d.name().toLowerCase(), op, width, "sampled", counts[0], counts[1]);
    }

    /**
     * The synchronised product at {@code width} bits (halves of {@code width/2}; at most 16):
     * {@code samples} random synchronised inputs, each compared with the product of the best
     * value of every component, which is the best product value.
     */
    public static Row scalarSampled(Operation op, Width form, int width, int samples, long seed) {
        LongBitVectors bv = LongBitVectors.of(width);
        int hw = width / 2;
        RandomAbstractValues r = new RandomAbstractValues(new SplittableRandom(seed), width);
        long[] counts = new long[2];
        for (int i = 0; i < samples; i++) {
            ScalarOf<Long> a = Scalars.syncToFixpoint(bv, r.scalarContaining(r.value()));
            ScalarOf<Long> b = Scalars.syncToFixpoint(bv, r.scalarContaining(r.value()));
            List<Long> xs = op.operands() == Operation.Operands.SRC ? List.of(0L) : members(bv, a);
            List<Long> ys = op.operands() == Operation.Operands.DST ? List.of(0L) : members(bv, b);
            Best best = new Best(width);
            Best low = new Best(hw);
            for (long x : xs) {
                for (long y : ys) {
                    long z = Semantics.apply(bv, op, form, x, y);
                    best.add(z);
                    low.add(LongBitVectors.truncate(z, hw));
                }
            }
            ScalarOf<Long> optimal = new ScalarOf<>(best.tnum(), best.urange(), best.srange(), low.urange(), low.srange());
            count(counts, Scalars.syncToFixpoint(bv, Scalars.apply(bv, op, form, a, b)).equals(optimal));
        }
        return new Row(form == Width.W64 ? "scalar" : "scalar32", op, width, "sampled", counts[0], counts[1]);
    }

    private static List<Long> members(LongBitVectors bv, ScalarOf<Long> a) {
        List<Long> out = new ArrayList<>();
        for (long x = 0; x <= LongBitVectors.mask(bv.width()); x++) {
            if (Scalars.contains(bv, a, x)) {
                out.add(x);
            }
        }
        return out;
    }

    private static void count(long[] counts, boolean optimal) {
        counts[0]++;
        if (optimal) {
            counts[1]++;
        }
    }
}
