package dev.warden.domains;

import dev.warden.isa.AluOp;
import dev.warden.isa.Width;

/**
 * The operators of {@link Scalars} (with those of {@link Tnums}, {@link URanges},
 * {@link SRanges}) specialised to primitive {@code long}s: the code {@link Scalar} runs.
 *
 * <p>Why a second copy: the generic code boxes every intermediate {@code Long}, dispatches every
 * primitive through {@link BitVectors}, and evaluates both arms of every {@code select} (it has to:
 * on Z3 terms a select is an {@code ite}). That costs microseconds per operation, and the verifier
 * performs millions. Here each operator is a transliteration of the generic one at width
 * {@code w} (64 for a whole register, 32 for its low half), values held zero-extended as in
 * {@link LongBitVectors}, with {@code select(c, t, e)} written {@code c ? t : e} (the same value,
 * since everything is pure) and synchronisation to a fixpoint done in place.
 *
 * <p>What makes this trustworthy is not the transliteration but a test:
 * {@code FastScalarsAgreeWithGenericTest} runs every operator here and its generic original (the
 * code Z3 proves sound) on random abstract values and demands identical results, so the proofs
 * carry over. A change to a generic operator that is not made here too fails that test.
 */
final class FastScalars {

    private FastScalars() {}

    // ---- the primitives of LongBitVectors at width w, unboxed ----

    static long mask(int w) {
        return w == 64 ? -1L : (1L << w) - 1; // 1L << 64 == 1 in Java
    }

    static long t(long x, int w) {
        return x & mask(w);
    }

    static long sx(long x, int w) {
        int s = 64 - w;
        return (x << s) >> s;
    }

    static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    static boolean ule(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    static boolean slt(long a, long b, int w) {
        return sx(a, w) < sx(b, w);
    }

    static boolean sle(long a, long b, int w) {
        return sx(a, w) <= sx(b, w);
    }

    static boolean isNeg(long a, int w) {
        return sx(a, w) < 0;
    }

    static long umin(long a, long b) {
        return ult(a, b) ? a : b;
    }

    static long umax(long a, long b) {
        return ult(a, b) ? b : a;
    }

    static long smin(long a, long b, int w) {
        return slt(a, b, w) ? a : b;
    }

    static long smax(long a, long b, int w) {
        return slt(a, b, w) ? b : a;
    }

    static long minS(int w) {
        return t(1L << (w - 1), w);
    }

    static long maxS(int w) {
        return t(~minS(w), w);
    }

    /** {@link BitVectors#smear}: every bit at or below the highest set bit (values are zero-extended). */
    static long smear(long x) {
        return x == 0 ? 0 : -1L >>> Long.numberOfLeadingZeros(x);
    }

    private static boolean tooFar(long k, int w) {
        return Long.compareUnsigned(k, w) >= 0;
    }

    static long shl(long a, long k, int w) {
        return tooFar(k, w) ? 0 : t(a << k, w);
    }

    static long lshr(long a, long k, int w) {
        return tooFar(k, w) ? 0 : a >>> k;
    }

    static long ashr(long a, long k, int w) {
        long v = sx(a, w);
        return tooFar(k, w) ? t(v >> 63, w) : t(v >> k, w);
    }

    static long udiv(long a, long d, int w) {
        return d == 0 ? mask(w) : Long.divideUnsigned(a, d);
    }

    static long sdiv(long a, long b, int w) {
        long n = sx(a, w);
        long d = sx(b, w);
        if (d == 0) {
            return n < 0 ? 1L : mask(w);
        }
        return t(n / d, w);
    }

    static boolean umulOverflow(long x, long y, int w) {
        long lo = x * y;
        boolean over64 = Math.unsignedMultiplyHigh(x, y) != 0;
        return w == 64 ? over64 : over64 || (lo >>> w) != 0;
    }

    static boolean smulOverflow(long a, long b, int w) {
        long x = sx(a, w);
        long y = sx(b, w);
        long lo = x * y;
        boolean over64 = Math.multiplyHigh(x, y) != (lo >> 63);
        return w == 64 ? over64 : over64 || lo != sx(lo, w);
    }

    /** {@link BitVectors#sextLow}. */
    static long sextLow(long a, int bits, int w) {
        return bits >= w ? a : t(sx(a, bits), w);
    }

    /** {@link BitVectors#zextLow}. */
    static long zextLow(long a, int bits, int w) {
        return bits >= w ? a : a & mask(bits);
    }

    /** {@link BitVectors#byteSwap} of the low {@code bytes} bytes. */
    static long byteSwap(long a, int bytes) {
        return Long.reverseBytes(a) >>> (64 - 8 * bytes);
    }

    /** {@link Semantics#apply} for the four operations a constant tnum folds. */
    private static long concrete(AluOp op, long dst, long src, int w) {
        return switch (op) {
            case DIV -> src == 0 ? 0 : Long.divideUnsigned(dst, src);
            case SDIV -> src == 0 ? 0 : sdiv(dst, src, w);
            case MOD -> src == 0 ? dst : Long.remainderUnsigned(dst, src);
            case SMOD -> src == 0 ? dst : t(sx(dst, w) % sx(src, w), w);
            default -> throw new IllegalArgumentException("not folded: " + op);
        };
    }

    // ---- values ----

    /** A tnum at some width. */
    record T(long v, long m) {}

    /** A range at some width, unsigned or signed by context. */
    record R(long lo, long hi) {}

    /** The reduced product in the generic representation (32-bit parts zero-extended). */
    record S(T t, R u, R s, R u32, R s32) {}

    static S of(Scalar a) {
        return new S(new T(a.tnum().value(), a.tnum().mask()), new R(a.u64().lo(), a.u64().hi()),
            new R(a.s64().lo(), a.s64().hi()), new R(t(a.u32().lo(), 32), t(a.u32().hi(), 32)),
            new R(t(a.s32().lo(), 32), t(a.s32().hi(), 32)));
    }

    static Scalar scalar(S a) {
        return new Scalar(new Tnum(a.t().v(), a.t().m()), new UInterval(a.u().lo(), a.u().hi()),
            new SInterval(a.s().lo(), a.s().hi()), new UInterval(a.u32().lo(), a.u32().hi()),
            new SInterval(sx(a.s32().lo(), 32), sx(a.s32().hi(), 32)));
    }

    // ---- tnums ----

    static final class Tn {
        private Tn() {}

        static T top(int w) {
            return new T(0, mask(w));
        }

        static final T BOTTOM = new T(1, 1);

        static boolean wf(T a) {
            return (a.v() & a.m()) == 0;
        }

        static boolean bot(T a) {
            return (a.v() & a.m()) != 0;
        }

        static long smin(T a, int w) {
            return a.v() | (a.m() & minS(w));
        }

        static long smax(T a, int w) {
            return a.v() | (a.m() & maxS(w));
        }

        static T fromRange(long lo, long hi) {
            if (ult(hi, lo)) {
                return BOTTOM;
            }
            long delta = smear(lo ^ hi);
            return new T(lo & ~delta, delta);
        }

        static T join(T a, T b) {
            if (bot(a)) {
                return b;
            }
            if (bot(b)) {
                return a;
            }
            long mu = a.m() | b.m() | (a.v() ^ b.v());
            return new T(a.v() & ~mu, mu);
        }

        static T meet(T a, T b) {
            long conflict = (a.v() ^ b.v()) & ~(a.m() | b.m());
            if (bot(a) || bot(b) || conflict != 0) {
                return BOTTOM;
            }
            return new T(a.v() | b.v(), a.m() & b.m());
        }

        static boolean leq(T a, T b) {
            return bot(a) || ((a.m() & ~b.m()) == 0 && (a.v() & ~b.m()) == b.v());
        }

        static T add(T a, T b, int w) {
            long sm = t(a.m() + b.m(), w);
            long sv = t(a.v() + b.v(), w);
            long sigma = t(sm + sv, w);
            long mu = (sigma ^ sv) | a.m() | b.m();
            return new T(sv & ~mu, mu);
        }

        static T sub(T a, T b, int w) {
            long dv = t(a.v() - b.v(), w);
            long alpha = t(dv + a.m(), w);
            long beta = t(dv - b.m(), w);
            long mu = (alpha ^ beta) | a.m() | b.m();
            return new T(dv & ~mu, mu);
        }

        static T and(T a, T b) {
            long alpha = a.v() | a.m();
            long beta = b.v() | b.m();
            long v = a.v() & b.v();
            return new T(v, alpha & beta & ~v);
        }

        static T or(T a, T b) {
            long v = a.v() | b.v();
            return new T(v, (a.m() | b.m()) & ~v);
        }

        static T xor(T a, T b) {
            long mu = a.m() | b.m();
            return new T((a.v() ^ b.v()) & ~mu, mu);
        }

        /** {@link Tnums#mul}; stops once {@code x} has no bit left (the remaining rounds add nothing). */
        static T mul(T a, T b, int w) {
            T acc = new T(0, 0);
            long xv = a.v();
            long xm = a.m();
            T y = b;
            for (int i = 0; i < w && (xv | xm) != 0; i++) {
                if ((xv & 1) != 0) {
                    acc = add(acc, y, w);
                } else if ((xm & 1) != 0) {
                    acc = join(acc, add(acc, y, w));
                }
                xv >>>= 1;
                xm >>>= 1;
                y = new T(t(y.v() << 1, w), t(y.m() << 1, w));
            }
            return acc;
        }

        private static T constantOr(AluOp op, T a, T b, int w, T otherwise) {
            return a.m() == 0 && b.m() == 0 ? new T(concrete(op, a.v(), b.v(), w), 0) : otherwise;
        }

        static T shiftConst(AluOp op, T a, int k, int w) {
            return switch (op) {
                case LSH -> new T(shl(a.v(), k, w), shl(a.m(), k, w));
                case RSH -> new T(lshr(a.v(), k, w), lshr(a.m(), k, w));
                case ARSH -> new T(ashr(a.v(), k, w), ashr(a.m(), k, w));
                default -> throw new IllegalArgumentException("not a shift: " + op);
            };
        }

        static T shift(AluOp op, T a, T s, int w) {
            T r = a;
            for (int k = 1; k < w; k <<= 1) {
                if ((s.v() & k) != 0) {
                    r = shiftConst(op, r, k, w);
                } else if ((s.m() & k) != 0) {
                    r = join(r, shiftConst(op, r, k, w));
                }
            }
            return r;
        }

        static T low(T a, int bits) {
            return new T(a.v() & mask(bits), a.m() & mask(bits));
        }

        static T withLow(T low, int fromBits, int w) {
            long upper = t(~mask(fromBits), w);
            return new T(low.v() & mask(fromBits), (low.m() & mask(fromBits)) | upper);
        }

        static T apply(AluOp op, T dst, T src, int w) {
            return switch (op) {
                case ADD -> add(dst, src, w);
                case SUB -> sub(dst, src, w);
                case MUL -> mul(dst, src, w);
                case DIV, MOD -> constantOr(op, dst, src, w, fromRange(0, dst.v() | dst.m()));
                case SDIV, SMOD -> constantOr(op, dst, src, w,
                    !isNeg(dst.v() | dst.m(), w) && !isNeg(src.v() | src.m(), w) ? fromRange(0, dst.v() | dst.m()) : top(w));
                case OR -> or(dst, src);
                case AND -> and(dst, src);
                case XOR -> xor(dst, src);
                case LSH, RSH, ARSH -> shift(op, dst, src, w);
                case NEG -> sub(new T(0, 0), dst, w);
                case MOV -> src;
                case MOVSX8 -> new T(sextLow(src.v(), 8, w), sextLow(src.m(), 8, w));
                case MOVSX16 -> new T(sextLow(src.v(), 16, w), sextLow(src.m(), 16, w));
                case MOVSX32 -> new T(sextLow(src.v(), 32, w), sextLow(src.m(), 32, w));
            };
        }

        static T byteOrder(ByteOrderOp op, T dst, int w) {
            return op.swaps() ? new T(byteSwap(dst.v(), op.bits() / 8), byteSwap(dst.m(), op.bits() / 8))
                : new T(zextLow(dst.v(), op.bits(), w), zextLow(dst.m(), op.bits(), w));
        }
    }

    // ---- unsigned ranges ----

    static final class Ur {
        private Ur() {}

        static R top(int w) {
            return new R(0, mask(w));
        }

        static R bottom(int w) {
            return new R(mask(w), 0);
        }

        static boolean bot(R a) {
            return ult(a.hi(), a.lo());
        }

        static R join(R a, R b) {
            if (bot(a)) {
                return b;
            }
            if (bot(b)) {
                return a;
            }
            return new R(umin(a.lo(), b.lo()), umax(a.hi(), b.hi()));
        }

        static R meet(R a, R b, int w) {
            long lo = umax(a.lo(), b.lo());
            long hi = umin(a.hi(), b.hi());
            return bot(a) || bot(b) || ult(hi, lo) ? bottom(w) : new R(lo, hi);
        }

        static boolean leq(R a, R b) {
            return bot(a) || (ule(b.lo(), a.lo()) && ule(a.hi(), b.hi()));
        }

        static R widen(R a, R b, long[] thresholds, int w) {
            if (bot(a)) {
                return b;
            }
            if (bot(b)) {
                return a;
            }
            long lo = a.lo();
            if (ult(b.lo(), a.lo())) {
                lo = 0;
                for (long th : thresholds) {
                    if (ule(t(th, w), b.lo())) {
                        lo = t(th, w);
                    }
                }
            }
            long hi = a.hi();
            if (ult(a.hi(), b.hi())) {
                hi = mask(w);
                for (int i = thresholds.length - 1; i >= 0; i--) {
                    if (ule(b.hi(), t(thresholds[i], w))) {
                        hi = t(thresholds[i], w);
                    }
                }
            }
            return new R(lo, hi);
        }

        static R narrow(R a, R b, int w) {
            if (bot(a) || bot(b)) {
                return bottom(w);
            }
            return new R(a.lo() == 0 ? b.lo() : a.lo(), a.hi() == mask(w) ? b.hi() : a.hi());
        }

        static R add(R a, R b, int w) {
            long lo = t(a.lo() + b.lo(), w);
            long hi = t(a.hi() + b.hi(), w);
            return ult(lo, a.lo()) == ult(hi, a.hi()) ? new R(lo, hi) : top(w);
        }

        static R sub(R a, R b, int w) {
            long lo = t(a.lo() - b.hi(), w);
            long hi = t(a.hi() - b.lo(), w);
            return ult(a.lo(), b.hi()) == ult(a.hi(), b.lo()) ? new R(lo, hi) : top(w);
        }

        static R mul(R a, R b, int w) {
            return umulOverflow(a.hi(), b.hi(), w) ? top(w) : new R(t(a.lo() * b.lo(), w), t(a.hi() * b.hi(), w));
        }

        static R udivR(R a, R b, int w) {
            return b.lo() == 0 ? new R(0, a.hi()) : new R(udiv(a.lo(), b.hi(), w), udiv(a.hi(), b.lo(), w));
        }

        static R umod(R a, R b, int w) {
            if (b.lo() == 0) {
                return new R(0, a.hi());
            }
            return ult(a.hi(), b.lo()) ? a : new R(0, umin(a.hi(), t(b.hi() - 1, w)));
        }

        private static boolean bothNonNegative(R a, R b, int w) {
            return !isNeg(a.hi(), w) && !isNeg(b.hi(), w);
        }

        static R or(R a, R b) {
            return new R(umax(a.lo(), b.lo()), smear(a.hi() | b.hi()));
        }

        static R xor(R a, R b) {
            return new R(0, smear(a.hi() | b.hi()));
        }

        static R shiftAmounts(R s, int w) {
            return ule(s.hi(), w - 1) ? s : new R(0, w - 1);
        }

        static R lsh(R a, R s, int w) {
            R k = shiftAmounts(s, w);
            long hi = shl(a.hi(), k.hi(), w);
            return lshr(hi, k.hi(), w) == a.hi() ? new R(shl(a.lo(), k.lo(), w), hi) : top(w);
        }

        static R rsh(R a, R s, int w) {
            R k = shiftAmounts(s, w);
            return new R(lshr(a.lo(), k.hi(), w), lshr(a.hi(), k.lo(), w));
        }

        static R arsh(R a, R s, int w) {
            if (!isNeg(a.hi(), w)) {
                return rsh(a, s, w);
            }
            if (isNeg(a.lo(), w)) {
                R k = shiftAmounts(s, w);
                return new R(ashr(a.lo(), k.lo(), w), ashr(a.hi(), k.hi(), w));
            }
            return top(w);
        }

        static R sextLowR(R a, int bits, int w) {
            if (bits >= w) {
                return a;
            }
            return ule(a.hi(), maxS(bits)) ? a : top(w);
        }

        static R zextLowR(R a, int bits, int w) {
            if (bits >= w) {
                return a;
            }
            return ule(a.hi(), mask(bits)) ? a : new R(0, mask(bits));
        }

        static R apply(AluOp op, R dst, R src, int w) {
            return switch (op) {
                case ADD -> add(dst, src, w);
                case SUB -> sub(dst, src, w);
                case MUL -> mul(dst, src, w);
                case DIV -> udivR(dst, src, w);
                case SDIV -> bothNonNegative(dst, src, w) ? udivR(dst, src, w) : top(w);
                case MOD -> umod(dst, src, w);
                case SMOD -> bothNonNegative(dst, src, w) ? umod(dst, src, w) : top(w);
                case OR -> or(dst, src);
                case AND -> new R(0, umin(dst.hi(), src.hi()));
                case XOR -> xor(dst, src);
                case LSH -> lsh(dst, src, w);
                case RSH -> rsh(dst, src, w);
                case ARSH -> arsh(dst, src, w);
                case NEG -> sub(new R(0, 0), dst, w);
                case MOV -> src;
                case MOVSX8 -> sextLowR(src, 8, w);
                case MOVSX16 -> sextLowR(src, 16, w);
                case MOVSX32 -> sextLowR(src, 32, w);
            };
        }

        static R byteOrder(ByteOrderOp op, R dst, int w) {
            if (!op.swaps()) {
                return zextLowR(dst, op.bits(), w);
            }
            if (op.bits() > w) {
                return top(w);
            }
            if (lowByteOnly(dst, w)) {
                return swapBounds(op, dst);
            }
            return op.bits() == w ? top(w) : new R(0, mask(op.bits()));
        }

        static boolean lowByteOnly(R r, int w) {
            return w <= 8 || (r.lo() >>> 8) == (r.hi() >>> 8);
        }

        static R swapBounds(ByteOrderOp op, R r) {
            return new R(byteSwap(r.lo(), op.bits() / 8), byteSwap(r.hi(), op.bits() / 8));
        }
    }

    // ---- signed ranges ----

    static final class Sr {
        private Sr() {}

        static R top(int w) {
            return new R(minS(w), maxS(w));
        }

        static R bottom(int w) {
            return new R(maxS(w), minS(w));
        }

        static boolean bot(R a, int w) {
            return slt(a.hi(), a.lo(), w);
        }

        static R join(R a, R b, int w) {
            if (bot(a, w)) {
                return b;
            }
            if (bot(b, w)) {
                return a;
            }
            return new R(FastScalars.smin(a.lo(), b.lo(), w), FastScalars.smax(a.hi(), b.hi(), w));
        }

        static R meet(R a, R b, int w) {
            long lo = FastScalars.smax(a.lo(), b.lo(), w);
            long hi = FastScalars.smin(a.hi(), b.hi(), w);
            return bot(a, w) || bot(b, w) || slt(hi, lo, w) ? bottom(w) : new R(lo, hi);
        }

        static boolean leq(R a, R b, int w) {
            return bot(a, w) || (sle(b.lo(), a.lo(), w) && sle(a.hi(), b.hi(), w));
        }

        static R widen(R a, R b, long[] thresholds, int w) {
            if (bot(a, w)) {
                return b;
            }
            if (bot(b, w)) {
                return a;
            }
            long lo = a.lo();
            if (slt(b.lo(), a.lo(), w)) {
                lo = minS(w);
                for (long th : thresholds) {
                    if (sle(t(th, w), b.lo(), w)) {
                        lo = t(th, w);
                    }
                }
            }
            long hi = a.hi();
            if (slt(a.hi(), b.hi(), w)) {
                hi = maxS(w);
                for (int i = thresholds.length - 1; i >= 0; i--) {
                    if (sle(b.hi(), t(thresholds[i], w), w)) {
                        hi = t(thresholds[i], w);
                    }
                }
            }
            return new R(lo, hi);
        }

        static R narrow(R a, R b, int w) {
            if (bot(a, w) || bot(b, w)) {
                return bottom(w);
            }
            return new R(a.lo() == minS(w) ? b.lo() : a.lo(), a.hi() == maxS(w) ? b.hi() : a.hi());
        }

        private static boolean addUp(long x, long y, long r, int w) {
            return !isNeg(x, w) && !isNeg(y, w) && isNeg(r, w);
        }

        private static boolean addDown(long x, long y, long r, int w) {
            return isNeg(x, w) && isNeg(y, w) && !isNeg(r, w);
        }

        private static boolean subUp(long x, long y, long r, int w) {
            return !isNeg(x, w) && isNeg(y, w) && isNeg(r, w);
        }

        private static boolean subDown(long x, long y, long r, int w) {
            return isNeg(x, w) && !isNeg(y, w) && !isNeg(r, w);
        }

        static R add(R a, R b, int w) {
            long lo = t(a.lo() + b.lo(), w);
            long hi = t(a.hi() + b.hi(), w);
            boolean same = addUp(a.lo(), b.lo(), lo, w) == addUp(a.hi(), b.hi(), hi, w)
                && addDown(a.lo(), b.lo(), lo, w) == addDown(a.hi(), b.hi(), hi, w);
            return same ? new R(lo, hi) : top(w);
        }

        static R sub(R a, R b, int w) {
            long lo = t(a.lo() - b.hi(), w);
            long hi = t(a.hi() - b.lo(), w);
            boolean same = subUp(a.lo(), b.hi(), lo, w) == subUp(a.hi(), b.lo(), hi, w)
                && subDown(a.lo(), b.hi(), lo, w) == subDown(a.hi(), b.lo(), hi, w);
            return same ? new R(lo, hi) : top(w);
        }

        private static R hull(long p1, long p2, long p3, long p4, int w) {
            return new R(FastScalars.smin(FastScalars.smin(p1, p2, w), FastScalars.smin(p3, p4, w), w),
                FastScalars.smax(FastScalars.smax(p1, p2, w), FastScalars.smax(p3, p4, w), w));
        }

        static R mul(R a, R b, int w) {
            boolean overflow = smulOverflow(a.lo(), b.lo(), w) || smulOverflow(a.lo(), b.hi(), w)
                || smulOverflow(a.hi(), b.lo(), w) || smulOverflow(a.hi(), b.hi(), w);
            if (overflow) {
                return top(w);
            }
            return hull(t(a.lo() * b.lo(), w), t(a.lo() * b.hi(), w), t(a.hi() * b.lo(), w), t(a.hi() * b.hi(), w), w);
        }

        private static R divCorners(R a, R b, int w) {
            return hull(FastScalars.sdiv(a.lo(), b.lo(), w), FastScalars.sdiv(a.lo(), b.hi(), w),
                FastScalars.sdiv(a.hi(), b.lo(), w), FastScalars.sdiv(a.hi(), b.hi(), w), w);
        }

        static R sdivR(R a, R b, int w) {
            if (b.lo() == 0 && b.hi() == 0) {
                return new R(0, 0);
            }
            long minusOne = mask(w);
            R r;
            if (sle(0, b.lo(), w)) {
                r = divCorners(a, new R(FastScalars.smax(b.lo(), 1, w), b.hi()), w);
            } else if (sle(b.hi(), 0, w)) {
                R negative = new R(b.lo(), FastScalars.smin(b.hi(), minusOne, w));
                r = a.lo() == minS(w) && negative.hi() == minusOne ? top(w) : divCorners(a, negative, w);
            } else {
                r = top(w);
            }
            boolean hasZero = sle(b.lo(), 0, w) && sle(0, b.hi(), w);
            return hasZero ? new R(FastScalars.smin(r.lo(), 0, w), FastScalars.smax(r.hi(), 0, w)) : r;
        }

        static R smod(R a, R b, int w) {
            if (b.lo() == 0 && b.hi() == 0) {
                return a;
            }
            long absLo = isNeg(b.lo(), w) ? t(-b.lo(), w) : b.lo();
            long absHi = isNeg(b.hi(), w) ? t(-b.hi(), w) : b.hi();
            long m = b.lo() == minS(w) ? maxS(w) : t(umax(absLo, absHi) - 1, w);
            long lo = isNeg(a.lo(), w) ? FastScalars.smax(a.lo(), t(-m, w), w) : 0;
            long hi = slt(0, a.hi(), w) ? FastScalars.smin(a.hi(), m, w) : 0;
            R r = new R(lo, hi);
            boolean hasZero = sle(b.lo(), 0, w) && sle(0, b.hi(), w);
            return hasZero ? join(r, a, w) : r;
        }

        private static boolean nonNegative(R a, int w) {
            return !isNeg(a.lo(), w);
        }

        static R and(R a, R b, int w) {
            boolean na = nonNegative(a, w);
            boolean nb = nonNegative(b, w);
            if (na && nb) {
                return new R(0, FastScalars.smin(a.hi(), b.hi(), w));
            }
            return na ? new R(0, a.hi()) : nb ? new R(0, b.hi()) : top(w);
        }

        static R shiftAmounts(R s, int w) {
            return nonNegative(s, w) && sle(s.hi(), w - 1, w) ? s : new R(0, w - 1);
        }

        static R lsh(R a, R s, int w) {
            R u = Ur.lsh(a, shiftAmounts(s, w), w);
            return nonNegative(a, w) && !isNeg(u.hi(), w) ? u : top(w);
        }

        static R rsh(R a, R s, int w) {
            return nonNegative(a, w) ? Ur.rsh(a, shiftAmounts(s, w), w) : top(w);
        }

        static R arsh(R a, R s, int w) {
            R k = shiftAmounts(s, w);
            return new R(FastScalars.smin(ashr(a.lo(), k.lo(), w), ashr(a.lo(), k.hi(), w), w),
                FastScalars.smax(ashr(a.hi(), k.lo(), w), ashr(a.hi(), k.hi(), w), w));
        }

        static R sextLowR(R a, int bits, int w) {
            if (bits >= w) {
                return a;
            }
            long lo = t(sx(minS(bits), bits), w);
            long hi = t(sx(maxS(bits), bits), w);
            return sle(lo, a.lo(), w) && sle(a.hi(), hi, w) ? a : new R(lo, hi);
        }

        static R zextLowR(R a, int bits, int w) {
            if (bits >= w) {
                return a;
            }
            long max = mask(bits);
            return nonNegative(a, w) && sle(a.hi(), max, w) ? a : new R(0, max);
        }

        private static R unsignedWhenNonNegative(AluOp op, R a, R b, int w) {
            if (!(nonNegative(a, w) && nonNegative(b, w))) {
                return top(w);
            }
            return op == AluOp.DIV ? Ur.udivR(a, b, w) : Ur.umod(a, b, w);
        }

        static R apply(AluOp op, R dst, R src, int w) {
            return switch (op) {
                case ADD -> add(dst, src, w);
                case SUB -> sub(dst, src, w);
                case MUL -> mul(dst, src, w);
                case DIV, MOD -> unsignedWhenNonNegative(op, dst, src, w);
                case SDIV -> sdivR(dst, src, w);
                case SMOD -> smod(dst, src, w);
                case OR -> nonNegative(dst, w) && nonNegative(src, w) ? Ur.or(dst, src) : top(w);
                case AND -> and(dst, src, w);
                case XOR -> nonNegative(dst, w) && nonNegative(src, w) ? Ur.xor(dst, src) : top(w);
                case LSH -> lsh(dst, src, w);
                case RSH -> rsh(dst, src, w);
                case ARSH -> arsh(dst, src, w);
                case NEG -> sub(new R(0, 0), dst, w);
                case MOV -> src;
                case MOVSX8 -> sextLowR(src, 8, w);
                case MOVSX16 -> sextLowR(src, 16, w);
                case MOVSX32 -> sextLowR(src, 32, w);
            };
        }

        static R byteOrder(ByteOrderOp op, R dst, int w) {
            if (!op.swaps()) {
                return zextLowR(dst, op.bits(), w);
            }
            if (op.bits() > w) {
                return top(w);
            }
            R swapped = Ur.swapBounds(op, dst);
            if (op.bits() == w) {
                boolean sameSign = isNeg(swapped.lo(), w) == isNeg(swapped.hi(), w);
                return Ur.lowByteOnly(dst, w) && sameSign ? swapped : top(w);
            }
            return Ur.lowByteOnly(dst, w) ? swapped : new R(0, mask(op.bits()));
        }
    }

    // ---- the reduced product ----

    static final S TOP = new S(Tn.top(64), Ur.top(64), Sr.top(64), Ur.top(32), Sr.top(32));
    static final S BOTTOM = new S(Tn.BOTTOM, Ur.bottom(64), Sr.bottom(64), Ur.bottom(32), Sr.bottom(32));

    static boolean isBottom(S a) {
        return Tn.bot(a.t()) || Ur.bot(a.u()) || Sr.bot(a.s(), 64) || Ur.bot(a.u32()) || Sr.bot(a.s32(), 32);
    }

    static boolean contains(S a, long x) {
        long l = x & mask(32);
        return (x & ~a.t().m()) == a.t().v() && ule(a.u().lo(), x) && ule(x, a.u().hi())
            && a.s().lo() <= x && x <= a.s().hi() && ule(a.u32().lo(), l) && ule(l, a.u32().hi())
            && sle(a.s32().lo(), l, 32) && sle(l, a.s32().hi(), 32);
    }

    static boolean leq(S a, S b) {
        return isBottom(a) || (Tn.leq(a.t(), b.t()) && Ur.leq(a.u(), b.u()) && Sr.leq(a.s(), b.s(), 64)
            && Ur.leq(a.u32(), b.u32()) && Sr.leq(a.s32(), b.s32(), 32));
    }

    static S join(S a, S b) {
        if (isBottom(a)) {
            return b;
        }
        if (isBottom(b)) {
            return a;
        }
        return new S(Tn.join(a.t(), b.t()), Ur.join(a.u(), b.u()), Sr.join(a.s(), b.s(), 64),
            Ur.join(a.u32(), b.u32()), Sr.join(a.s32(), b.s32(), 32));
    }

    static S meet(S a, S b) {
        return new S(Tn.meet(a.t(), b.t()), Ur.meet(a.u(), b.u(), 64), Sr.meet(a.s(), b.s(), 64),
            Ur.meet(a.u32(), b.u32(), 32), Sr.meet(a.s32(), b.s32(), 32));
    }

    private static final long[] U64 = Scalars.unsignedThresholds(64);
    private static final long[] S64 = Scalars.signedThresholds(64);
    private static final long[] U32 = Scalars.unsignedThresholds(32);
    private static final long[] S32 = Scalars.signedThresholds(32);

    static S widen(S a, S b) {
        if (isBottom(a)) {
            return b;
        }
        if (isBottom(b)) {
            return a;
        }
        R u = Ur.widen(a.u(), b.u(), U64, 64);
        R s = Sr.widen(a.s(), b.s(), S64, 64);
        R u32 = Ur.widen(a.u32(), b.u32(), U32, 32);
        R s32 = Sr.widen(a.s32(), b.s32(), S32, 32);
        T t = Tn.join(a.t(), b.t());
        long upper = t.v() & ~mask(32);
        t = joinIfMoved(t, a.u().lo(), u.lo(), u.lo());
        t = joinIfMoved(t, a.u().hi(), u.hi(), u.hi());
        t = joinIfMoved(t, a.s().lo(), s.lo(), s.lo());
        t = joinIfMoved(t, a.s().hi(), s.hi(), s.hi());
        t = joinIfMoved(t, a.u32().lo(), u32.lo(), upper | u32.lo());
        t = joinIfMoved(t, a.u32().hi(), u32.hi(), upper | u32.hi());
        t = joinIfMoved(t, a.s32().lo(), s32.lo(), upper | s32.lo());
        t = joinIfMoved(t, a.s32().hi(), s32.hi(), upper | s32.hi());
        return new S(t, u, s, u32, s32);
    }

    /** {@code Scalars.joinIfMoved}. */
    private static T joinIfMoved(T t, long before, long after, long member) {
        return before == after ? t : Tn.join(t, new T(member, 0));
    }

    static S narrow(S a, S b) {
        return new S(Tn.meet(a.t(), b.t()), Ur.narrow(a.u(), b.u(), 64), Sr.narrow(a.s(), b.s(), 64),
            Ur.narrow(a.u32(), b.u32(), 32), Sr.narrow(a.s32(), b.s32(), 32));
    }

    static S alu(AluOp op, Width width, S dst, S src) {
        if (width == Width.W64) {
            T t = Tn.apply(op, dst.t(), src.t(), 64);
            R u = Ur.apply(op, dst.u(), src.u(), 64);
            R s = Sr.apply(op, dst.s(), src.s(), 64);
            if (!Scalars.lowHalfCommutes(op)) {
                R u32 = lowBoundsU(t);
                R s32 = lowBoundsS(t);
                if (lowHalfExact(op, dst, src)) {
                    u32 = Ur.meet(u32, Ur.apply(op, dst.u32(), src.u32(), 32), 32);
                    s32 = Sr.meet(s32, Sr.apply(op, dst.s32(), src.s32(), 32), 32);
                }
                return new S(t, u, s, u32, s32);
            }
            return new S(t, u, s, Ur.apply(op, dst.u32(), src.u32(), 32), Sr.apply(op, dst.s32(), src.s32(), 32));
        }
        T t = Tn.apply(op, Tn.low(dst.t(), 32), Tn.low(src.t(), 32), 32);
        R u = Ur.apply(op, dst.u32(), src.u32(), 32);
        R s = Sr.apply(op, dst.s32(), src.s32(), 32);
        // Zero-extended to 64 bits (the 32-bit results already are; masked as Tnums.zext does).
        R wide = new R(u.lo() & mask(32), u.hi() & mask(32));
        return new S(new T(t.v() & mask(32), t.m() & mask(32)), wide, wide, u, s);
    }

    static S byteOrder(ByteOrderOp op, S dst) {
        boolean low = !(op.swaps() && op.bits() >= 64);
        T t = Tn.byteOrder(op, dst.t(), 64);
        return new S(t, Ur.byteOrder(op, dst.u(), 64), Sr.byteOrder(op, dst.s(), 64),
            low ? Ur.byteOrder(op, dst.u32(), 32) : lowBoundsU(t), low ? Sr.byteOrder(op, dst.s32(), 32) : lowBoundsS(t));
    }

    /** {@code Scalars.lowBoundsU}. */
    private static R lowBoundsU(T t) {
        T tl = Tn.low(t, 32);
        return new R(tl.v(), tl.v() | tl.m());
    }

    /** {@code Scalars.lowBoundsS}. */
    private static R lowBoundsS(T t) {
        T tl = Tn.low(t, 32);
        return new R(Tn.smin(tl, 32), Tn.smax(tl, 32));
    }

    /** {@link Scalars#lowHalfExact} at 64 bits. */
    private static boolean lowHalfExact(AluOp op, S dst, S src) {
        boolean smallAmount = ule(src.u().hi(), 31);
        boolean dstZeroExtended = (dst.u().hi() >>> 32) == 0;
        boolean srcZeroExtended = (src.u().hi() >>> 32) == 0;
        return switch (op) {
            case LSH -> smallAmount;
            case RSH -> smallAmount && dstZeroExtended;
            case ARSH -> smallAmount && signExtendedHalf(dst.s());
            case DIV, MOD -> dstZeroExtended && srcZeroExtended;
            case SDIV, SMOD -> signExtendedHalf(dst.s()) && signExtendedHalf(src.s());
            default -> true;
        };
    }

    /** Every member of the signed 64-bit range is a sign-extended 32-bit value. */
    private static boolean signExtendedHalf(R s) {
        return Integer.MIN_VALUE <= s.lo() && s.hi() <= Integer.MAX_VALUE;
    }

    // ---- synchronisation ----

    /** {@link Scalars#syncToFixpoint}: {@link #syncStep} until nothing changes. */
    static S sync(S a) {
        S cur = a;
        while (true) {
            S next = syncStep(cur);
            if (next.equals(cur)) {
                return cur;
            }
            cur = next;
        }
    }

    private static boolean signedNoCross(R s, int w) {
        return !isNeg(s.lo(), w) || isNeg(s.hi(), w);
    }

    private static boolean unsignedNoCross(R u, int w) {
        return isNeg(u.lo(), w) == isNeg(u.hi(), w);
    }

    /** {@link Scalars#syncStep}: the {@link Scalars.SyncStep}s in order. */
    static S syncStep(S a) {
        T t = a.t();
        R u = a.u();
        R s = a.s();
        R u32 = a.u32();
        R s32 = a.s32();
        // BOUNDS_FROM_TNUM
        u = Ur.meet(u, new R(t.v(), t.v() | t.m()), 64);
        s = Sr.meet(s, new R(Tn.smin(t, 64), Tn.smax(t, 64)), 64);
        T tl = Tn.low(t, 32);
        u32 = Ur.meet(u32, new R(tl.v(), tl.v() | tl.m()), 32);
        s32 = Sr.meet(s32, new R(Tn.smin(tl, 32), Tn.smax(tl, 32)), 32);
        // HALF_FROM_FULL
        boolean sameU = (u.lo() >>> 32) == (u.hi() >>> 32);
        boolean sameS = (s.lo() >>> 32) == (s.hi() >>> 32);
        if (sameU) {
            R lowU = new R(u.lo() & mask(32), u.hi() & mask(32));
            u32 = Ur.meet(u32, lowU, 32);
            if (sle(lowU.lo(), lowU.hi(), 32)) {
                s32 = Sr.meet(s32, lowU, 32);
            }
        }
        if (sameS) {
            R lowS = new R(s.lo() & mask(32), s.hi() & mask(32));
            if (ule(lowS.lo(), lowS.hi())) {
                u32 = Ur.meet(u32, lowS, 32);
            }
            if (sle(lowS.lo(), lowS.hi(), 32)) {
                s32 = Sr.meet(s32, lowS, 32);
            }
        }
        if (signExtendedHalf(s)) {
            s32 = Sr.meet(s32, new R(s.lo() & mask(32), s.hi() & mask(32)), 32);
        }
        // FULL_FROM_HALF (sameU, sameS as above: u and s are unchanged by the previous step)
        if (sameU) {
            long upper = u.lo() & ~mask(32);
            u = Ur.meet(u, new R(upper | u32.lo(), upper | u32.hi()), 64);
        }
        if (sameS) {
            long upper = s.lo() & ~mask(32);
            s = Sr.meet(s, new R(upper | u32.lo(), upper | u32.hi()), 64);
        }
        // SIGNS
        if (signedNoCross(s, 64)) {
            u = Ur.meet(u, s, 64);
        }
        if (unsignedNoCross(u, 64)) {
            s = Sr.meet(s, u, 64);
        }
        if (signedNoCross(s32, 32)) {
            u32 = Ur.meet(u32, s32, 32);
        }
        if (unsignedNoCross(u32, 32)) {
            s32 = Sr.meet(s32, u32, 32);
        }
        // TNUM_FROM_BOUNDS
        t = Tn.meet(t, Tn.fromRange(u.lo(), u.hi()));
        if (signedNoCross(s, 64)) {
            t = Tn.meet(t, Tn.fromRange(s.lo(), s.hi()));
        }
        t = Tn.meet(t, Tn.withLow(Tn.fromRange(u32.lo(), u32.hi()), 32, 64));
        if (signedNoCross(s32, 32)) {
            t = Tn.meet(t, Tn.withLow(Tn.fromRange(s32.lo(), s32.hi()), 32, 64));
        }
        // CANONICAL_BOTTOM
        S r = new S(t, u, s, u32, s32);
        return isBottom(r) ? BOTTOM : r;
    }
}
