package dev.warden.runtime.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.runtime.evidence.Report.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The exit status is the worst claim's: a failure over missing keys over a missed goal over shown. */
class ReportTakesTheWorstOutcomeTest {
    private static Report report(Outcome... outcomes) {
        Report r = new Report(new PrintStream(new ByteArrayOutputStream()));
        for (int i = 0; i < outcomes.length; i++) {
            r.claim("claim " + i, outcomes[i], "detail");
        }
        return r;
    }

    @Test
    void theWorstOutcomeDecidesTheExitStatus() {
        assertEquals(0, report().exitCode());
        assertEquals(0, report(Outcome.SHOWN, Outcome.SHOWN).exitCode());
        assertEquals(3, report(Outcome.SHOWN, Outcome.GOAL_MISSED).exitCode());
        assertEquals(2, report(Outcome.GOAL_MISSED, Outcome.NOT_SUPPORTED, Outcome.SHOWN).exitCode());
        assertEquals(1, report(Outcome.NOT_SUPPORTED, Outcome.FAILED, Outcome.GOAL_MISSED).exitCode());
    }

    @Test
    void theSummaryNamesWhatIsStillOpen() {
        String s = report(Outcome.SHOWN, Outcome.NOT_SUPPORTED).summary();
        assertTrue(s.contains("1 ok, 0 goal missed, 1 not supported, 0 FAILED"), s);
        assertTrue(s.contains("open: claim 1 (not supported)"), s);
        assertTrue(s.endsWith("exit 2"), s);
        assertTrue(report(Outcome.SHOWN).summary().contains("every claim shown"), report(Outcome.SHOWN).summary());
    }
}
