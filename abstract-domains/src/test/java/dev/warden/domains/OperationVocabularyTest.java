package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.isa.AluOp;
import dev.warden.isa.Instruction;
import dev.warden.isa.Reg;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The domains use the instruction set's vocabulary: every ALU operation and every byte-order form, once. */
class OperationVocabularyTest {

    @Test
    void everyIsaAluOperationAndEveryByteOrderFormIsAnOperationOnce() {
        Set<AluOp> alu = EnumSet.noneOf(AluOp.class);
        Set<ByteOrderOp> swaps = EnumSet.noneOf(ByteOrderOp.class);
        Set<String> labels = new HashSet<>();
        for (Operation op : Operation.all()) {
            switch (op) {
                case Operation.Alu(AluOp a) -> alu.add(a);
                case ByteOrderOp b -> swaps.add(b);
            }
            labels.add(op.label());
        }
        assertEquals(EnumSet.allOf(AluOp.class), alu);
        assertEquals(EnumSet.allOf(ByteOrderOp.class), swaps);
        assertEquals(Operation.all().size(), labels.size());
    }

    @Test
    void byteOrderOperationsMapFromEndianInstructions() {
        for (Instruction.ByteOrder order : Instruction.ByteOrder.values()) {
            for (int bits : new int[] {16, 32, 64}) {
                ByteOrderOp op = ByteOrderOp.of(new Instruction.Endian(order, bits, Reg.R3));
                assertEquals(order, op.order());
                assertEquals(bits, op.bits());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ByteOrderOp.of(Instruction.ByteOrder.SWAP, 8));
    }
}
