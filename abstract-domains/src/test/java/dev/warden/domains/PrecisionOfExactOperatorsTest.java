package dev.warden.domains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import org.junit.jupiter.api.Test;

/**
 * The precision measurement on operators whose precision is known: tnum add, sub, and, or, xor
 * are optimal (CGO 2022), shifts by a tnum amount and interval add/sub without wrap-around split
 * are optimal too, and division is not. Exhaustive at 4 bits.
 */
class PrecisionOfExactOperatorsTest {

    @Test
    void tnumOperatorsKnownOptimalAreOptimalOnEveryInput() {
        for (AluOp op : new AluOp[] {AluOp.ADD, AluOp.SUB, AluOp.AND, AluOp.OR, AluOp.XOR, AluOp.NEG}) {
            Precision.Row r = Precision.exhaustive(Precision.Domain.TNUM, new Operation.Alu(op), 4);
            assertEquals(r.cases(), r.optimal(), op + " " + r);
        }
    }

    @Test
    void intervalAdditionIsOptimalAndDivisionIsMeasuredBelowOptimal() {
        for (Precision.Domain d : new Precision.Domain[] {Precision.Domain.URANGE, Precision.Domain.SRANGE}) {
            Precision.Row add = Precision.exhaustive(d, new Operation.Alu(AluOp.ADD), 4);
            assertEquals(add.cases(), add.optimal(), d + " add");
        }
        Precision.Row div = Precision.exhaustive(Precision.Domain.TNUM, new Operation.Alu(AluOp.DIV), 4);
        assertTrue(div.optimal() < div.cases(), "tnum division is imprecise by design: " + div);
        assertEquals(81 * 81, div.cases());
    }
}
