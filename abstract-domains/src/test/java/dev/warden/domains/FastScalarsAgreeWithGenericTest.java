package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.warden.domains.FastScalars.R;
import dev.warden.domains.FastScalars.S;
import dev.warden.domains.FastScalars.Sr;
import dev.warden.domains.FastScalars.T;
import dev.warden.domains.FastScalars.Tn;
import dev.warden.domains.FastScalars.Ur;
import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The long specialisation ({@link FastScalars}, {@link FastBranches}) gives exactly the results of
 * the generic operators that Z3 proves sound, for every operator: this is what carries the proofs
 * over to the code the verifier runs. Both sides are computed here at test time, so a change to a
 * generic operator that the specialisation does not follow fails this test.
 *
 * <p>Inputs: random reduced-product values of several shapes (around a concrete value,
 * synchronised or not, constants, mixtures of unrelated components, components at bottom, top);
 * for the component domains, additionally every pair of values at width 4 (exhaustive).
 */
class FastScalarsAgreeWithGenericTest {

    private static final LongBitVectors BV = LongBitVectors.of(64);
    private static final int EXAMPLES = 3_000;

    // ---- conversions between the two representations (identical bit for bit) ----

    private static T fast(TnumOf<Long> t) {
        return new T(t.value(), t.mask());
    }

    private static R fast(RangeOf<Long> r) {
        return new R(r.lo(), r.hi());
    }

    private static S fast(ScalarOf<Long> a) {
        return new S(fast(a.tnum()), fast(a.u64()), fast(a.s64()), fast(a.u32()), fast(a.s32()));
    }

    // ---- inputs ----

    /** A random value in the generic representation, of one of several shapes. */
    static ScalarOf<Long> randomScalar(SplittableRandom rng) {
        RandomAbstractValues r = new RandomAbstractValues(rng, 64);
        long x = r.value();
        return switch (rng.nextInt(8)) {
            case 0, 1 -> r.scalarContaining(x);
            case 2, 3 -> Scalars.syncToFixpoint(BV, r.scalarContaining(x));
            case 4 -> Scalars.constant(BV, x);
            case 5 -> { // components around unrelated values: often contradictory
                ScalarOf<Long> a = r.scalarContaining(x);
                ScalarOf<Long> b = r.scalarContaining(r.value());
                ScalarOf<Long> c = r.scalarContaining(r.value());
                yield new ScalarOf<>(a.tnum(), b.u64(), c.s64(), b.u32(), a.s32());
            }
            case 6 -> { // one component at its canonical bottom, or an arbitrary empty range
                ScalarOf<Long> a = r.scalarContaining(x);
                ScalarOf<Long> bot = Scalars.bottom(BV);
                yield switch (rng.nextInt(5)) {
                    case 0 -> new ScalarOf<>(bot.tnum(), a.u64(), a.s64(), a.u32(), a.s32());
                    case 1 -> new ScalarOf<>(a.tnum(), new RangeOf<>(a.u64().hi(), a.u64().lo()), a.s64(), a.u32(), a.s32());
                    case 2 -> new ScalarOf<>(a.tnum(), a.u64(), bot.s64(), a.u32(), a.s32());
                    case 3 -> new ScalarOf<>(a.tnum(), a.u64(), a.s64(), bot.u32(), a.s32());
                    default -> new ScalarOf<>(a.tnum(), a.u64(), a.s64(), a.u32(), new RangeOf<>(a.s32().hi(), a.s32().lo()));
                };
            }
            default -> rng.nextBoolean() ? Scalars.top(BV) : Scalars.bottom(BV);
        };
    }

    private static void forPairs(Pairs check) {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rng = new SplittableRandom(seed);
            ScalarOf<Long> a = randomScalar(rng);
            ScalarOf<Long> b = randomScalar(rng);
            check.check(a, b, () -> "a=" + a + " b=" + b);
        });
    }

    @FunctionalInterface
    private interface Pairs {
        void check(ScalarOf<Long> a, ScalarOf<Long> b, Supplier<String> where);
    }

    // ---- the reduced product ----

    static List<Operation> operations() {
        return Operation.all();
    }

    @ParameterizedTest
    @MethodSource("operations")
    void everyOperationAtBothWidthsAgrees(Operation op) {
        forPairs((a, b, where) -> {
            for (Width w : Width.values()) {
                S got = switch (op) {
                    case Operation.Alu(AluOp o) -> FastScalars.alu(o, w, fast(a), fast(b));
                    case ByteOrderOp o -> FastScalars.byteOrder(o, fast(a));
                };
                ScalarOf<Long> want = Scalars.apply(BV, op, w, a, b);
                assertEquals(fast(want), got, () -> op + " " + w + " " + where.get());
                assertEquals(fast(Scalars.syncToFixpoint(BV, want)), FastScalars.sync(got), () -> "synced " + op + " " + w + " " + where.get());
            }
        });
    }

    @Test
    void syncStepAndSyncAgree() {
        forPairs((a, b, where) -> {
            assertEquals(fast(Scalars.syncStep(BV, a)), FastScalars.syncStep(fast(a)), where);
            assertEquals(fast(Scalars.syncToFixpoint(BV, a)), FastScalars.sync(fast(a)), where);
        });
    }

    @Test
    void latticeOperationsAgree() {
        forPairs((a, b, where) -> {
            S fa = fast(a);
            S fb = fast(b);
            assertEquals(fast(Scalars.join(BV, a, b)), FastScalars.join(fa, fb), () -> "join " + where.get());
            assertEquals(fast(Scalars.meet(BV, a, b)), FastScalars.meet(fa, fb), () -> "meet " + where.get());
            assertEquals(fast(Scalars.widen(BV, a, b)), FastScalars.widen(fa, fb), () -> "widen " + where.get());
            assertEquals(fast(Scalars.narrow(BV, a, b)), FastScalars.narrow(fa, fb), () -> "narrow " + where.get());
            assertEquals(Scalars.leq(BV, a, b), FastScalars.leq(fa, fb), () -> "leq " + where.get());
            assertEquals(Scalars.isBottom(BV, a), FastScalars.isBottom(fa), () -> "isBottom " + where.get());
            long x = new SplittableRandom(a.hashCode()).nextBoolean() ? new RandomAbstractValues(new SplittableRandom(b.hashCode()), 64).memberOf(a.tnum())
                : b.u64().lo();
            assertEquals(Scalars.contains(BV, a, x), FastScalars.contains(fa, x), () -> "contains " + x + " " + where.get());
        });
    }

    @ParameterizedTest
    @EnumSource(Cond.class)
    void branchRefinementAgreesForEveryConditionAndWidth(Cond c) {
        forPairs((a, b, where) -> {
            for (Width w : Width.values()) {
                Branches.Edges<Long> want = Branches.refine(BV, c, w, a, b);
                FastBranches.Edges got = FastBranches.refine(c, w, fast(a), fast(b));
                assertEquals(fast(want.takenDst()), got.takenDst(), () -> c + " " + w + " taken dst " + where.get());
                assertEquals(fast(want.takenSrc()), got.takenSrc(), () -> c + " " + w + " taken src " + where.get());
                assertEquals(fast(want.fallDst()), got.fallDst(), () -> c + " " + w + " fall dst " + where.get());
                assertEquals(fast(want.fallSrc()), got.fallSrc(), () -> c + " " + w + " fall src " + where.get());
            }
        });
    }

    // ---- the public Scalar API (what the verifier calls) against the generic path ----

    private static Scalar genericSync(ScalarOf<Long> g) {
        return Scalar.of(Scalars.syncToFixpoint(BV, g));
    }

    @Test
    void scalarApiRunsTheSpecialisationAndAgreesWithTheGenericPath() {
        assertEquals(Scalar.Implementation.FAST, Scalar.IMPLEMENTATION, "tests run the default implementation");
        forPairs((ga, gb, where) -> {
            Scalar a = Scalar.of(ga);
            Scalar b = Scalar.of(gb);
            assertEquals(genericSync(ga), a.sync(), where);
            assertEquals(genericSync(Scalars.join(BV, ga, gb)), a.join(b), where);
            assertEquals(genericSync(Scalars.meet(BV, ga, gb)), a.meet(b), where);
            assertEquals(genericSync(Scalars.widen(BV, ga, gb)), a.widen(b), where);
            assertEquals(genericSync(Scalars.narrow(BV, ga, gb)), a.narrow(b), where);
            assertEquals(Scalars.leq(BV, ga, gb), a.leq(b), where);
            assertEquals(Scalars.isBottom(BV, ga), a.isBottom(), where);
            for (AluOp op : AluOp.values()) {
                for (Width w : Width.values()) {
                    // Bottom only when an operand the operation reads is bottom.
                    boolean bottomRead = switch (Operation.operandsOf(op)) {
                        case BINARY -> Scalars.isBottom(BV, ga) || Scalars.isBottom(BV, gb);
                        case DST -> Scalars.isBottom(BV, ga);
                        case SRC -> Scalars.isBottom(BV, gb);
                    };
                    Scalar want = bottomRead ? Scalar.bottom() : genericSync(Scalars.alu(BV, op, w, ga, gb));
                    assertEquals(want, a.alu(op, w, b), () -> op + " " + w + " " + where.get());
                }
            }
            for (Cond c : Cond.values()) {
                for (Width w : Width.values()) {
                    Branches.Edges<Long> e = Branches.refine(BV, c, w, ga, gb);
                    BranchRefinement got = BranchRefinement.of(c, w, a, b);
                    Scalar td = genericSync(e.takenDst());
                    Scalar fd = genericSync(e.fallDst());
                    Scalar ts = genericSync(e.takenSrc());
                    Scalar fs = genericSync(e.fallSrc());
                    boolean takenImpossible = td.isBottom() || ts.isBottom();
                    boolean fallImpossible = fd.isBottom() || fs.isBottom();
                    Verdict v = takenImpossible ? Verdict.NEVER : fallImpossible ? Verdict.ALWAYS : Verdict.MAYBE;
                    BranchRefinement want = new BranchRefinement(v, takenImpossible ? Scalar.bottom() : td,
                        takenImpossible ? Scalar.bottom() : ts, fallImpossible ? Scalar.bottom() : fd, fallImpossible ? Scalar.bottom() : fs);
                    assertEquals(want, got, () -> c + " " + w + " " + where.get());
                }
            }
        });
    }

    // ---- the component domains, exhaustively at width 4 ----

    private static final int SMALL = 4;

    private static List<TnumOf<Long>> allTnums() {
        List<TnumOf<Long>> all = new ArrayList<>();
        for (long v = 0; v < 1 << SMALL; v++) {
            for (long m = 0; m < 1 << SMALL; m++) {
                all.add(new TnumOf<>(v, m)); // bottoms included (v & m != 0)
            }
        }
        return all;
    }

    private static List<RangeOf<Long>> allRanges() {
        List<RangeOf<Long>> all = new ArrayList<>();
        for (long lo = 0; lo < 1 << SMALL; lo++) {
            for (long hi = 0; hi < 1 << SMALL; hi++) {
                all.add(new RangeOf<>(lo, hi)); // empty ones included
            }
        }
        return all;
    }

    @Test
    void tnumOperatorsAgreeOnEveryPairAtWidthFour() {
        LongBitVectors bv = LongBitVectors.of(SMALL);
        List<TnumOf<Long>> all = allTnums();
        for (TnumOf<Long> a : all) {
            for (TnumOf<Long> b : all) {
                for (AluOp op : AluOp.values()) {
                    assertEquals(fast(Tnums.apply(bv, op, a, b)), Tn.apply(op, fast(a), fast(b), SMALL), () -> op + " " + a + " " + b);
                }
                assertEquals(fast(Tnums.join(bv, a, b)), Tn.join(fast(a), fast(b)), () -> "join " + a + " " + b);
                assertEquals(fast(Tnums.meet(bv, a, b)), Tn.meet(fast(a), fast(b)), () -> "meet " + a + " " + b);
                assertEquals(Tnums.leq(bv, a, b), Tn.leq(fast(a), fast(b)), () -> "leq " + a + " " + b);
            }
        }
    }

    @Test
    void rangeOperatorsAgreeOnEveryPairAtWidthFour() {
        LongBitVectors bv = LongBitVectors.of(SMALL);
        long[] ut = Scalars.unsignedThresholds(SMALL);
        long[] st = Scalars.signedThresholds(SMALL);
        List<RangeOf<Long>> all = allRanges();
        for (RangeOf<Long> a : all) {
            for (RangeOf<Long> b : all) {
                R fa = fast(a);
                R fb = fast(b);
                for (AluOp op : AluOp.values()) {
                    assertEquals(fast(URanges.apply(bv, op, a, b)), Ur.apply(op, fa, fb, SMALL), () -> "u " + op + " " + a + " " + b);
                    assertEquals(fast(SRanges.apply(bv, op, a, b)), Sr.apply(op, fa, fb, SMALL), () -> "s " + op + " " + a + " " + b);
                }
                assertEquals(fast(URanges.join(bv, a, b)), Ur.join(fa, fb), () -> "u join " + a + " " + b);
                assertEquals(fast(URanges.meet(bv, a, b)), Ur.meet(fa, fb, SMALL), () -> "u meet " + a + " " + b);
                assertEquals(fast(URanges.widen(bv, a, b, ut)), Ur.widen(fa, fb, ut, SMALL), () -> "u widen " + a + " " + b);
                assertEquals(fast(URanges.narrow(bv, a, b)), Ur.narrow(fa, fb, SMALL), () -> "u narrow " + a + " " + b);
                assertEquals(URanges.leq(bv, a, b), Ur.leq(fa, fb), () -> "u leq " + a + " " + b);
                assertEquals(fast(SRanges.join(bv, a, b)), Sr.join(fa, fb, SMALL), () -> "s join " + a + " " + b);
                assertEquals(fast(SRanges.meet(bv, a, b)), Sr.meet(fa, fb, SMALL), () -> "s meet " + a + " " + b);
                assertEquals(fast(SRanges.widen(bv, a, b, st)), Sr.widen(fa, fb, st, SMALL), () -> "s widen " + a + " " + b);
                assertEquals(fast(SRanges.narrow(bv, a, b)), Sr.narrow(fa, fb, SMALL), () -> "s narrow " + a + " " + b);
                assertEquals(SRanges.leq(bv, a, b), Sr.leq(fa, fb, SMALL), () -> "s leq " + a + " " + b);
            }
        }
    }
}
