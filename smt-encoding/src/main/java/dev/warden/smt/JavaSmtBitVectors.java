package dev.warden.smt;

import dev.warden.domains.BitVectors;
import dev.warden.domains.LongBitVectors;
import java.math.BigInteger;
import org.sosy_lab.java_smt.api.BitvectorFormula;
import org.sosy_lab.java_smt.api.BitvectorFormulaManager;
import org.sosy_lab.java_smt.api.BooleanFormula;
import org.sosy_lab.java_smt.api.BooleanFormulaManager;

/**
 * The bit-vector algebra on JavaSMT formulas, so that the generic operator code of
 * {@code abstract-domains} runs on a second solver (Bitwuzla) exactly as it runs on Z3. Each
 * operation is the SMT-LIB operator of the same name; the multiplication overflow predicates,
 * which JavaSMT does not offer, are stated on the double-width product.
 */
public final class JavaSmtBitVectors implements BitVectors<BitvectorFormula, BooleanFormula> {

    private final BitvectorFormulaManager bv;
    private final BooleanFormulaManager bool;
    private final int width;

    JavaSmtBitVectors(BitvectorFormulaManager bv, BooleanFormulaManager bool, int width) {
        if (width < 1 || width > 64) {
            throw new IllegalArgumentException("bit-vector width must be 1..64, got " + width);
        }
        this.bv = bv;
        this.bool = bool;
        this.width = width;
    }

    @Override public int width() { return width; }
    @Override public JavaSmtBitVectors withWidth(int bits) { return new JavaSmtBitVectors(bv, bool, bits); }

    @Override public BitvectorFormula num(long c) {
        return bv.makeBitvector(width, new BigInteger(Long.toUnsignedString(LongBitVectors.truncate(c, width))));
    }

    @Override public BooleanFormula bool(boolean b) { return bool.makeBoolean(b); }

    @Override public BitvectorFormula add(BitvectorFormula a, BitvectorFormula b) { return bv.add(a, b); }
    @Override public BitvectorFormula sub(BitvectorFormula a, BitvectorFormula b) { return bv.subtract(a, b); }
    @Override public BitvectorFormula mul(BitvectorFormula a, BitvectorFormula b) { return bv.multiply(a, b); }
    @Override public BitvectorFormula neg(BitvectorFormula a) { return bv.negate(a); }
    @Override public BitvectorFormula and(BitvectorFormula a, BitvectorFormula b) { return bv.and(a, b); }
    @Override public BitvectorFormula or(BitvectorFormula a, BitvectorFormula b) { return bv.or(a, b); }
    @Override public BitvectorFormula xor(BitvectorFormula a, BitvectorFormula b) { return bv.xor(a, b); }
    @Override public BitvectorFormula not(BitvectorFormula a) { return bv.not(a); }
    @Override public BitvectorFormula shl(BitvectorFormula a, BitvectorFormula s) { return bv.shiftLeft(a, s); }
    @Override public BitvectorFormula lshr(BitvectorFormula a, BitvectorFormula s) { return bv.shiftRight(a, s, false); }
    @Override public BitvectorFormula ashr(BitvectorFormula a, BitvectorFormula s) { return bv.shiftRight(a, s, true); }
    // bvudiv, bvurem, bvsdiv, bvsrem: JavaSMT's divide/remainder map to them for Bitwuzla, with
    // SMT-LIB's results for a zero divisor (the same as Z3's).
    @Override public BitvectorFormula udiv(BitvectorFormula a, BitvectorFormula b) { return bv.divide(a, b, false); }
    @Override public BitvectorFormula urem(BitvectorFormula a, BitvectorFormula b) { return bv.remainder(a, b, false); }
    @Override public BitvectorFormula sdiv(BitvectorFormula a, BitvectorFormula b) { return bv.divide(a, b, true); }
    @Override public BitvectorFormula srem(BitvectorFormula a, BitvectorFormula b) { return bv.remainder(a, b, true); }

    @Override public BooleanFormula eq(BitvectorFormula a, BitvectorFormula b) { return bv.equal(a, b); }
    @Override public BooleanFormula ult(BitvectorFormula a, BitvectorFormula b) { return bv.lessThan(a, b, false); }
    @Override public BooleanFormula ule(BitvectorFormula a, BitvectorFormula b) { return bv.lessOrEquals(a, b, false); }
    @Override public BooleanFormula slt(BitvectorFormula a, BitvectorFormula b) { return bv.lessThan(a, b, true); }
    @Override public BooleanFormula sle(BitvectorFormula a, BitvectorFormula b) { return bv.lessOrEquals(a, b, true); }

    /** The exact product of the zero-extended operands does not fit in {@code width} bits. */
    @Override public BooleanFormula umulOverflow(BitvectorFormula a, BitvectorFormula b) {
        BitvectorFormula p = bv.multiply(bv.extend(a, width, false), bv.extend(b, width, false));
        return bool.not(bv.equal(bv.extract(p, 2 * width - 1, width), bv.makeBitvector(width, 0)));
    }

    /** The exact product of the sign-extended operands is not the sign extension of its low half. */
    @Override public BooleanFormula smulOverflow(BitvectorFormula a, BitvectorFormula b) {
        BitvectorFormula p = bv.multiply(bv.extend(a, width, true), bv.extend(b, width, true));
        return bool.not(bv.equal(p, bv.extend(bv.extract(p, width - 1, 0), width, true)));
    }

    @Override public BooleanFormula both(BooleanFormula a, BooleanFormula b) { return bool.and(a, b); }
    @Override public BooleanFormula either(BooleanFormula a, BooleanFormula b) { return bool.or(a, b); }
    @Override public BooleanFormula negate(BooleanFormula a) { return bool.not(a); }
    @Override public BooleanFormula iff(BooleanFormula a, BooleanFormula b) { return bool.equivalence(a, b); }

    @Override public BitvectorFormula ite(BooleanFormula c, BitvectorFormula t, BitvectorFormula e) {
        return bool.ifThenElse(c, t, e);
    }

    @Override public BitvectorFormula low(BitvectorFormula a, int bits) {
        return bits == width ? a : bv.extract(a, bits - 1, 0);
    }

    @Override public BitvectorFormula zext(BitvectorFormula a, int fromBits) {
        return fromBits == width ? a : bv.extend(a, width - fromBits, false);
    }

    @Override public BitvectorFormula sext(BitvectorFormula a, int fromBits) {
        return fromBits == width ? a : bv.extend(a, width - fromBits, true);
    }

    @Override public String toString() { return "JavaSmtBitVectors[" + width + "]"; }
}
