package dev.warden.domains;

import dev.warden.isa.AluOp;

/**
 * The tnum operators, generic over {@link BitVectors} (see there for why). Algorithms follow the
 * Linux kernel's {@code kernel/bpf/tnum.c} where it has one; the others are stated with their
 * imprecision. Unless documented otherwise an operator expects well-formed (non-bottom) inputs.
 */
public final class Tnums {

    private Tnums() {}

    public static <V, B> TnumOf<V> constant(BitVectors<V, B> bv, V c) {
        return new TnumOf<>(c, bv.zero());
    }

    public static <V, B> TnumOf<V> top(BitVectors<V, B> bv) {
        return new TnumOf<>(bv.zero(), bv.ones());
    }

    /** The canonical bottom: bit 0 both known (to 1) and unknown. */
    public static <V, B> TnumOf<V> bottom(BitVectors<V, B> bv) {
        return new TnumOf<>(bv.num(1), bv.num(1));
    }

    public static <V, B> B wellFormed(BitVectors<V, B> bv, TnumOf<V> a) {
        return bv.eq(bv.and(a.value(), a.mask()), bv.zero());
    }

    public static <V, B> B isBottom(BitVectors<V, B> bv, TnumOf<V> a) {
        return bv.negate(wellFormed(bv, a));
    }

    public static <V, B> B isConstant(BitVectors<V, B> bv, TnumOf<V> a) {
        return bv.both(wellFormed(bv, a), bv.eq(a.mask(), bv.zero()));
    }

    /** γ: {@code x} agrees with {@code a} on every known bit. */
    public static <V, B> B contains(BitVectors<V, B> bv, TnumOf<V> a, V x) {
        return bv.eq(bv.and(x, bv.not(a.mask())), a.value());
    }

    public static <V, B> TnumOf<V> select(BitVectors<V, B> bv, B c, TnumOf<V> t, TnumOf<V> e) {
        return new TnumOf<>(bv.ite(c, t.value(), e.value()), bv.ite(c, t.mask(), e.mask()));
    }

    /** Smallest unsigned value in γ(a). */
    public static <V, B> V umin(BitVectors<V, B> bv, TnumOf<V> a) {
        return a.value();
    }

    /** Largest unsigned value in γ(a). */
    public static <V, B> V umax(BitVectors<V, B> bv, TnumOf<V> a) {
        return bv.or(a.value(), a.mask());
    }

    /** Smallest signed value: the sign bit set if unknown, every other unknown bit clear. */
    public static <V, B> V smin(BitVectors<V, B> bv, TnumOf<V> a) {
        return bv.or(a.value(), bv.and(a.mask(), bv.minSigned()));
    }

    /** Largest signed value: the sign bit clear if unknown, every other unknown bit set. */
    public static <V, B> V smax(BitVectors<V, B> bv, TnumOf<V> a) {
        return bv.or(a.value(), bv.and(a.mask(), bv.maxSigned()));
    }

    /**
     * The smallest tnum containing the unsigned range {@code [lo, hi]}: bits above the highest bit
     * where {@code lo} and {@code hi} differ are known. Imprecise by nature: {@code [0, 2]} gives
     * {@code {0,1,2,3}}. An empty range ({@code lo > hi}, unsigned) gives the canonical bottom.
     */
    public static <V, B> TnumOf<V> fromRange(BitVectors<V, B> bv, V lo, V hi) {
        V delta = bv.smear(bv.xor(lo, hi));
        return select(bv, bv.ult(hi, lo), bottom(bv), new TnumOf<>(bv.and(lo, bv.not(delta)), delta));
    }

    // ---- lattice ----

    /** Least upper bound; either side may be bottom. */
    public static <V, B> TnumOf<V> join(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V mu = bv.or(bv.or(a.mask(), b.mask()), bv.xor(a.value(), b.value()));
        TnumOf<V> j = new TnumOf<>(bv.and(a.value(), bv.not(mu)), mu);
        return select(bv, isBottom(bv, a), b, select(bv, isBottom(bv, b), a, j));
    }

    /** Greatest lower bound (intersection); the canonical bottom when the two disagree on a known bit. */
    public static <V, B> TnumOf<V> meet(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V conflict = bv.and(bv.xor(a.value(), b.value()), bv.not(bv.or(a.mask(), b.mask())));
        TnumOf<V> m = new TnumOf<>(bv.or(a.value(), b.value()), bv.and(a.mask(), b.mask()));
        B empty = bv.either(isBottom(bv, a), isBottom(bv, b), bv.ne(conflict, bv.zero()));
        return select(bv, empty, bottom(bv), m);
    }

    /** γ(a) ⊆ γ(b). */
    public static <V, B> B leq(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        B inside = bv.both(bv.eq(bv.and(a.mask(), bv.not(b.mask())), bv.zero()),
            bv.eq(bv.and(a.value(), bv.not(b.mask())), b.value()));
        return bv.either(isBottom(bv, a), inside);
    }

    // ---- arithmetic (kernel algorithms) ----

    /** Sound and optimal (Vishwanathan et al., CGO 2022). */
    public static <V, B> TnumOf<V> add(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V sm = bv.add(a.mask(), b.mask());
        V sv = bv.add(a.value(), b.value());
        V sigma = bv.add(sm, sv);
        V chi = bv.xor(sigma, sv);
        V mu = bv.or(bv.or(chi, a.mask()), b.mask());
        return new TnumOf<>(bv.and(sv, bv.not(mu)), mu);
    }

    /** Sound and optimal. */
    public static <V, B> TnumOf<V> sub(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V dv = bv.sub(a.value(), b.value());
        V alpha = bv.add(dv, a.mask());
        V beta = bv.sub(dv, b.mask());
        V chi = bv.xor(alpha, beta);
        V mu = bv.or(bv.or(chi, a.mask()), b.mask());
        return new TnumOf<>(bv.and(dv, bv.not(mu)), mu);
    }

    public static <V, B> TnumOf<V> neg(BitVectors<V, B> bv, TnumOf<V> a) {
        return sub(bv, constant(bv, bv.zero()), a);
    }

    public static <V, B> TnumOf<V> and(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V alpha = bv.or(a.value(), a.mask());
        V beta = bv.or(b.value(), b.mask());
        V v = bv.and(a.value(), b.value());
        return new TnumOf<>(v, bv.and(bv.and(alpha, beta), bv.not(v)));
    }

    public static <V, B> TnumOf<V> or(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V v = bv.or(a.value(), b.value());
        V mu = bv.or(a.mask(), b.mask());
        return new TnumOf<>(v, bv.and(mu, bv.not(v)));
    }

    public static <V, B> TnumOf<V> xor(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V v = bv.xor(a.value(), b.value());
        V mu = bv.or(a.mask(), b.mask());
        return new TnumOf<>(bv.and(v, bv.not(mu)), mu);
    }

    /**
     * The kernel's {@code tnum_mul} as of Linux 6.18 ("bpf: Improve the general precision of
     * tnum_mul"): a shift-and-add multiplier over tnums. For each bit of {@code a}, from the
     * lowest: known 1 adds the shifted {@code b} to the accumulator; unknown joins the
     * accumulator with and without that addition; known 0 adds nothing. The earlier algorithm
     * (Vishwanathan et al., CGO 2022) kept the known product {@code a.value * b.value} apart and
     * summed only the unknown partial products, which loses the carries between the two; this one
     * keeps every partial product as one tnum. Runs a fixed {@code width} rounds (the kernel stops
     * once {@code a} is exhausted; the extra rounds add zero), so the Z3 formula and the Java loop
     * have the same shape.
     */
    public static <V, B> TnumOf<V> mul(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        MulRound<V> r = new MulRound<>(constant(bv, bv.zero()), a, b);
        for (int i = 0; i < bv.width(); i++) {
            r = mulRound(bv, r);
        }
        return r.acc();
    }

    /**
     * The state of {@link #mul}'s loop after some rounds: the accumulated partial products, the
     * multiplier shifted right and the multiplicand shifted left by the rounds done.
     */
    public record MulRound<V>(TnumOf<V> acc, TnumOf<V> a, TnumOf<V> b) {}

    /**
     * One round of {@link #mul}: the lowest bit of {@code a} decides whether {@code b} is added.
     * A function of its own so that its soundness can be proved at full width as a per-bit lemma
     * (the catalogue's {@code tnum.mul.round}), which with the shift-and-add identity gives
     * {@code mul} at 64 bits, where the whole multiplier is too hard to bit-blast.
     */
    public static <V, B> MulRound<V> mulRound(BitVectors<V, B> bv, MulRound<V> r) {
        V one = bv.num(1);
        B lowKnownOne = bv.ne(bv.and(r.a().value(), one), bv.zero());
        B lowUnknown = bv.ne(bv.and(r.a().mask(), one), bv.zero());
        TnumOf<V> plus = add(bv, r.acc(), r.b());
        TnumOf<V> acc = select(bv, lowKnownOne, plus, select(bv, lowUnknown, join(bv, r.acc(), plus), r.acc()));
        return new MulRound<>(acc, shiftConst(bv, AluOp.RSH, r.a(), 1), shiftConst(bv, AluOp.LSH, r.b(), 1));
    }

    /** The earlier kernel {@code tnum_mul} (Vishwanathan et al., CGO 2022), kept to measure the new one against. */
    public static <V, B> TnumOf<V> mulCgo2022(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        V accV = bv.mul(a.value(), b.value());
        TnumOf<V> accM = constant(bv, bv.zero());
        TnumOf<V> x = a;
        TnumOf<V> y = b;
        V one = bv.num(1);
        for (int i = 0; i < bv.width(); i++) {
            B lowKnownOne = bv.ne(bv.and(x.value(), one), bv.zero());
            B lowUnknown = bv.ne(bv.and(x.mask(), one), bv.zero());
            TnumOf<V> ifOne = add(bv, accM, new TnumOf<>(bv.zero(), y.mask()));
            TnumOf<V> ifUnknown = add(bv, accM, new TnumOf<>(bv.zero(), bv.or(y.value(), y.mask())));
            accM = select(bv, lowKnownOne, ifOne, select(bv, lowUnknown, ifUnknown, accM));
            x = shiftConst(bv, AluOp.RSH, x, 1);
            y = shiftConst(bv, AluOp.LSH, y, 1);
        }
        return add(bv, constant(bv, accV), accM);
    }

    /**
     * Unsigned division: exact for constants; otherwise {@code [0, max(a)]} as a tnum, since a
     * quotient never exceeds its dividend and division by zero gives 0. (The kernel has no tnum
     * division; it recomputes the tnum from the bounds.)
     */
    public static <V, B> TnumOf<V> udiv(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        return constantOr(bv, AluOp.DIV, a, b, fromRange(bv, bv.zero(), umax(bv, a)));
    }

    /** Unsigned modulo: exact for constants; otherwise {@code [0, max(a)]} ({@code x % y <= x}). */
    public static <V, B> TnumOf<V> umod(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        return constantOr(bv, AluOp.MOD, a, b, fromRange(bv, bv.zero(), umax(bv, a)));
    }

    /** Whether both sign bits are known clear: signed division and modulo are then unsigned. */
    private static <V, B> B bothNonNegative(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        return bv.negate(bv.either(bv.isNeg(umax(bv, a)), bv.isNeg(umax(bv, b))));
    }

    /**
     * Signed division: exact for constants; as {@link #udiv} when both sign bits are known clear;
     * top otherwise (the intervals do better).
     */
    public static <V, B> TnumOf<V> sdiv(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        return constantOr(bv, AluOp.SDIV, a, b, select(bv, bothNonNegative(bv, a, b), fromRange(bv, bv.zero(), umax(bv, a)), top(bv)));
    }

    /** Signed modulo: exact for constants; as {@link #umod} when both sign bits are known clear; top otherwise. */
    public static <V, B> TnumOf<V> smod(BitVectors<V, B> bv, TnumOf<V> a, TnumOf<V> b) {
        return constantOr(bv, AluOp.SMOD, a, b, select(bv, bothNonNegative(bv, a, b), fromRange(bv, bv.zero(), umax(bv, a)), top(bv)));
    }

    private static <V, B> TnumOf<V> constantOr(BitVectors<V, B> bv, AluOp op, TnumOf<V> a,
                                               TnumOf<V> b, TnumOf<V> otherwise) {
        B both = bv.both(bv.eq(a.mask(), bv.zero()), bv.eq(b.mask(), bv.zero()));
        TnumOf<V> exact = constant(bv, Semantics.apply(bv, op, a.value(), b.value()));
        return select(bv, both, exact, otherwise);
    }

    /** Shift by the constant {@code k} ({@code 0 <= k < width}); exact. */
    public static <V, B> TnumOf<V> shiftConst(BitVectors<V, B> bv, AluOp op, TnumOf<V> a, int k) {
        return switch (op) {
            case LSH -> new TnumOf<>(bv.shl(a.value(), k), bv.shl(a.mask(), k));
            case RSH -> new TnumOf<>(bv.lshr(a.value(), k), bv.lshr(a.mask(), k));
            // An unknown sign bit spreads into the mask, a known one into the value.
            case ARSH -> new TnumOf<>(bv.ashr(a.value(), k), bv.ashr(a.mask(), k));
            default -> throw new IllegalArgumentException("not a shift: " + op);
        };
    }

    /**
     * Shift ({@code LSH}, {@code RSH} or {@code ARSH}) by a tnum amount, masked to the width as
     * eBPF does. A barrel shifter: for each bit {@code i} of the masked amount, shift by
     * {@code 2^i} if the bit is known set, keep if known clear, and join both if unknown. Exact for
     * a constant amount; for an unknown one it may lose precision against the join over every
     * possible amount.
     */
    public static <V, B> TnumOf<V> shift(BitVectors<V, B> bv, AluOp op, TnumOf<V> a, TnumOf<V> s) {
        TnumOf<V> r = a;
        for (int k = 1; k < bv.width(); k <<= 1) {
            V bit = bv.num(k);
            B known = bv.ne(bv.and(s.value(), bit), bv.zero());
            B unknown = bv.ne(bv.and(s.mask(), bit), bv.zero());
            TnumOf<V> shifted = shiftConst(bv, op, r, k);
            r = select(bv, known, shifted, select(bv, unknown, join(bv, r, shifted), r));
        }
        return r;
    }

    /** The low {@code bits} bits sign-extended (MOVSX); exact. */
    public static <V, B> TnumOf<V> sextLow(BitVectors<V, B> bv, TnumOf<V> a, int bits) {
        return new TnumOf<>(bv.sextLow(a.value(), bits), bv.sextLow(a.mask(), bits));
    }

    /** The low {@code bits} bits, upper bits known zero; exact. */
    public static <V, B> TnumOf<V> zextLow(BitVectors<V, B> bv, TnumOf<V> a, int bits) {
        return new TnumOf<>(bv.zextLow(a.value(), bits), bv.zextLow(a.mask(), bits));
    }

    /** Byte swap of the low {@code bytes} bytes; exact (a permutation of bits). */
    public static <V, B> TnumOf<V> byteSwap(BitVectors<V, B> bv, TnumOf<V> a, int bytes) {
        return new TnumOf<>(bv.byteSwap(a.value(), bytes), bv.byteSwap(a.mask(), bytes));
    }

    /** The low half of {@code a}, a tnum of {@code bv.withWidth(bits)}. */
    public static <V, B> TnumOf<V> low(BitVectors<V, B> bv, TnumOf<V> a, int bits) {
        return new TnumOf<>(bv.low(a.value(), bits), bv.low(a.mask(), bits));
    }

    /** {@code a}, a tnum of {@code bv.withWidth(fromBits)}, zero-extended: upper bits known zero. */
    public static <V, B> TnumOf<V> zext(BitVectors<V, B> bv, TnumOf<V> a, int fromBits) {
        return new TnumOf<>(bv.zext(a.value(), fromBits), bv.zext(a.mask(), fromBits));
    }

    /** {@code lowPart} (a tnum of {@code fromBits} bits) as the low bits, upper bits unknown. */
    public static <V, B> TnumOf<V> withLow(BitVectors<V, B> bv, TnumOf<V> lowPart, int fromBits) {
        V upper = bv.not(bv.zext(bv.withWidth(fromBits).ones(), fromBits));
        return new TnumOf<>(bv.zext(lowPart.value(), fromBits), bv.or(bv.zext(lowPart.mask(), fromBits), upper));
    }

    /** The transfer function of {@code op} at the algebra's width ({@code dst op src}). */
    public static <V, B> TnumOf<V> apply(BitVectors<V, B> bv, AluOp op, TnumOf<V> dst, TnumOf<V> src) {
        int w = bv.width();
        return switch (op) {
            case ADD -> add(bv, dst, src);
            case SUB -> sub(bv, dst, src);
            case MUL -> mul(bv, dst, src);
            case DIV -> udiv(bv, dst, src);
            case SDIV -> sdiv(bv, dst, src);
            case MOD -> umod(bv, dst, src);
            case SMOD -> smod(bv, dst, src);
            case OR -> or(bv, dst, src);
            case AND -> and(bv, dst, src);
            case XOR -> xor(bv, dst, src);
            case LSH, RSH, ARSH -> shift(bv, op, dst, src);
            case NEG -> neg(bv, dst);
            case MOV -> src;
            case MOVSX8 -> sextLow(bv, src, Math.min(8, w));
            case MOVSX16 -> sextLow(bv, src, Math.min(16, w));
            case MOVSX32 -> sextLow(bv, src, Math.min(32, w));
        };
    }

    /** The transfer function of a byte-order operation on {@code dst}; exact (it moves bits). */
    public static <V, B> TnumOf<V> byteOrder(BitVectors<V, B> bv, ByteOrderOp op, TnumOf<V> dst) {
        return op.swaps() ? byteSwap(bv, dst, op.bits() / 8) : zextLow(bv, dst, op.bits());
    }

    /** {@link #apply} or {@link #byteOrder}, whichever {@code op} is. */
    public static <V, B> TnumOf<V> apply(BitVectors<V, B> bv, Operation op, TnumOf<V> dst, TnumOf<V> src) {
        return switch (op) {
            case Operation.Alu(AluOp a) -> apply(bv, a, dst, src);
            case ByteOrderOp b -> byteOrder(bv, b, dst);
        };
    }
}
