package dev.warden.verifier;

import static dev.warden.verifier.Fixture.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code callx} is refused whatever its register holds, the tail-call helper's id included: Linux
 * allows no helper call through a register, and the engines fault {@code BAD_CALLX} on a
 * {@code callx} to the tail call (docs/runtime.md, faults), so no verified program reaches one.
 */
class CallxIsRefusedTest {
    @Test
    void callxToTheTailCallHelperIsAKnownCallViolation() {
        Violation v = rejected("""
                r6 = 12
                r2 = 0
                r3 = 0
                callx r6
                r0 = 0
                exit
                """, 3, ObligationKind.KNOWN_CALL, "indirect calls (callx r6) are not supported");
        assertEquals(3, v.pc());
    }

    @Test
    void callxToAPlainHelperIsRefusedToo() {
        rejected("""
                r1 = 5
                callx r1
                exit
                """, 1, ObligationKind.KNOWN_CALL, "callx r1");
    }
}
