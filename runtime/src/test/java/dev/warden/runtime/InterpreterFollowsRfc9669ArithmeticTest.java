package dev.warden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.warden.isa.AluOp;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * ALU results against an independent model written with {@link BigInteger} straight from the
 * RFC's definitions (unsigned and signed views, truncation, zero-extension).
 */
class InterpreterFollowsRfc9669ArithmeticTest {
    private static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

    private static long run(Width w, AluOp op, long x, long y) {
        try {
            Program p = Program.of(
                    Instruction.LoadImm64.of(Reg.R0, x),
                    Instruction.LoadImm64.of(Reg.R1, y),
                    new Instruction.Alu(w, op, Reg.R0, Reg.R1),
                    new Instruction.Exit());
            return assertInstanceOf(ExecResult.Returned.class,
                    new Interpreter().execute(p, new byte[0], ExecOptions.defaults())).r0();
        } catch (dev.warden.isa.InvalidProgramException e) {
            throw new AssertionError(e);
        }
    }

    private static BigInteger unsigned(long v, int bits) {
        return BigInteger.valueOf(v).mod(BigInteger.ONE.shiftLeft(bits));
    }

    private static BigInteger signed(long v, int bits) {
        BigInteger u = unsigned(v, bits);
        return u.testBit(bits - 1) ? u.subtract(BigInteger.ONE.shiftLeft(bits)) : u;
    }

    /** The RFC's result, zero-extended from the operation's width to 64 bits. */
    private static long model(Width w, AluOp op, long x, long y) {
        int n = w.bits();
        BigInteger ux = unsigned(x, n), uy = unsigned(y, n), sx = signed(x, n), sy = signed(y, n);
        BigInteger r = switch (op) {
            case DIV -> uy.signum() == 0 ? BigInteger.ZERO : ux.divide(uy);
            case MOD -> uy.signum() == 0 ? ux : ux.mod(uy);
            // BigInteger divide truncates toward zero, as the RFC's signed division does.
            case SDIV -> sy.signum() == 0 ? BigInteger.ZERO : sx.divide(sy);
            case SMOD -> sy.signum() == 0 ? sx : sx.subtract(sx.divide(sy).multiply(sy));
            case LSH -> ux.shiftLeft(uy.intValue() & (n - 1));
            case RSH -> ux.shiftRight(uy.intValue() & (n - 1));
            case ARSH -> sx.shiftRight(uy.intValue() & (n - 1));
            case MUL -> ux.multiply(uy);
            default -> throw new IllegalArgumentException();
        };
        return unsigned(r.longValue(), n).longValue();
    }

    @Test
    void divisionModuloAndShiftsMatchTheModel() {
        for (Width w : Width.values()) {
            for (AluOp op : new AluOp[] {AluOp.DIV, AluOp.MOD, AluOp.SDIV, AluOp.SMOD, AluOp.LSH, AluOp.RSH, AluOp.ARSH, AluOp.MUL}) {
                qt().withExamples(300).forAll(longs().all(), longs().all())
                        .check((x, y) -> run(w, op, x, y) == model(w, op, x, y));
                // The corners the RFC names explicitly.
                for (long[] c : new long[][] {{Long.MIN_VALUE, -1}, {Integer.MIN_VALUE, -1}, {5, 0}, {-5, 0},
                        {0xffff_ffff_0000_0007L, 0x1_0000_0000L}, {7, 65}, {-1, 33}}) {
                    assertEquals(model(w, op, c[0], c[1]), run(w, op, c[0], c[1]),
                            w + " " + op + " " + c[0] + ", " + c[1]);
                }
            }
        }
    }

    @Test
    void namedCorners() {
        assertEquals(Long.MIN_VALUE, run(Width.W64, AluOp.SDIV, Long.MIN_VALUE, -1));
        assertEquals(0, run(Width.W64, AluOp.SMOD, Long.MIN_VALUE, -1));
        assertEquals(0x8000_0000L, run(Width.W32, AluOp.SDIV, Integer.MIN_VALUE, -1));
        assertEquals(0, run(Width.W64, AluOp.DIV, 5, 0));
        assertEquals(5, run(Width.W64, AluOp.MOD, 5, 0));
        // 32-bit modulo by zero leaves the dividend truncated to 32 bits.
        assertEquals(0x2345_6789L, run(Width.W32, AluOp.MOD, 0x1_2345_6789L, 0));
        assertEquals(0xffff_ffffL, run(Width.W32, AluOp.ADD, -2, 1));
    }
}
