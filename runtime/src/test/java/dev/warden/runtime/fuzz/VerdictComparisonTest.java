package dev.warden.runtime.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.random.PointerProgramGenerator;
import org.junit.jupiter.api.Test;

/** The four-way table adds up, and programs only one side accepts are run and reported when they fault. */
class VerdictComparisonTest {

    @Test
    void acceptAllAgainstRejectAllPutsEveryProgramInOneCellAndCatchesTheFaults() {
        FourWayTable t = new VerdictComparison((o, p) -> Judge.Verdict.ACCEPTED, (o, p) -> Judge.Verdict.REJECTED,
                PointerProgramGenerator.defaults(), 16).run(3, 100);
        assertEquals(100, t.onlyFirst());
        assertEquals(0, t.bothAccept() + t.onlySecond() + t.bothReject() + t.errors());
        assertTrue(!t.faulted().isEmpty() && t.faulted().getFirst().startsWith("accepted by only the first"), t.faulted().toString());
        assertTrue(t.render("warden", "linux").contains("warden"));
    }

    @Test
    void aJudgeThatThrowsCountsAsAnErrorNotAVerdict() {
        FourWayTable t = new VerdictComparison((o, p) -> Judge.Verdict.REJECTED, (o, p) -> {
            throw new IllegalStateException("no");
        }, PointerProgramGenerator.defaults(), 4).run(0, 10);
        assertEquals(10, t.errors());
        assertEquals(0, t.bothReject());
    }
}
