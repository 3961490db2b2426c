package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import org.junit.jupiter.api.Test;

/**
 * Callbacks of {@code bpf_loop} and {@code bpf_for_each_map_elem}: analysed as calls with the
 * kernel's argument types, any number of times, their effect on the caller's stack (through the
 * context pointer) joined into the caller's state.
 */
class CallbacksTest {
    /**
     * The caller keeps an index at fp-8 (0), lets the callback add 1 to it and mask it (%d) through the context
     * pointer, and reads 8 bytes of the 16-byte value of {@code arr} at that index.
     */
    private static final String LOOP_MASKS_THE_INDEX = """
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            r1 = 10
            r2 = func[pc+12] ll
            r3 = r10
            r3 += -8
            r4 = 0
            call 181
            r6 = *(u64 *)(r10 - 8)
            r1 = map[idx:1][0]+0 ll
            r1 += r6
            r0 = *(u64 *)(r1 + 0)
            r0 = 0
            exit
            r3 = *(u64 *)(r2 + 0)
            r3 += 1
            r3 &= %d
            *(u64 *)(r2 + 0) = r3
            r0 = %d
            exit
            """;

    @Test
    void theCallbacksWriteThroughTheContextBoundsTheCallersIndex() {
        accepted(LOOP_MASKS_THE_INDEX.formatted(7, 0));
    }

    @Test
    void aCallbackThatWidensTheIndexMakesTheCallersReadUnsafe() {
        // Were the callback's effect ignored, the index would still be 0 and the read safe.
        rejected(LOOP_MASKS_THE_INDEX.formatted(15, 0), 13, ObligationKind.VALID_ACCESS, "of a value of map 'arr'");
    }

    @Test
    void aCallbackMustReturnZeroOrOne() {
        rejected(LOOP_MASKS_THE_INDEX.formatted(7, 2), 8, ObligationKind.RETURN_RANGE, "must return 0 or 1");
    }

    @Test
    void theCallbackIsCheckedLikeAnyFunction() {
        // The callback reads the context 8 bytes past the caller's slot: out of the frame.
        rejected("""
                r1 = 1
                r2 = func[pc+7] ll
                r3 = r10
                r3 += -8
                r4 = 0
                call 181
                r0 = 0
                exit
                r0 = *(u64 *)(r2 + 8)
                r0 = 0
                exit
                """, 9, ObligationKind.VALID_ACCESS, "outside the 512-byte frame");
    }

    /** The for-each callback reads %d bytes of the key (4 bytes) and 16 of the value of {@code arr} (16 bytes). */
    private static final String FOR_EACH = """
            r1 = map[idx:1] ll
            r2 = func[pc+6] ll
            r3 = 0
            r4 = 0
            call 164
            r0 = 0
            exit
            r0 = *(u%d *)(r2 + 0)
            r0 = *(u64 *)(r3 + 8)
            r0 = 0
            exit
            """;

    @Test
    void forEachGivesTheCallbackTheKeyAndTheValueOfTheMap() {
        accepted(FOR_EACH.formatted(32));
    }

    @Test
    void forEachKeyReadPastTheKeySizeIsRejected() {
        rejected(FOR_EACH.formatted(64), 9, ObligationKind.VALID_ACCESS, "4-byte memory region");
    }
}
