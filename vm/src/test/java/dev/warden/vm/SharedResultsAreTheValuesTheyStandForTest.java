package dev.warden.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * {@link ExecResult#returned}: for every r0 the result a run reports equals {@code new
 * Returned(r0)}; the values -1..4 are shared (no allocation for them), others are not.
 */
class SharedResultsAreTheValuesTheyStandForTest {
    @Test
    void everyValueIsItselfAndTheSmallOnesAreShared() {
        long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Integer.MIN_VALUE, -1L << 32, (1L << 32) - 1, 1L << 32,
                (1L << 32) + 1, Integer.MAX_VALUE, Long.MAX_VALUE};
        for (long r0 : edges) {
            assertEquals(new ExecResult.Returned(r0), ExecResult.returned(r0));
        }
        for (long r0 = -300; r0 <= 300; r0++) {
            ExecResult.Returned r = ExecResult.returned(r0);
            assertEquals(r0, r.r0());
            if (r0 >= -1 && r0 <= 4) {
                assertSame(r, ExecResult.returned(r0), "shared: " + r0);
            } else {
                assertNotSame(r, ExecResult.returned(r0), "made per run: " + r0);
            }
        }
        // 2^32 + 1 truncates to the int 1: it must not be mistaken for 1.
        assertEquals((1L << 32) + 1, ExecResult.returned((1L << 32) + 1).r0());
    }
}
