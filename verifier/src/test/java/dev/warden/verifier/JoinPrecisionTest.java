package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import org.junit.jupiter.api.Test;

/**
 * What survives a merge point: states of different shapes kept apart (bounded disjunctions), and
 * the link of a maybe-null pointer joined with the null constant (a function returning a lookup's
 * result or 0).
 */
class JoinPrecisionTest {
    /** r6 is a lookup result on one path and 0 on the other; the flag r7 says which (unless it starts at 1). */
    private static final String FLAG_AND_POINTER = """
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r7 = %d
            r6 = 0
            call 7
            if r0 > 100 goto +8
            r2 = r10
            r2 += -4
            r1 = map[idx:0] ll
            call 1
            if r0 == 0 goto +2
            r6 = r0
            r7 = 1
            r0 = 0
            if r7 == 0 goto +1
            r0 = *(u64 *)(r6 + 0)
            r0 = 0
            exit
            """;

    @Test
    void aFlagSetOnlyWithTheNonNullPointerDecidesWhichStateReachesTheUse() {
        accepted(FLAG_AND_POINTER.formatted(0));
    }

    @Test
    void aFlagSetOnBothPathsDoesNotHideTheNull() {
        rejected(FLAG_AND_POINTER.formatted(1), 16, ObligationKind.NON_NULL, "R6");
    }

    /** The callee returns a lookup's result or 0; the caller spills it, checks the register and uses the spill. */
    private static final String LOOKUP_OR_NULL = """
            call pc+6
            *(u64 *)(r10 - 16) = r0
            %s
            r1 = *(u64 *)(r10 - 16)
            r0 = *(u64 *)(r1 + 0)
            r0 = 0
            exit
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            r1 = map[idx:0] ll
            call 1
            r6 = r0
            call 7
            if r0 > 100 goto +1
            r6 = 0
            r0 = r6
            exit
            """;

    @Test
    void aNullCheckOfAReturnedLookupOrNullRefinesItsSpilledCopy() {
        accepted(LOOKUP_OR_NULL.formatted("if r0 == 0 goto +2"));
    }

    @Test
    void withoutTheNullCheckTheSpilledCopyMayBeNull() {
        rejected(LOOKUP_OR_NULL.formatted("r2 = 0"), 4, ObligationKind.NON_NULL, "may be null");
    }
}
