package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import org.junit.jupiter.api.Test;

/** Comparing two pointers into one object refines their offsets; pointers into different objects refine nothing. */
class PointerComparisonTest {
    /** r6 = a value of arr (16 bytes) plus a byte; r7 = %s plus 16; the load needs r6 < r7 to mean r6's offset < 16. */
    private static final String CURSOR_AGAINST_END = """
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            r1 = map[idx:1] ll
            call 1
            if r0 == 0 goto +14
            r6 = r0
            r2 = r10
            r2 += -4
            r1 = map[idx:1] ll
            call 1
            if r0 == 0 goto +7
            r7 = %s
            call 7
            r0 &= 255
            r6 += r0
            r7 += 16
            if r6 >= r7 goto +1
            r1 = *(u8 *)(r6 + 0)
            r0 = 0
            exit
            """;

    @Test
    void aCursorBelowTheEndOfItsOwnValueIsInBounds() {
        accepted(CURSOR_AGAINST_END.formatted("r6"));
    }

    @Test
    void theEndOfAnotherLookupsValueBoundsNothing() {
        rejected(CURSOR_AGAINST_END.formatted("r0"), 21, ObligationKind.VALID_ACCESS, "of a value of map 'arr'");
    }

    @Test
    void anEndOneBytePastTheValueIsRejected() {
        rejected(CURSOR_AGAINST_END.formatted("r6").replace("r7 += 16", "r7 += 17"), 21, ObligationKind.VALID_ACCESS,
                "offset [0, 16]");
    }
}
