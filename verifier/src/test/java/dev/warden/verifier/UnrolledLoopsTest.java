package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import org.junit.jupiter.api.Test;

/**
 * Loops analysed one iteration at a time (unrolled) when their back edges become unreachable
 * within the budget: the shape of an IPv6 extension-header walk (pping, nat64), where a packet
 * pointer moves by a length read from the packet on every iteration and widening would make its
 * offset unbounded.
 */
class UnrolledLoopsTest {
    /** %d: the iteration count; %d: the offset of the read after checking 2 bytes. */
    private static final String HEADER_WALK = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            w6 = %d
            r4 = r2
            r4 += 2
            if r4 > r3 goto +6
            r5 = *(u8 *)(r2 + %d)
            r5 <<= 3
            r5 += 8
            r2 += r5
            w6 += -1
            if w6 != 0 goto -9
            r0 = 0
            exit
            """;

    @Test
    void packetPointerMovedByAVariableLengthOnEachOfThreeIterationsStaysChecked() {
        accepted(HEADER_WALK.formatted(3, 1));
    }

    @Test
    void readOneBytePastTheCheckInsideTheUnrolledLoopIsRejected() {
        rejected(HEADER_WALK.formatted(3, 2), 6, ObligationKind.VALID_ACCESS, "may be past data_end");
    }

    @Test
    void loopTooLongToUnrollFallsBackToWideningAndStaysSound() {
        // 5000 iterations exceed the unrolling budget: the widened offset is unbounded, so the
        // read is not proved (the kernel would also give up here).
        rejected(HEADER_WALK.formatted(5000, 1), 6, ObligationKind.VALID_ACCESS, "packet offset");
    }

    @Test
    void aLoopWithoutARegisterCounterIsBoundedByItsUnrolling() {
        // The counter lives on the stack, which LoopBound does not follow; the unrolling shows
        // that the back edge is unreachable after four iterations.
        accepted("""
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = *(u64 *)(r10 - 8)
                r1 += 1
                *(u64 *)(r10 - 8) = r1
                if r1 < 4 goto -4
                r0 = 0
                exit
                """);
    }

    @Test
    void aStackCounterThatNeverReachesItsBoundIsStillRejected() {
        rejected("""
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = *(u64 *)(r10 - 8)
                r1 &= 1
                *(u64 *)(r10 - 8) = r1
                if r1 < 4 goto -4
                r0 = 0
                exit
                """, 2, ObligationKind.BOUNDED_LOOP, "terminates");
    }
}
