package dev.warden.runtime.fuzz.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.runtime.fuzz.Judge;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.SmtBudget;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The EIM harness can fail: a "verifier" that accepts everything is caught, by faults of the
 * guarded memory and by constraints read back after the run (a stored value, the returned value),
 * with the case printed, and so is Warden with its constraint checks stripped; the same cases through Warden are rejected; and a load of readable bytes
 * across a read-write/read-only boundary of one object is not a fault (the replay once faulted
 * there, the vm's regions being split by rights).
 */
class EimSoundnessFuzzerCatchesBreaksTest {
    private static final EimJudge ACCEPT_ALL = (object, program, eim) -> Judge.Verdict.ACCEPTED;

    static final String POLICY = """
            struct S { u32 a; u32 b; };
            struct Cfg { u32 level; u32 mode; };
            host Cfg cfg;
            State_Capability(name = "setMode", operation = write(cfg.mode), constraints = { value in [0, 3] })
            Extension_Entry(name = "e", extension_entry = "hook", prototype = (S *r, u32 n) -> int, constraints = { rtn in [0, 1] })
            Extension_Class(name = "c", extension_entry = "e", allowed = { read(r), write(r->a), setMode })
            """;
    static final Map<String, String> GRANTS = Map.of("*r", "read [0, 8); write [0, 4)", "cfg", "read; write [4, 8)");

    private static EimCase of(String program) {
        return new EimCase(7, POLICY, program, List.of(), GRANTS);
    }

    @Test
    void anAcceptEverythingVerifierIsCaughtOnRandomCases() {
        EimFuzzReport r = EimSoundnessFuzzer.of(ACCEPT_ALL).run(1, 400);
        assertEquals(400, r.accepted(), r.summary());
        assertEquals(0, r.harnessErrors() + r.grantMismatches(), () -> r.firstError().orElse(""));
        assertTrue(r.faulted() > 0, r.summary());
        assertTrue(r.constraintBreaks() > 0, r.summary());
        String d = r.unsound().getFirst().describe();
        assertTrue(d.contains("Extension_Class(name = \"c\""), d);  // the policy
        assertTrue(d.contains("r6 = r1"), d);                      // the program
        assertTrue(d.contains("input: entry e(r = the address of *r, n = "), d);
    }

    @Test
    void wardenWithoutItsConstraintChecksIsCaught() {
        // Warden, but a program whose only violations are constraints (stored values, call
        // arguments, return values) is accepted: the runs must show the broken constraints.
        EimJudge stripped = (object, program, eim) -> switch (Verifier.verify(object, program, VerifierOptions.linux(), eim)) {
            case VerificationResult.Verified v -> Judge.Verdict.ACCEPTED;
            case VerificationResult.Rejected r -> r.violations().stream().allMatch(x -> x.kind() == ObligationKind.CONSTRAINT)
                    ? Judge.Verdict.ACCEPTED : Judge.Verdict.REJECTED;
        };
        EimFuzzReport r = EimSoundnessFuzzer.of(stripped).run(1, 400);
        assertTrue(r.constraintBreaks() > 0, r.summary());  // stores and returns, read back
        assertTrue(r.faulted() > 0, r.summary());           // call arguments, checked at the call
        for (EimUnsoundAccept u : r.unsound()) {
            assertTrue(u.problem().contains("HELPER_FAILED: call host function hostFn") || u.problem().contains("the run stored value")
                    || u.problem().contains("the run returned rtn"), u.describe());
        }
    }

    @Test
    void aStoreOutsideTheWriteConstraintIsReadBackAfterTheRun() {
        EimCase c = of("""
                r8 = btf_var[0] ll
                r1 = 7
                *(u32 *)(r8 + 4) = r1
                r0 = 0
                exit
                """);
        EimFuzzReport r = EimSoundnessFuzzer.of(ACCEPT_ALL).check(List.of(c));
        assertEquals(1, r.constraintBreaks(), r.summary());
        assertTrue(r.unsound().getFirst().problem().contains("stored value = 7 into cfg [4, 8); setMode allows it only with value in [0, 3]"),
                r.unsound().getFirst().problem());
        assertEquals(1, EimSoundnessFuzzer.of(EimJudge.warden(SmtBudget.DEFAULT)).check(List.of(c)).rejected());
    }

    @Test
    void aReturnOutsideTheEntryConstraintIsCaught() {
        EimCase c = of("""
                r0 = 2
                exit
                """);
        EimFuzzReport r = EimSoundnessFuzzer.of(ACCEPT_ALL).check(List.of(c));
        assertEquals(1, r.constraintBreaks(), r.summary());
        assertTrue(r.unsound().getFirst().problem().contains("returned rtn = 2"), r.unsound().getFirst().problem());
        assertEquals(1, EimSoundnessFuzzer.of(EimJudge.warden(SmtBudget.DEFAULT)).check(List.of(c)).rejected());
    }

    @Test
    void aStoreToReadOnlyBytesFaults() {
        EimFuzzReport r = EimSoundnessFuzzer.of(ACCEPT_ALL).check(List.of(of("""
                *(u32 *)(r1 + 4) = 1
                r0 = 0
                exit
                """)));
        assertEquals(1, r.faulted(), r.summary());
        assertTrue(r.unsound().getFirst().problem().contains("READ_ONLY"), r.unsound().getFirst().problem());
    }

    @Test
    void aSafeProgramIsAcceptedAndRunsCleanEvenAcrossARightsBoundary() {
        // Bytes [0, 4) are read-write, [4, 8) read-only: the 8-byte load spans both.
        EimFuzzReport r = EimSoundnessFuzzer.of(EimJudge.warden(SmtBudget.DEFAULT)).check(List.of(of("""
                r8 = btf_var[0] ll
                r2 = *(u64 *)(r1 + 0)
                *(u32 *)(r1 + 0) = r2
                r2 &= 3
                *(u32 *)(r8 + 4) = r2
                r0 = 1
                exit
                """)));
        assertEquals(1, r.accepted(), r.summary() + r.firstError().orElse(""));
        assertEquals(0, r.unsoundCount(), () -> r.unsound().getFirst().describe());
        assertTrue(r.runs() >= 12, r.summary());
    }
}
