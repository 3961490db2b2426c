package dev.warden.smt;

import dev.warden.domains.BitVectors;
import dev.warden.domains.LongBitVectors;
import java.math.BigInteger;
import org.sosy_lab.java_smt.api.BitvectorFormulaManager;
import org.sosy_lab.java_smt.api.BooleanFormula;
import org.sosy_lab.java_smt.api.BooleanFormulaManager;
import org.sosy_lab.java_smt.api.IntegerFormulaManager;
import org.sosy_lab.java_smt.api.NumeralFormula.IntegerFormula;

/**
 * {@link BitVectors} over JavaSMT <em>integer</em> formulas: the integer encoding of
 * {@link Z3IntBitVectors}, primitive for primitive, for a second solver (cvc5, {@link
 * SolverKind#CVC5_INT}). A {@code width}-bit vector is the integer in {@code [0, 2^width)} it
 * denotes unsigned; {@code mul} is stated without the modulo where the unsigned or the signed
 * product fits, division and remainder are integer {@code div}/{@code mod} of non-negative values
 * with SMT-LIB's answers for 0, signed operations go through {@code a - 2^width}, and bitwise
 * operations and shifts by a symbolic amount go through {@code int2bv}/{@code bv2int}. Why this
 * encoding and why each primitive is stated so: see {@link Z3IntBitVectors}. Checked against
 * {@link LongBitVectors} by {@code Cvc5IntEncodingAgreesWithJavaTest}. Instances come from
 * {@link Cvc5IntSession}, which bounds every variable to its range.
 */
public final class JavaSmtIntBitVectors implements BitVectors<IntegerFormula, BooleanFormula> {

    private final IntegerFormulaManager ints;
    private final BitvectorFormulaManager bv;
    private final BooleanFormulaManager bool;
    private final int width;
    private final IntegerFormula modulus;
    private final IntegerFormula half;
    private final IntegerFormula zeroInt;

    JavaSmtIntBitVectors(IntegerFormulaManager ints, BitvectorFormulaManager bv, BooleanFormulaManager bool, int width) {
        if (width < 1 || width > 64) {
            throw new IllegalArgumentException("bit-vector width must be 1..64, got " + width);
        }
        this.ints = ints;
        this.bv = bv;
        this.bool = bool;
        this.width = width;
        this.modulus = ints.makeNumber(BigInteger.ONE.shiftLeft(width));
        this.half = ints.makeNumber(BigInteger.ONE.shiftLeft(width - 1));
        this.zeroInt = ints.makeNumber(0);
    }

    /** The signed value of {@code a}: {@code a - 2^width} when its top bit is set. */
    private IntegerFormula signed(IntegerFormula a) {
        return bool.ifThenElse(ints.greaterOrEquals(a, half), ints.subtract(a, modulus), a);
    }

    /** The representative in {@code [0, 2^width)} of an integer in {@code (-2^width, 2^width)}. */
    private IntegerFormula wrapOnce(IntegerFormula v) {
        return bool.ifThenElse(ints.lessThan(v, zeroInt), ints.add(v, modulus), v);
    }

    private IntegerFormula abs(IntegerFormula v) {
        return bool.ifThenElse(ints.lessThan(v, zeroInt), ints.negate(v), v);
    }

    private IntegerFormula viaBits(IntegerFormula a, IntegerFormula b, Bitwise op) {
        var x = bv.makeBitvector(width, a);
        var y = bv.makeBitvector(width, b);
        var r = switch (op) {
            case AND -> bv.and(x, y);
            case OR -> bv.or(x, y);
            case XOR -> bv.xor(x, y);
            case SHL -> bv.shiftLeft(x, y);
            case LSHR -> bv.shiftRight(x, y, false);
            case ASHR -> bv.shiftRight(x, y, true);
        };
        return bv.toIntegerFormula(r, false);
    }

    /** The operations stated on bit vectors (through {@code int2bv}/{@code bv2int}). */
    private enum Bitwise { AND, OR, XOR, SHL, LSHR, ASHR }

    @Override public int width() { return width; }
    @Override public JavaSmtIntBitVectors withWidth(int bits) { return new JavaSmtIntBitVectors(ints, bv, bool, bits); }

    @Override public IntegerFormula num(long c) {
        return ints.makeNumber(new BigInteger(Long.toUnsignedString(LongBitVectors.truncate(c, width))));
    }

    @Override public BooleanFormula bool(boolean b) { return bool.makeBoolean(b); }

    @Override public IntegerFormula add(IntegerFormula a, IntegerFormula b) {
        IntegerFormula s = ints.add(a, b);
        return bool.ifThenElse(ints.greaterOrEquals(s, modulus), ints.subtract(s, modulus), s);
    }

    @Override public IntegerFormula sub(IntegerFormula a, IntegerFormula b) { return wrapOnce(ints.subtract(a, b)); }

    /** As {@link Z3IntBitVectors#mul}: the unsigned product, else the signed one, else the modulo. */
    @Override public IntegerFormula mul(IntegerFormula a, IntegerFormula b) {
        IntegerFormula unsigned = ints.multiply(a, b);
        IntegerFormula signedProduct = ints.multiply(signed(a), signed(b));
        BooleanFormula signedFits = bool.and(ints.lessOrEquals(ints.negate(half), signedProduct), ints.lessThan(signedProduct, half));
        return bool.ifThenElse(ints.lessThan(unsigned, modulus), unsigned,
            bool.ifThenElse(signedFits, wrapOnce(signedProduct), ints.modulo(unsigned, modulus)));
    }

    @Override public IntegerFormula neg(IntegerFormula a) { return sub(zeroInt, a); }
    @Override public IntegerFormula and(IntegerFormula a, IntegerFormula b) { return viaBits(a, b, Bitwise.AND); }
    @Override public IntegerFormula or(IntegerFormula a, IntegerFormula b) { return viaBits(a, b, Bitwise.OR); }
    @Override public IntegerFormula xor(IntegerFormula a, IntegerFormula b) { return viaBits(a, b, Bitwise.XOR); }
    @Override public IntegerFormula not(IntegerFormula a) { return ints.subtract(ones(), a); }
    @Override public IntegerFormula shl(IntegerFormula a, IntegerFormula s) { return viaBits(a, s, Bitwise.SHL); }
    @Override public IntegerFormula lshr(IntegerFormula a, IntegerFormula s) { return viaBits(a, s, Bitwise.LSHR); }
    @Override public IntegerFormula ashr(IntegerFormula a, IntegerFormula s) { return viaBits(a, s, Bitwise.ASHR); }

    // Shifts by a constant stay in integer arithmetic: a multiplication or division by 2^k.
    @Override public IntegerFormula shl(IntegerFormula a, int k) {
        return k >= width ? num(0) : ints.modulo(ints.multiply(a, ints.makeNumber(BigInteger.ONE.shiftLeft(k))), modulus);
    }

    @Override public IntegerFormula lshr(IntegerFormula a, int k) {
        return k >= width ? num(0) : ints.divide(a, ints.makeNumber(BigInteger.ONE.shiftLeft(k)));
    }

    @Override public IntegerFormula minSigned() { return half; }

    /** SMT-LIB {@code bvudiv}: all ones for a divisor of 0. */
    @Override public IntegerFormula udiv(IntegerFormula a, IntegerFormula b) {
        return bool.ifThenElse(ints.equal(b, zeroInt), ones(), ints.divide(a, b));
    }

    /** SMT-LIB {@code bvurem}: the dividend for a divisor of 0. */
    @Override public IntegerFormula urem(IntegerFormula a, IntegerFormula b) {
        return bool.ifThenElse(ints.equal(b, zeroInt), a, ints.modulo(a, b));
    }

    /** SMT-LIB {@code bvsdiv}, as {@link Z3IntBitVectors#sdiv}. */
    @Override public IntegerFormula sdiv(IntegerFormula a, IntegerFormula b) {
        IntegerFormula sa = signed(a);
        IntegerFormula sb = signed(b);
        IntegerFormula q = ints.divide(abs(sa), abs(sb));
        BooleanFormula differ = bool.xor(ints.lessThan(sa, zeroInt), ints.lessThan(sb, zeroInt));
        IntegerFormula byZero = bool.ifThenElse(ints.lessThan(sa, zeroInt), ints.makeNumber(1), ones());
        return bool.ifThenElse(ints.equal(b, zeroInt), byZero, bool.ifThenElse(differ, wrapOnce(ints.negate(q)), q));
    }

    /** SMT-LIB {@code bvsrem}: the remainder of the magnitudes with the dividend's sign; the dividend for 0. */
    @Override public IntegerFormula srem(IntegerFormula a, IntegerFormula b) {
        IntegerFormula sa = signed(a);
        IntegerFormula r = ints.modulo(abs(sa), abs(signed(b)));
        return bool.ifThenElse(ints.equal(b, zeroInt), a, bool.ifThenElse(ints.lessThan(sa, zeroInt), wrapOnce(ints.negate(r)), r));
    }

    @Override public BooleanFormula eq(IntegerFormula a, IntegerFormula b) { return ints.equal(a, b); }
    @Override public BooleanFormula ult(IntegerFormula a, IntegerFormula b) { return ints.lessThan(a, b); }
    @Override public BooleanFormula ule(IntegerFormula a, IntegerFormula b) { return ints.lessOrEquals(a, b); }
    @Override public BooleanFormula slt(IntegerFormula a, IntegerFormula b) { return ints.lessThan(signed(a), signed(b)); }
    @Override public BooleanFormula sle(IntegerFormula a, IntegerFormula b) { return ints.lessOrEquals(signed(a), signed(b)); }

    @Override public BooleanFormula umulOverflow(IntegerFormula a, IntegerFormula b) {
        return ints.greaterOrEquals(ints.multiply(a, b), modulus);
    }

    @Override public BooleanFormula smulOverflow(IntegerFormula a, IntegerFormula b) {
        IntegerFormula p = ints.multiply(signed(a), signed(b));
        return bool.or(ints.greaterOrEquals(p, half), ints.lessThan(p, ints.negate(half)));
    }

    @Override public BooleanFormula both(BooleanFormula a, BooleanFormula b) { return bool.and(a, b); }
    @Override public BooleanFormula either(BooleanFormula a, BooleanFormula b) { return bool.or(a, b); }
    @Override public BooleanFormula negate(BooleanFormula a) { return bool.not(a); }
    @Override public BooleanFormula iff(BooleanFormula a, BooleanFormula b) { return bool.equivalence(a, b); }

    @Override public IntegerFormula ite(BooleanFormula c, IntegerFormula t, IntegerFormula e) {
        return bool.ifThenElse(c, t, e);
    }

    @Override public IntegerFormula low(IntegerFormula a, int bits) {
        return bits == width ? a : ints.modulo(a, ints.makeNumber(BigInteger.ONE.shiftLeft(bits)));
    }

    /** The same integer: zero extension does not change an unsigned value. */
    @Override public IntegerFormula zext(IntegerFormula a, int fromBits) { return a; }

    @Override public IntegerFormula sext(IntegerFormula a, int fromBits) {
        if (fromBits == width) {
            return a;
        }
        IntegerFormula top = ints.makeNumber(BigInteger.ONE.shiftLeft(fromBits - 1));
        IntegerFormula lift = ints.makeNumber(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE.shiftLeft(fromBits)));
        return bool.ifThenElse(ints.greaterOrEquals(a, top), ints.add(a, lift), a);
    }

    @Override public String toString() { return "JavaSmtIntBitVectors[" + width + "]"; }
}
