package dev.warden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.warden.domains.ByteOrderOp;
import dev.warden.domains.LongBitVectors;
import dev.warden.domains.Operation;
import dev.warden.domains.Semantics;
import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The Z3 soundness proofs of the abstract domains are stated against {@link Semantics}, the
 * domains' own definition of each ALU operation; the programs Warden runs are executed by the
 * interpreter (and the JIT, which the differential test ties to the interpreter). This test
 * closes that chain: for every operation at both widths, on edge and random operands, the
 * interpreter computes exactly what {@code Semantics} says. Were they to differ, the proofs
 * would be about a function Warden does not run.
 */
class InterpreterComputesTheSemanticsTheProofsAssumeTest {

    private static final LongBitVectors BV = LongBitVectors.of(64);
    private static final long[] EDGES = {0, 1, -1, 2, 7, 31, 32, 63, 64, 255, 0x8000, 0xffff,
        Integer.MAX_VALUE, Integer.MIN_VALUE, 0xffff_ffffL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE,
        0x0123_4567_89ab_cdefL};

    /** One instruction computing {@code op} on r0 (dst) and r1 (src), or none where the ISA has no such form. */
    private static List<Instruction> instruction(Operation op, Width w) {
        return switch (op) {
            // Byte-order operations have no 32/64-bit forms: test them once, at W64.
            case ByteOrderOp b -> w == Width.W32 ? List.of() : List.of(new Instruction.Endian(b.order(), b.bits(), Reg.R0));
            case Operation.Alu(AluOp a) when a == AluOp.NEG -> List.of(new Instruction.Alu(w, AluOp.NEG, Reg.R0, new Imm(0)));
            case Operation.Alu(AluOp a) -> a.validAt(w) ? List.of(new Instruction.Alu(w, a, Reg.R0, Reg.R1)) : List.of();
        };
    }

    private static long interpret(Instruction insn, long dst, long src) {
        try {
            Program p = Program.of(Instruction.LoadImm64.of(Reg.R0, dst), Instruction.LoadImm64.of(Reg.R1, src),
                    insn, new Instruction.Exit());
            ExecResult r = new Interpreter().execute(p, new byte[0], ExecOptions.defaults());
            return assertInstanceOf(ExecResult.Returned.class, r).r0();
        } catch (dev.warden.isa.InvalidProgramException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Object[]> cases() {
        List<Object[]> out = new ArrayList<>();
        for (Operation op : Operation.all()) {
            for (Width w : Width.values()) {
                for (Instruction insn : instruction(op, w)) {
                    out.add(new Object[] {op, w, insn});
                }
            }
        }
        return out;
    }

    private static void check(Object[] c, long dst, long src) {
        Operation op = (Operation) c[0];
        Width w = (Width) c[1];
        long expected = Semantics.apply(BV, op, w, dst, src);
        assertEquals(expected, interpret((Instruction) c[2], dst, src),
                () -> op + " " + w + " dst=0x" + Long.toHexString(dst) + " src=0x" + Long.toHexString(src));
    }

    @Test
    void everyOperationCoversTheWholeOperatorList() {
        // 18 ALU operations at two widths except movsx32 (64-bit only), and the nine byte-order ones once.
        assertEquals(2 * AluOp.values().length - 1 + ByteOrderOp.values().length, cases().size());
    }

    @Test
    void edgeOperandsAgree() {
        for (Object[] c : cases()) {
            for (long dst : EDGES) {
                for (long src : EDGES) {
                    check(c, dst, src);
                }
            }
        }
    }

    @Test
    void randomOperandsAgree() {
        Gen<Long> operand = longs().all().mix(longs().between(-64, 64), 30);
        for (Object[] c : cases()) {
            qt().withExamples(300).forAll(operand, operand).checkAssert((dst, src) -> check(c, dst, src));
        }
    }
}
