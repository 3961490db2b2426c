package dev.warden.verifier;

import static dev.warden.verifier.Fixture.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Obligations the domains cannot decide go to Z3 over the path suffixes that end at them. Each
 * safe program is first shown to be rejected by the domains alone ({@link SmtBudget#OFF}), then
 * accepted with Z3, with the obligation counted in {@link Stats#z3Queries()}; each unsafe twin
 * (off by one) stays rejected although Z3 was asked.
 */
class SmtDischargeTest {

    /** Pattern 1: the copy is shifted and bounded, the original is the offset. */
    private static final String SHIFTED_COPY = """
            call 7
            r6 = r0
            r7 = r6
            r7 += 1
            r0 = 0
            if r7 > %d goto +4
            r1 = map[idx:1][0]+0 ll
            r1 += r6
            r2 = *(u8 *)(r1 + 0)
            exit
            """;

    /** Pattern 8: a flag set under a bound, the bound used under the flag. */
    private static final String CORRELATED = """
            call 7
            r6 = r0
            r7 = 0
            if r6 > %d goto +1
            r7 = 1
            r0 = 0
            if r7 == 0 goto +4
            r1 = map[idx:1][0]+0 ll
            r1 += r6
            r2 = *(u8 *)(r1 + 0)
            exit
            """;

    /**
     * Pattern 8 again, in blocks whose states are kept apart (r8 a stack pointer on one path, a
     * number on the other, read after the access): the violation is found in one disjunct, and Z3
     * is asked with that disjunct's invariants.
     */
    private static final String CORRELATED_IN_A_DISJUNCT = """
            call 7
            r6 = r0
            r7 = 0
            if r6 > %d goto +1
            r7 = 1
            r8 = r10
            call 7
            if r0 > 5 goto +1
            r8 = 0
            r0 = 0
            if r7 == 0 goto +5
            r1 = map[idx:1][0]+0 ll
            r1 += r6
            r2 = *(u8 *)(r1 + 0)
            r3 = r8
            exit
            """;

    /** Pattern 6: data_end - data compared as a number. */
    private static final String LENGTH_AS_NUMBER = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r3
            r4 -= r2
            r0 = 0
            if r4 < 14 goto +1
            r5 = *(u8 *)(r2 + %d)
            exit
            """;

    /** A variable stack offset bounded through a copy that was spilled and filled. */
    private static final String STACK_THROUGH_SPILL = """
            call 7
            r6 = r0
            *(u64 *)(r10 - 8) = r6
            r7 = *(u64 *)(r10 - 8)
            r7 += 2
            r0 = 0
            if r7 > %d goto +5
            r1 = r10
            r1 += -64
            r1 += r6
            r2 = *(u8 *)(r1 + 0)
            *(u8 *)(r1 + 0) = r2
            exit
            """;

    @Test
    void boundOnAShiftedCopyProvesTheOriginal() {
        provedByZ3(SHIFTED_COPY.formatted(16), 9);
        stillRejected(SHIFTED_COPY.formatted(17), 9, "of a value of map 'arr'");
    }

    @Test
    void correlatedBranchesAreFollowedWithinTheSuffix() {
        provedByZ3(CORRELATED.formatted(15), 10);
        stillRejected(CORRELATED.formatted(16), 10, "of a value of map 'arr'");
    }

    @Test
    void aViolationInOneDisjunctIsAskedWithThatDisjunctsInvariants() {
        provedByZ3(CORRELATED_IN_A_DISJUNCT.formatted(15), 14);
        stillRejected(CORRELATED_IN_A_DISJUNCT.formatted(16), 14, "of a value of map 'arr'");
    }

    @Test
    void packetLengthComputedAsANumberBoundsAccesses() {
        provedByZ3(LENGTH_AS_NUMBER.formatted(13), 6);
        stillRejected(LENGTH_AS_NUMBER.formatted(14), 6, "may be past data_end");
    }

    @Test
    void stackSlotsWrittenInThePathAreTrackedExactly() {
        provedByZ3(STACK_THROUGH_SPILL.formatted(65), 10);
        stillRejected(STACK_THROUGH_SPILL.formatted(66), 10, "outside the 512-byte frame");
    }

    @Test
    void anUndecidedQueryKeepsTheViolationWithItsOwnWording() {
        VerifierOptions starved = Fixture.options().withSmt(new SmtBudget(200, 1, 64, 2_000, 48, 32));
        VerificationResult r = verify(SHIFTED_COPY.formatted(16), starved);
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r);
        Violation v = rej.violations().getFirst();
        assertEquals(9, v.pc());
        assertEquals(ObligationKind.VALID_ACCESS, v.kind());
        assertTrue(v.message().contains("Z3 could not decide within 200 ms"), v.message());
        assertEquals(1, r.stats().z3Queries());
        // A refuted obligation is worded as the domains worded it.
        Violation refuted = stillRejected(SHIFTED_COPY.formatted(17), 9, "of a value of map 'arr'");
        assertTrue(!refuted.message().contains("Z3"), refuted.message());
    }

    @Test
    void onceAViolationStandsLaterObligationsAreNotSentToZ3() {
        VerificationResult r = verify("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u8 *)(r2 + 0)
                call 7
                r6 = r0
                r7 = r6
                r7 += 1
                r0 = 0
                if r7 > 16 goto +4
                r1 = map[idx:1][0]+0 ll
                r1 += r6
                r2 = *(u8 *)(r1 + 0)
                exit
                """);
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r);
        assertEquals(java.util.List.of(1, 11), rej.violations().stream().map(Violation::pc).toList());
        assertEquals(1, r.stats().z3Queries(), "only the first (refuted) obligation went to Z3");
    }

    @Test
    void obligationsTheDomainsProveNeverReachZ3() {
        VerificationResult r = verify("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 14
                r0 = 1
                if r4 > r3 goto +1
                r5 = *(u8 *)(r2 + 13)
                exit
                """);
        assertInstanceOf(VerificationResult.Verified.class, r);
        assertEquals(0, r.stats().z3Queries());
    }

    private static void provedByZ3(String asm, int pc) {
        VerificationResult alone = verify(asm, Fixture.options().withSmt(SmtBudget.OFF));
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, alone,
                "the domains alone should not prove this program");
        assertEquals(pc, rej.violations().getFirst().pc(), rej.violations().toString());
        assertEquals(0, alone.stats().z3Queries());
        VerifiedProgram p = Fixture.accepted(asm);
        VerificationResult r = verify(asm);
        assertTrue(r.stats().z3Queries() >= 1, "Z3 was not asked");
        assertTrue(p.accessProvedInBounds(pc), "a discharged access counts as proved");
    }

    private static Violation stillRejected(String asm, int pc, String fragment) {
        VerificationResult r = verify(asm);
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r);
        Violation v = rej.violations().getFirst();
        assertEquals(pc, v.pc(), rej.violations().toString());
        assertEquals(ObligationKind.VALID_ACCESS, v.kind());
        assertTrue(v.message().contains(fragment), v.message());
        assertTrue(r.stats().z3Queries() >= 1, "Z3 was not asked");
        return v;
    }
}
