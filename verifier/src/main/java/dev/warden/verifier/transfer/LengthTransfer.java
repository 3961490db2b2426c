package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import dev.warden.verifier.state.LengthFact;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.math.BigInteger;

/**
 * How arithmetic carries a {@link LengthFact}. Each rule keeps {@code v <= k * L + c} true in
 * mathematical integers, so each states why the machine result equals the mathematical one (or is
 * at most it); every other operation drops the fact. Operands without facts cost one comparison.
 */
final class LengthTransfer {
    private LengthTransfer() {}

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    /** The fact of {@code x op y} at width {@code w}, both numbers. */
    static LengthFact alu(AluOp op, Width w, Value.Num x, Value.Num y) {
        if (x.fact() == LengthFact.NONE && y.fact() == LengthFact.NONE) {
            return LengthFact.NONE;
        }
        int bits = w == Width.W64 ? 64 : 32;
        return switch (op) {
            case ADD -> x.fact().present() && constant(y) ? added(x, shownAt(y, bits), bits)
                    : y.fact().present() && constant(x) ? added(y, shownAt(x, bits), bits) : LengthFact.NONE;
            case SUB -> x.fact().present() && constant(y) && shownAt(y, bits) != Long.MIN_VALUE ? added(x, -shownAt(y, bits), bits)
                    : LengthFact.NONE;
            // x & m, x >> s, x / y and x % y (unsigned; y = 0 gives 0 or x) are at most x, at either
            // width: a 32-bit result is at most x's low half, which is at most x.
            case AND -> x.fact().present() ? x.fact().atMost() : y.fact().atMost();
            case RSH -> x.fact().present() && constant(y) && value(y) >= 0 && value(y) < bits && fits(x.scalar(), bits) ? shiftedRight(x.fact(), (int) value(y))
                    : x.fact().atMost();
            case DIV, MOD -> x.fact().atMost();
            case LSH -> x.fact().present() && constant(y) && value(y) >= 0 && value(y) < bits
                    ? scaled(x, 1L << value(y), bits) : LengthFact.NONE;
            case MUL -> x.fact().present() && constant(y) && value(y) >= 1 ? scaled(x, value(y), bits)
                    : y.fact().present() && constant(x) && value(x) >= 1 ? scaled(y, value(x), bits) : LengthFact.NONE;
            // w1 = w2 equals r2 when r2 fits in 32 bits.
            case MOV -> w == Width.W32 && fits(x.scalar(), 32) ? x.fact() : LengthFact.NONE;
            default -> LengthFact.NONE;
        };
    }

    /** A 32-bit copy ({@code w1 = w2}) of a number that carries a fact: the same value when it fits in 32 bits. */
    static LengthFact lowHalf(Value.Num n) {
        return n.fact().present() && fits(n.scalar(), 32) ? n.fact() : LengthFact.NONE;
    }

    /**
     * The host pointer {@code moved}, made from {@code p op n}, with its offset's fact: a pointer with
     * a fact moved by a constant keeps it moved; a pointer at a bounded offset {@code [a, b]} plus
     * a number {@code <= k * L + c} is at most {@code k * L + c + b} and at least {@code a + min(n)}
     * (mathematical offsets: the address of an access proved inside the slice cannot have wrapped,
     * since the host's buffer does not wrap the address space).
     */
    static Value pointer(Value moved, Value.Ptr p, AluOp op, Value.Num n) {
        if (p.kind() != PtrKind.HOST || !(moved instanceof Value.Ptr q) || p.fact() == LengthFact.NONE && n.fact() == LengthFact.NONE) {
            return moved;
        }
        if (p.fact().present()) {
            if (!constant(n) || op == AluOp.SUB && value(n) == Long.MIN_VALUE) {
                return q;
            }
            return q.withFact(p.fact().moved(op == AluOp.ADD ? value(n) : -value(n)));
        }
        Scalar off = p.off();
        long least = n.scalar().u64().lo();
        if (op != AluOp.ADD || !Sizes.bounded(off) || least < 0) {
            return q;
        }
        return q.withFact(n.fact().atMost().plus(off.s64().hi()).withLo(off.s64().lo() + least));
    }

    /**
     * {@code v >> s} when {@code v <= k * L + c} and {@code 2^s} divides {@code k}: at most
     * {@code (k >> s) * L + floor(c / 2^s)}, exactly that when {@code v == k * L + c} and {@code 2^s}
     * divides {@code c} too (the zero-extension idiom {@code r <<= 32; r >>= 32} gives back
     * {@code L}). At 32 bits the shifted value is x's low half, which is x when x has a fact that
     * below 2^32 (the caller checks it).
     */
    private static LengthFact shiftedRight(LengthFact f, int sh) {
        long unit = 1L << sh;
        if (sh == 0 || f.k() % unit != 0) {
            return f.atMost();
        }
        LengthFact.Rel rel = f.rel() == LengthFact.Rel.EQ && f.c() % unit == 0 ? LengthFact.Rel.EQ : LengthFact.Rel.LE;
        return new LengthFact(f.sym(), f.least(), f.k() >> sh, Math.floorDiv(f.c(), unit), rel, 0);
    }

    private static LengthFact added(Value.Num x, long d, int bits) {
        // The machine sum equals the mathematical one when no value of x wraps past 0 or 2^bits.
        Scalar s = x.scalar();
        if (!fits(s, bits)) {
            return LengthFact.NONE;
        }
        BigInteger lo = unsigned(s.u64().lo()).add(BigInteger.valueOf(d));
        BigInteger hi = unsigned(s.u64().hi()).add(BigInteger.valueOf(d));
        return lo.signum() >= 0 && hi.bitLength() <= bits ? x.fact().plus(d) : LengthFact.NONE;
    }

    private static LengthFact scaled(Value.Num x, long m, int bits) {
        Scalar s = x.scalar();
        return fits(s, bits) && unsigned(s.u64().hi()).multiply(BigInteger.valueOf(m)).bitLength() <= bits
                ? x.fact().times(m) : LengthFact.NONE;
    }

    /** Whether every value of {@code s} is below {@code 2^bits}. */
    private static boolean fits(Scalar s, int bits) {
        return !s.isBottom() && (bits == 64 || unsigned(s.u64().hi()).bitLength() <= bits);
    }

    private static boolean constant(Value.Num n) {
        return n.scalar().isConstant();
    }

    private static long value(Value.Num n) {
        return n.scalar().tnum().value();
    }

    /** The constant as the operation at {@code bits} sees it: a 32-bit operation adds its low half, signed. */
    private static long shownAt(Value.Num n, int bits) {
        return bits == 64 ? value(n) : (int) value(n);
    }

    private static BigInteger unsigned(long v) {
        return v >= 0 ? BigInteger.valueOf(v) : BigInteger.valueOf(v).add(TWO_64);
    }
}
