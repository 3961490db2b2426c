package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import org.junit.jupiter.api.Test;

/** Bounds learnt on a copy carry over to the original (kernel false-rejection pattern 1). */
class LinkedScalarsTest {
    private static final String SHIFTED_COPY = """
            call 5
            r8 = r0
            r1 = r8
            r1 <<= 32
            r1 >>= 32
            r0 = 0
            if r1 > %d goto +5
            r8 &= 255
            r3 = map[idx:1][0]+0 ll
            r3 += r8
            r4 = *(u8 *)(r3 + 0)
            exit
            """;

    @Test
    void boundOnTheZeroExtendedLowHalfOfACopyBoundsTheMaskedOriginal() {
        accepted(SHIFTED_COPY.formatted(15));
    }

    @Test
    void boundOneTooHighOnTheCopyIsRejected() {
        rejected(SHIFTED_COPY.formatted(16), 11, ObligationKind.VALID_ACCESS, "offset [0, 16] of a value of map 'arr'");
    }

    private static final String SUBREGISTER_COPY = """
            call 5
            r8 = r0
            w1 = w8
            r0 = 0
            if w1 > %d goto +5
            r8 &= 255
            r3 = map[idx:1][0]+0 ll
            r3 += r8
            r4 = *(u8 *)(r3 + 0)
            exit
            """;

    @Test
    void boundOnASubregisterCopyBoundsTheMaskedOriginal() {
        accepted(SUBREGISTER_COPY.formatted(15));
        rejected(SUBREGISTER_COPY.formatted(16), 9, ObligationKind.VALID_ACCESS, "offset [0, 16]");
    }

    /** ksnoop's length: a 32-bit copy masked to 16 bits is bounded, the original masked the same way is used. */
    private static final String MASKED_COPY = """
            call 5
            r5 = r0
            w5 += 4008
            w2 = w5
            w2 &= 65535
            r0 = 0
            if w2 > 15 goto +5
            r5 &= %d
            r3 = map[idx:1][0]+0 ll
            r3 += r5
            r4 = *(u8 *)(r3 + 0)
            exit
            """;

    @Test
    void boundOnAMaskedCopyBoundsTheOriginalUnderTheSameOrANarrowerMask() {
        accepted(MASKED_COPY.formatted(65535));
        accepted(MASKED_COPY.formatted(255));
    }

    @Test
    void boundOnAMaskedCopyDoesNotBoundTheOriginalUnderAWiderMask() {
        rejected("""
                call 5
                r5 = r0
                r2 = r5
                r2 &= 255
                r0 = 0
                if r2 > 15 goto +5
                r5 &= 65535
                r3 = map[idx:1][0]+0 ll
                r3 += r5
                r4 = *(u8 *)(r3 + 0)
                exit
                """, 10, ObligationKind.VALID_ACCESS, "of a value of map 'arr'");
    }

    /** The same masked copy made on two paths (two link sites) before a merge; the bound after it must carry over. */
    private static final String MASKED_COPY_ON_TWO_PATHS = """
            call 5
            r5 = r0
            r0 = 0
            if r5 > 1000 goto +4
            w5 += 8
            w2 = w5
            w2 &= 65535
            goto +3
            w5 += 16
            w2 = w5
            w2 &= 65535
            if w2 > %d goto +5
            r5 &= 65535
            r3 = map[idx:1][0]+0 ll
            r3 += r5
            r4 = *(u8 *)(r3 + 0)
            exit
            """;

    @Test
    void linksMadeAtDifferentSitesOnTwoPathsSurviveTheMerge() {
        accepted(MASKED_COPY_ON_TWO_PATHS.formatted(15));
        rejected(MASKED_COPY_ON_TWO_PATHS.formatted(16), 16, ObligationKind.VALID_ACCESS, "offset [0, 16]");
    }

    @Test
    void aLinkMadeOnOnlyOnePathDoesNotSurviveTheMerge() {
        rejected("""
                call 5
                r5 = r0
                r0 = 0
                if r5 > 1000 goto +4
                w5 += 8
                w2 = w5
                w2 &= 65535
                goto +3
                w5 += 16
                w2 = 7
                w2 &= 65535
                if w2 > 15 goto +5
                r5 &= 65535
                r3 = map[idx:1][0]+0 ll
                r3 += r5
                r4 = *(u8 *)(r3 + 0)
                exit
                """, 16, ObligationKind.VALID_ACCESS, "of a value of map 'arr'");
    }

    @Test
    void boundOnAPlainCopyBoundsTheOriginal() {
        accepted("""
                call 5
                r8 = r0
                r1 = r8
                r0 = 0
                if r1 > 15 goto +4
                r3 = map[idx:1][0]+0 ll
                r3 += r8
                r4 = *(u8 *)(r3 + 0)
                exit
                """);
    }

    @Test
    void copyModifiedAfterTheLinkIsNoLongerLinked() {
        rejected("""
                call 5
                r8 = r0
                r1 = r8
                r1 += 1
                r0 = 0
                if r1 > 15 goto +4
                r3 = map[idx:1][0]+0 ll
                r3 += r8
                r4 = *(u8 *)(r3 + 0)
                exit
                """, 9, ObligationKind.VALID_ACCESS, "of a value of map 'arr'");
    }

    /** An unknown number spilled, filled, bounded (%d) through the register, then filled again as an index. */
    private static final String BOUND_THROUGH_A_FILL = """
            r1 = *(u32 *)(r1 + 12)
            *(u64 *)(r10 - 8) = r1
            r2 = *(u64 *)(r10 - 8)
            r0 = 0
            if r2 > %d goto +5
            r3 = *(u64 *)(r10 - 8)
            r4 = map[idx:1][0]+0 ll
            r4 += r3
            r0 = *(u64 *)(r4 + 0)
            r0 = 0
            exit
            """;

    @Test
    void aBranchOnAFilledRegisterBoundsItsStackSlot() {
        accepted(BOUND_THROUGH_A_FILL.formatted(8));
    }

    @Test
    void aBoundOneTooLargeOnTheFilledRegisterLeavesTheSlotUnsafe() {
        rejected(BOUND_THROUGH_A_FILL.formatted(9), 9, ObligationKind.VALID_ACCESS, "of a value of map 'arr'");
    }

    private static final String STORE_AFTER_FILL = """
            r1 = *(u32 *)(r1 + 12)
            *(u64 *)(r10 - 8) = r1
            r2 = *(u64 *)(r10 - 8)
            r0 = 0
            if r2 > 8 goto +6
            *(u64 *)(r10 - 8) = r1
            r3 = *(u64 *)(r10 - 8)
            r4 = map[idx:1][0]+0 ll
            r4 += r3
            r0 = *(u64 *)(r4 + 0)
            r0 = 0
            exit
            """;

    @Test
    void aStoreToTheSlotAfterTheFillBreaksTheLink() {
        // The slot is overwritten after the check with a register the domains no longer link to
        // the bounded fill: for the domains alone, the bound no longer holds.
        rejected(STORE_AFTER_FILL, Fixture.options().withSmt(SmtBudget.OFF), 10, ObligationKind.VALID_ACCESS,
                "of a value of map 'arr'");
    }

    @Test
    void theStoredRegisterIsTheBoundedValueSoZ3ProvesTheAccess() {
        // r1 and r2 hold the same number (r2 was filled from r1's spill), so the refilled r3 is at
        // most 8: the program is safe, and Z3, following the path, proves it.
        VerifiedProgram p = accepted(STORE_AFTER_FILL);
        org.junit.jupiter.api.Assertions.assertTrue(p.accessProvedInBounds(10));
    }
}
