package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import org.junit.jupiter.api.Test;

/**
 * Registers advanced by one constant per loop iteration next to a bounded counter (the Fletcher
 * shape: clang turns {@code mem[2 * i]}, {@code mem[2 * i + 1]} into a pointer moved by 2 beside
 * the counter {@code i}): the loop head is narrowed to {@code entry + c * [0, N - 1]} for the
 * loop's proved bound {@code N} on head visits ({@code fixpoint/InductionNarrowing}). Every loop
 * here runs more than the 64 iterations the fixpoint would unroll, so the narrowing, not the
 * unrolling, is what proves it. Each safe program has unsafe twins next to it that must stay
 * rejected; the expected verdict and message sit beside each program.
 */
class AdvancedRegistersTest {
    /**
     * Writes the 512-byte stack two bytes per iteration: r1 walks from fp-512 by %d, r3 counts to
     * %d. Head visits r3 = 0..255, so r1 = fp-512 + 2 * [0, 255] and the last write is at fp-1.
     */
    private static final String STACK_WALK = """
            r1 = r10
            r1 += -512
            r3 = 0
            loop:
            *(u8 *)(r1 + 0) = 0
            *(u8 *)(r1 + 1) = 0       ; pc 4
            r1 += %d
            r3 += 1
            if r3 < %d goto loop
            r0 = 0
            exit
            """;

    @Test
    void aPointerAdvancedByTwoBesideACounterStaysInItsBuffer() {
        accepted(STACK_WALK.formatted(2, 256));
    }

    @Test
    void theCounterBoundOffByOneWritesOneBytePastTheStackAndIsRejected() {
        // r3 < 257: the 257th iteration writes fp+0 and fp+1.
        rejected(STACK_WALK.formatted(2, 257), 3, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void aPointerAdvancedByThreeOverTheSameCountIsRejected() {
        rejected(STACK_WALK.formatted(3, 256), 3, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void aPointerWalkingDownWithANegativeStepStaysInItsBuffer() {
        String down = """
                r1 = r10
                r1 += -2
                r3 = 0
                loop:
                *(u16 *)(r1 + 0) = 0
                r1 += -2
                r3 += 1
                if r3 < %d goto loop
                r0 = 0
                exit
                """;
        accepted(down.formatted(256));
        // One more iteration writes fp-514.
        rejected(down.formatted(257), 3, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void aPointerAdvancedByTwoOnOnePathAndFourOnTheOtherIsRejected() {
        // ingress_ifindex picks the path; advancing by 4 on every iteration would write past fp.
        rejected("""
                r6 = *(u32 *)(r1 + 12)
                r1 = r10
                r1 += -512
                r3 = 0
                loop:
                *(u8 *)(r1 + 0) = 0       ; pc 4: expect valid_access (stack)
                if r6 == 0 goto two
                r1 += 4
                goto next
                two:
                r1 += 2
                next:
                r3 += 1
                if r3 < 256 goto loop
                r0 = 0
                exit
                """, 4, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void aPointerAdvancedByTwoAndConditionallyByOneMoreIsRejected() {
        rejected("""
                r6 = *(u32 *)(r1 + 12)
                r1 = r10
                r1 += -512
                r3 = 0
                loop:
                *(u8 *)(r1 + 0) = 0       ; pc 4: expect valid_access (stack)
                r1 += 2
                if r6 == 0 goto next
                r1 += 1
                next:
                r3 += 1
                if r3 < 256 goto loop
                r0 = 0
                exit
                """, 4, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void aPointerRewrittenInsideTheLoopIsRejected() {
        // At iteration 100 r1 restarts at fp-2: the next write is at fp+0.
        rejected("""
                r1 = r10
                r1 += -512
                r3 = 0
                loop:
                *(u16 *)(r1 + 0) = 0      ; pc 3: expect valid_access (stack)
                r1 += 2
                if r3 != 100 goto next
                r1 = r10
                r1 += -2
                next:
                r3 += 1
                if r3 < 200 goto loop
                r0 = 0
                exit
                """, 3, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void aPointerAdvancedByANestedLoopIsRejected() {
        // The inner loop adds 2 twice: 4 bytes per outer iteration, 1024 in all.
        rejected("""
                r1 = r10
                r1 += -512
                r3 = 0
                outer:
                *(u8 *)(r1 + 0) = 0       ; pc 3: expect valid_access (stack)
                r4 = 0
                inner:
                r1 += 2
                r4 += 1
                if r4 < 2 goto inner
                r3 += 1
                if r3 < 256 goto outer
                r0 = 0
                exit
                """, 3, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void aPointerCarriedThroughAStackSlotIsNotNarrowed() {
        // The spilled copy is what advances (loaded, moved by 3, stored back): 3 * 199 bytes past
        // fp-512 is past fp. The register is reloaded each iteration, so the rule does not apply.
        rejected("""
                r1 = r10
                r1 += -512
                *(u64 *)(r10 - 8) = r1
                r3 = 0
                loop:
                r1 = *(u64 *)(r10 - 8)
                *(u8 *)(r1 + 0) = 0       ; pc 5: expect valid_access (stack)
                r1 += 3
                *(u64 *)(r10 - 8) = r1
                r3 += 1
                if r3 < 200 goto loop
                r0 = 0
                exit
                """, 5, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void theExitInTheMiddleAfterTheWriteCountsTheLastVisit() {
        // The head is visited with r3 = 0..256 (the exit test comes after the write): the 257th
        // visit writes fp+0 before leaving.
        rejected("""
                r1 = r10
                r1 += -512
                r3 = 0
                loop:
                *(u16 *)(r1 + 0) = 0      ; pc 3: expect valid_access (stack)
                if r3 >= 256 goto out
                r1 += 2
                r3 += 1
                goto loop
                out:
                r0 = 0
                exit
                """, 3, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void anIndexAdvancedBy32BitAddsBoundsTheOffsetItMakes() {
        // w5 = 0, 2, ..., 510 at the head: the index stays far from 2^32, so the 32-bit adds act
        // as 64-bit ones. One more iteration writes fp+0.
        String index = """
                r5 = 0
                r3 = 0
                loop:
                r1 = r10
                r1 += -512
                r1 += r5
                *(u16 *)(r1 + 0) = 0
                w5 += 2
                w3 += 1
                if w3 < %d goto loop
                r0 = 0
                exit
                """;
        accepted(index.formatted(256));
        rejected(index.formatted(257), 5, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void a32BitIndexThatWrapsIsNotNarrowed() {
        // w5 = 0xfffffffe, 0xffffffff, 0, 1, ...: (r5 + 2) >> 32 is 1, 1, 0, 0, ..., so the store
        // goes to fp-8 and then fp-520. Narrowing as if the adds were 64-bit would see only 1 and
        // accept; the sum leaves [0, 2^32), so the rule leaves r5 widened.
        rejected("""
                w5 = -2
                r3 = 0
                loop:
                r4 = r5
                r4 += 2
                r4 >>= 32
                r4 -= 1
                r4 <<= 9
                r1 = r10
                r1 += -8
                r1 += r4
                *(u64 *)(r1 + 0) = 0      ; pc 10: expect valid_access (stack)
                w5 += 1
                r3 += 1
                if r3 < 100 goto loop
                r0 = 0
                exit
                """, 10, ObligationKind.VALID_ACCESS, "stack");
    }

    @Test
    void aLoopEnteredInTheMiddleIsNotNarrowedFromItsHead() {
        // When ingress_ifindex != 0 the walk starts at fp-100 and enters past the store: 255
        // stores from fp-98 up run far past fp. The head's entering edges see only fp-512.
        rejected("""
                r6 = *(u32 *)(r1 + 12)
                r1 = r10
                r1 += -512
                r3 = 0
                if r6 == 0 goto loop
                r1 = r10
                r1 += -100
                goto mid
                loop:
                *(u8 *)(r1 + 0) = 0       ; pc 8: expect valid_access (stack)
                mid:
                r1 += 2
                r3 += 1
                if r3 < 256 goto loop
                r0 = 0
                exit
                """, 8, ObligationKind.VALID_ACCESS, "stack");
    }
}
