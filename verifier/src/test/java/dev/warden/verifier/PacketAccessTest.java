package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketAccessTest {
    private static final String CHECKED = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r2
            r4 += 14
            r0 = 1
            if r4 > r3 goto +1
            r5 = *(u8 *)(r2 + %d)
            exit
            """;

    @Test
    void readInsideTheCheckedLengthIsProvedAndItsCheckElided() {
        VerifiedProgram p = accepted(CHECKED.formatted(13));
        assertTrue(p.accessProvedInBounds(6));
        assertTrue(p.accessProvedInBounds(0));
    }

    @Test
    void readOneBytePastTheCheckedLengthIsRejected() {
        rejected(CHECKED.formatted(14), 6, ObligationKind.VALID_ACCESS,
                "read of 1 bytes at packet offset 14 may be past data_end (proved length: 14)");
    }

    @Test
    void readWithoutAnyCheckIsRejected() {
        rejected("""
                r2 = *(u32 *)(r1 + 0)
                r0 = *(u8 *)(r2 + 0)
                r0 = 0
                exit
                """, 1, ObligationKind.VALID_ACCESS, "may be past data_end (proved length: 0)");
    }

    @Test
    void checkWrittenWithDataEndOnTheLeftAlsoCounts() {
        accepted("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 8
                r0 = 1
                if r3 < r4 goto +1
                r5 = *(u64 *)(r2 + 0)
                exit
                """);
    }

    @Test
    void takenEdgeOfLessThanProvesOneMoreByte() {
        accepted("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 7
                r0 = 1
                if r4 >= r3 goto +1
                r5 = *(u64 *)(r2 + 0)
                exit
                """);
    }

    private static final String VARIABLE = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r5 = *(u32 *)(r1 + 12)
            r5 &= 63
            r2 += r5
            r4 = r2
            r4 += 8
            r0 = 2
            if r4 > r3 goto +1
            r6 = *(u%d *)(r2 + %d)
            exit
            """;

    @Test
    void variableOffsetCheckedThroughTheSamePointerIsProved() {
        accepted(VARIABLE.formatted(64, 0));
        accepted(VARIABLE.formatted(32, 4));
    }

    @Test
    void variableOffsetReadPastItsCheckIsRejected() {
        rejected(VARIABLE.formatted(64, 4), 9, ObligationKind.VALID_ACCESS, "may be past data_end");
    }

    @Test
    void packetEndPointerCannotBeDereferenced() {
        rejected("""
                r3 = *(u32 *)(r1 + 4)
                r0 = *(u8 *)(r3 + 0)
                r0 = 0
                exit
                """, 1, ObligationKind.TYPE, "data_end");
    }

    @Test
    void writeToPacketNeedsTheSameBoundsCheck() {
        rejected("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 2
                r0 = 1
                if r4 > r3 goto +1
                *(u32 *)(r2 + 0) = 7
                exit
                """, 6, ObligationKind.VALID_ACCESS, "write of 4 bytes at packet offset 0");
    }

    private static final String MERGED = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = *(u32 *)(r1 + 12)
            r5 = r2
            r5 += 14
            if r4 == 0 goto +1
            r5 += 8
            r6 = r5
            r6 += 20
            r0 = 1
            if r6 > r3 goto +1
            r7 = *(u32 *)(r5 + %d)
            exit
            """;

    @Test
    void pointerMergedFromTwoHeaderLengthsIsCheckedRelativeToItself() {
        accepted(MERGED.formatted(16));
    }

    @Test
    void pointerMergedFromTwoHeaderLengthsReadPastItsCheckIsRejected() {
        rejected(MERGED.formatted(17), 11, ObligationKind.VALID_ACCESS, "may be past data_end");
    }
}
