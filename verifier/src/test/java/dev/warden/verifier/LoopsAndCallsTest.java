package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoopsAndCallsTest {
    @Test
    void countedLoopWithLessThanIsBounded() {
        accepted("""
                r1 = 0
                r2 = 0
                r2 += r1
                r1 += 1
                if r1 < 10 goto -3
                r0 = 0
                exit
                """);
    }

    @Test
    void countedLoopWithNotEqualIsBounded() {
        accepted("""
                w1 = 0
                r2 = 0
                r2 += r1
                w1 += 1
                if w1 != 10 goto -3
                r0 = 0
                exit
                """);
    }

    @Test
    void loopCounterBoundsAnArrayIndex() {
        accepted("""
                r1 = 0
                r3 = map[idx:1][0]+0 ll
                r4 = r3
                r4 += r1
                r5 = *(u8 *)(r4 + 0)
                r1 += 1
                if r1 < 16 goto -5
                r0 = 0
                exit
                """);
    }

    @Test
    void loopCounterOneTooFarIsRejectedAtTheAccess() {
        rejected("""
                r1 = 0
                r3 = map[idx:1][0]+0 ll
                r4 = r3
                r4 += r1
                r5 = *(u8 *)(r4 + 0)
                r1 += 1
                if r1 < 17 goto -5
                r0 = 0
                exit
                """, 5, ObligationKind.VALID_ACCESS, "offset [0, 16] of a value of map 'arr'");
    }

    private static final String DOWN_TO_ZERO = """
            r0 = 0
            r1 = *(u32 *)(r1 + 12)
            r1 += -1
            if r1 != 0 goto -2
            exit
            """;

    @Test
    void loopThatMayWrapAroundIsNotProvedBounded() {
        rejected(DOWN_TO_ZERO, 2, ObligationKind.BOUNDED_LOOP, "cannot prove that the loop at pc 2 terminates");
    }

    @Test
    void infiniteLoopIsRejected() {
        rejected("""
                r0 = 0
                goto -1
                """, 1, ObligationKind.BOUNDED_LOOP, "loop at pc 1");
    }

    @Test
    void runtimeTerminationAcceptsTheLoopAndMarksItsBackEdge() {
        VerifiedProgram p = accepted(DOWN_TO_ZERO, Fixture.options().withTermination(Termination.RUNTIME));
        assertEquals("{3}", p.cancellationPoints().toString());
    }

    @Test
    void calleeSavedRegistersSurviveALocalCall() {
        accepted("""
                r6 = r1
                r1 = 3
                call pc+4
                r2 = *(u32 *)(r6 + 12)
                r0 += -4
                exit
                r0 = 0
                r0 = r1
                r6 = 0
                r0 += 1
                exit
                """);
    }

    @Test
    void argumentRegistersAreClobberedByALocalCall() {
        rejected("""
                r1 = 3
                call pc+3
                r0 = r1
                exit
                r0 = 0
                r0 = 0
                exit
                """, 2, ObligationKind.INITIALISED, "R1 is read before it is written");
    }

    @Test
    void calleeWritesThroughTheCallersFramePointer() {
        accepted("""
                r1 = r10
                r1 += -8
                call pc+4
                r0 = *(u64 *)(r10 - 8)
                r0 &= 3
                exit
                r0 = 0
                *(u64 *)(r1 + 0) = 2
                r0 = 0
                exit
                """, Fixture.options().withPrivilege(Privilege.UNPRIVILEGED));
    }

    @Test
    void pointerToTheCalleesFrameDanglesAfterReturn() {
        rejected("""
                call pc+3
                r0 = *(u64 *)(r0 + 0)
                r0 = 0
                exit
                r0 = r10
                r0 += -8
                exit
                """, 1, ObligationKind.TYPE, "R0 is a number");
    }

    @Test
    void recursionIsRejected() {
        rejected("""
                call pc+2
                r0 = 0
                exit
                call pc-1
                r0 = 0
                exit
                """, 3, ObligationKind.CALL_DEPTH, "recursive call");
    }
}
