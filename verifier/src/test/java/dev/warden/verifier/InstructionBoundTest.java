package dev.warden.verifier;

import static dev.warden.verifier.Fixture.options;
import static dev.warden.verifier.Fixture.rejected;
import static dev.warden.verifier.Fixture.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The bound on instructions one run executes: loops in sequence add, nested loops multiply, calls
 * add their callee's bound. Each expected number is counted by hand below and is exactly what the
 * one run of each program executes (the bound is tight for straight counted loops).
 */
class InstructionBoundTest {
    // 1 + 10 iterations x 2 + 1 + 20 x 2 + 2 = 64
    private static final String TWO_LOOPS_IN_SEQUENCE = """
            r1 = 0
            r1 += 1
            if r1 < 10 goto -2
            r2 = 0
            r2 += 1
            if r2 < 20 goto -2
            r0 = 0
            exit
            """;

    // 1 + 3 outer iterations x (1 + 5 inner x 2 + 2) + 2 = 42
    private static final String NESTED_LOOPS = """
            r1 = 0
            r2 = 0
            r2 += 1
            if r2 < 5 goto -2
            r1 += 1
            if r1 < 3 goto -5
            r0 = 0
            exit
            """;

    // main: 2 calls (1 instruction + the callee's 23 each) + 2 = 50; callee: 1 + 10 x 2 + 2 = 23
    private static final String TWO_CALLS_OF_A_LOOP = """
            call pc+3
            call pc+2
            r0 = 0
            exit
            r1 = 0
            r1 += 1
            if r1 < 10 goto -2
            r0 = 0
            exit
            """;

    private static long bound(String asm, VerifierOptions options) {
        VerificationResult r = verify(asm, options);
        assertInstanceOf(VerificationResult.Verified.class, r, () -> r.toString());
        OptionalLong b = r.maxInstructionsExecuted();
        assertTrue(b.isPresent(), "no bound for an accepted program");
        assertEquals(b, r.stats().maxInstructionsExecuted());
        return b.getAsLong();
    }

    @Test
    void loopsInSequenceAdd() {
        assertEquals(64, bound(TWO_LOOPS_IN_SEQUENCE, options()));
    }

    @Test
    void nestedLoopsMultiply() {
        assertEquals(42, bound(NESTED_LOOPS, options()));
    }

    @Test
    void callsAddTheirCalleesBound() {
        assertEquals(50, bound(TWO_CALLS_OF_A_LOOP, options()));
    }

    @Test
    void straightLineCodeCountsItsLongestPath() {
        assertEquals(4, bound("""
                r0 = 0
                if r1 == 0 goto +1
                r0 = 1
                exit
                """, options()));
    }

    @Test
    void aTotalOverTheLimitIsRejectedThoughEachLoopIsUnderIt() {
        // Every loop runs at most 10 or 20 times, under 49; the run as a whole executes 50.
        assertEquals(50, bound(TWO_CALLS_OF_A_LOOP, options().withMaxInstructions(50)));
        rejected(TWO_CALLS_OF_A_LOOP, options().withMaxInstructions(49), 0, ObligationKind.BOUNDED_LOOP,
                "up to 50 instructions");
    }

    @Test
    void runtimeTerminationHasNoBoundAndNoLimit() {
        VerificationResult r = verify(NESTED_LOOPS, options().withTermination(Termination.RUNTIME).withMaxInstructions(10));
        assertInstanceOf(VerificationResult.Verified.class, r);
        assertTrue(r.maxInstructionsExecuted().isEmpty());
    }
}
