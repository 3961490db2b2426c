package dev.warden.runtime.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The harness can fail: a "verifier" that accepts everything is caught, with the faulting program
 * printed as assembly; one that rejects everything runs nothing and is (vacuously) sound.
 */
class SoundnessFuzzerCatchesFaultsTest {

    @Test
    void anAcceptEverythingVerifierIsCaughtWithTheFaultingProgram() {
        FuzzReport r = SoundnessFuzzer.of((object, program) -> Judge.Verdict.ACCEPTED).run(1, 300);
        assertEquals(300, r.generated());
        assertEquals(300, r.accepted());
        assertTrue(r.faulted() > 0, r.summary());
        assertTrue(r.plantedUnsafe() > 0, r.summary());
        assertFalse(r.unsound().isEmpty());
        String d = r.unsound().getFirst().describe();
        assertTrue(d.contains("r7 = *(u32 *)(r6 + 0)"), d);  // the program, as assembly
        assertTrue(d.contains("fault at pc"), d);
        assertTrue(d.contains("packet of"), d);
    }

    @Test
    void aRejectEverythingVerifierRunsNothing() {
        FuzzReport r = SoundnessFuzzer.of((object, program) -> Judge.Verdict.REJECTED).run(1, 100);
        assertEquals(100, r.rejected());
        assertEquals(0, r.runs());
        assertEquals(0, r.faulted());
    }

    @Test
    void aVerifierThatThrowsIsCountedNotHidden() {
        FuzzReport r = SoundnessFuzzer.of((object, program) -> {
            throw new UnsupportedOperationException("not yet");
        }).run(1, 10);
        assertEquals(10, r.verifierErrors());
        assertTrue(r.firstVerifierError().orElseThrow().contains("not yet"));
    }
}
