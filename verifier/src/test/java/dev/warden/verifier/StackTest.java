package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import org.junit.jupiter.api.Test;

class StackTest {
    @Test
    void pointerSpilledWithEightBytesKeepsItsType() {
        accepted("""
                *(u64 *)(r10 - 8) = r1
                r1 = 0
                r1 = *(u64 *)(r10 - 8)
                r2 = *(u32 *)(r1 + 12)
                r0 = 0
                exit
                """);
    }

    @Test
    void pointerSpilledWithFourBytesComesBackAsANumber() {
        rejected("""
                *(u32 *)(r10 - 8) = r1
                r1 = 0
                r1 = *(u32 *)(r10 - 8)
                r2 = *(u32 *)(r1 + 12)
                r0 = 0
                exit
                """, 3, ObligationKind.TYPE, "R1 is a number");
    }

    private static final String NARROW_SPILL = """
            r2 = *(u32 *)(r1 + 12)
            r0 = 0
            if r2 > %d goto +7
            *(u32 *)(r10 - 4) = r2
            r2 = 0
            r2 = *(u32 *)(r10 - 4)
            r3 = map[idx:1][0]+0 ll
            r3 += r2
            r4 = *(u64 *)(r3 + 0)
            exit
            """;

    @Test
    void thirtyTwoBitScalarSpillKeepsItsBounds() {
        accepted(NARROW_SPILL.formatted(8));
    }

    @Test
    void thirtyTwoBitScalarSpillBoundedOneTooHighIsRejected() {
        rejected(NARROW_SPILL.formatted(9), 9, ObligationKind.VALID_ACCESS,
                "read of 8 bytes at offset [0, 9] of a value of map 'arr' (16 bytes) may be out of bounds");
    }

    @Test
    void readOutsideTheFrameIsRejected() {
        rejected("""
                r0 = *(u64 *)(r10 - 520)
                r0 = 0
                exit
                """, 0, ObligationKind.VALID_ACCESS, "outside the 512-byte frame");
        rejected("""
                *(u32 *)(r10 + 0) = 1
                r0 = 0
                exit
                """, 0, ObligationKind.VALID_ACCESS, "outside the 512-byte frame");
    }

    private static final String UNINIT_READ = """
            r0 = *(u64 *)(r10 - 8)
            r0 = 0
            exit
            """;

    @Test
    void uninitialisedStackReadIsAllowedForRoot() {
        accepted(UNINIT_READ);
    }

    @Test
    void uninitialisedStackReadIsRejectedForUnprivilegedPrograms() {
        rejected(UNINIT_READ, Fixture.options().withPrivilege(Privilege.UNPRIVILEGED), 0, ObligationKind.INITIALISED,
                "never written");
    }

    @Test
    void uninitialisedRegisterReadIsAlwaysRejected() {
        rejected("""
                r0 = r2
                exit
                """, 0, ObligationKind.INITIALISED, "R2 is read before it is written");
        rejected("""
                r0 = 1
                r0 += r7
                exit
                """, 1, ObligationKind.INITIALISED, "R7 is read before it is written");
    }

    @Test
    void exitWithoutASetReturnValueIsRejected() {
        rejected("exit", 0, ObligationKind.INITIALISED, "R0 (the return value)");
    }

    @Test
    void variableOffsetStackWriteThenReadInsideTheWrittenRange() {
        accepted("""
                r2 = *(u32 *)(r1 + 12)
                r2 &= 7
                r3 = r10
                r3 += -16
                r3 += r2
                *(u8 *)(r3 + 0) = 1
                r0 = 0
                exit
                """);
    }
    /** An atomic fetch-and-add on a slot holding a known number returns it and leaves the sum; %s is the bound checked. */
    private static final String FETCH_ADD_INDEX = """
            r1 = 5
            *(u64 *)(r10 - 8) = r1
            r1 = 3
            r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)
            r2 = *(u64 *)(r10 - 8)
            r2 += r1
            r3 = map[idx:1][0]+0 ll
            r3 += r2
            r0 = *(u8 *)(r3 + %d)
            r0 = 0
            exit
            """;

    @Test
    void atomicFetchAddOnAKnownSlotGivesTheOldValueAndLeavesTheSum() {
        // r1 = 5 (old), the slot 8: r2 = 13, and byte 13 + 2 of a 16-byte value is in bounds.
        accepted(FETCH_ADD_INDEX.formatted(2));
        rejected(FETCH_ADD_INDEX.formatted(3), 9, ObligationKind.VALID_ACCESS, "of a value of map 'arr'");
    }
}
