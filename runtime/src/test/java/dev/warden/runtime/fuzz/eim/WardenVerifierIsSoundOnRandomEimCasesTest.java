package dev.warden.runtime.fuzz.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.verifier.SmtBudget;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's soundness evidence for the EIM platform: random policies and programs through
 * Warden's verifier against the policy's class, every accepted program run in the guarded replay
 * on directed inputs: no accepted program may fault or break a constraint. So that the check
 * cannot pass vacuously, a healthy share must be accepted, and every kind of planted flaw must be
 * planted live and rejected somewhere. {@code -Dwarden.fuzz.eim.programs=N} runs another volume
 * ({@code warden fuzz-verify --platform eim} runs long ones).
 */
class WardenVerifierIsSoundOnRandomEimCasesTest {

    @Test
    void noAcceptedProgramBreaksItsClassOnAnyInput() {
        long programs = Long.getLong("warden.fuzz.eim.programs", 1_000);
        EimFuzzReport r = EimSoundnessFuzzer.of(EimJudge.warden(SmtBudget.DEFAULT)).run(0xe1a_0000L, programs);
        System.out.println("fuzz-verify --platform eim: " + r.summary());
        assertEquals(0, r.verifierErrors() + r.harnessErrors() + r.grantMismatches(), () -> r.summary() + "\n"
                + r.firstError().orElse("?"));
        assertEquals(0, r.unsoundCount(), () -> r.summary() + "\n"
                + r.unsound().stream().map(EimUnsoundAccept::describe).collect(Collectors.joining("\n")));
        assertTrue(r.accepted() * 4 >= programs, () -> "fewer than a quarter accepted: the check above checked little\n" + r.summary());
        for (EimFlaw f : EimFlaw.values()) {
            assertTrue(r.rejectedByFlaw().getOrDefault(f, 0L) > 0, () -> "no live " + f + " was planted and rejected\n" + r.summary());
        }
    }
}
