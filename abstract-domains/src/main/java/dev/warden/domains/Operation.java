package dev.warden.domains;

import dev.warden.isa.AluOp;
import java.util.ArrayList;
import java.util.List;

/**
 * An operation the domains have a transfer function for: an ALU operation of the instruction set
 * ({@link AluOp}, run at a {@link dev.warden.isa.Width}) or a byte-order conversion
 * ({@link ByteOrderOp}, always on the whole register). What the proofs, samplers and precision
 * tables iterate over; the verifier calls {@link Scalar#alu} and {@link Scalar#byteOrder} directly.
 */
public sealed interface Operation permits Operation.Alu, ByteOrderOp {

    /** Which register values an operation reads. */
    enum Operands {
        /** {@code dst = dst op src}. */
        BINARY,
        /** {@code dst = op dst}. */
        DST,
        /** {@code dst = op src}. */
        SRC
    }

    /** An ALU operation of the instruction set. */
    record Alu(AluOp op) implements Operation {
        public Alu {
            java.util.Objects.requireNonNull(op);
        }

        @Override
        public String label() {
            return op.name().toLowerCase();
        }

        @Override
        public Operands operands() {
            return operandsOf(op);
        }

        @Override
        public int minWidth() {
            return switch (op) {
                case MOVSX8 -> 16;
                case MOVSX16 -> 32;
                case MOVSX32 -> 64;
                default -> 2;
            };
        }
    }

    /** The lower-case name used in obligation and table names ({@code add}, {@code be16}). */
    String label();

    Operands operands();

    /** Smallest bit-vector width at which the operation makes sense (e.g. 32 for {@code BE16}). */
    int minWidth();

    /** Which operands {@code op} reads: {@code NEG} only dst, the moves only src. */
    static Operands operandsOf(AluOp op) {
        return switch (op) {
            case NEG -> Operands.DST;
            case MOV, MOVSX8, MOVSX16, MOVSX32 -> Operands.SRC;
            default -> Operands.BINARY;
        };
    }

    /** Every operation: the ALU operations in RFC 9669's order, then the byte-order ones. */
    static List<Operation> all() {
        List<Operation> out = new ArrayList<>();
        for (AluOp op : ALU_ORDER) {
            out.add(new Alu(op));
        }
        out.addAll(List.of(ByteOrderOp.values()));
        return List.copyOf(out);
    }

    /** The ALU operations in the order of RFC 9669's table (and of the published tables). */
    List<AluOp> ALU_ORDER = List.of(AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.SDIV, AluOp.MOD, AluOp.SMOD,
        AluOp.OR, AluOp.AND, AluOp.XOR, AluOp.LSH, AluOp.RSH, AluOp.ARSH, AluOp.NEG, AluOp.MOV,
        AluOp.MOVSX8, AluOp.MOVSX16, AluOp.MOVSX32);
}
