package dev.warden.mpk;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The program behind mpk-bridge/scripts/pku-evidence.sh, run in-process (its faults happen in children). */
class EvidenceProgramReportsTheFourFactsTest {

    private record Run(int status, String out) {}

    private static Run evidence(IsolationMode mode, int pairs) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int status = Evidence.parent(mode, pairs);
            return new Run(status, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void protectionKeyEvidenceSaysNotSupportedWithReasonWhereCpuLacksThem() throws Exception {
        Run r = evidence(IsolationMode.PROTECTION_KEYS, 1000);
        switch (ProtectionKeys.probe()) {
            case Support.Unsupported u -> {
                assertEquals(2, r.status(), r.out());
                assertTrue(r.out().contains("not supported: " + u.reason()), r.out());
            }
            case Support.Supported _ -> {
                assertEquals(0, r.status(), r.out());
                assertTrue(r.out().contains("SEGV_PKUERR"), r.out());
            }
        }
    }

    @Test
    void mprotectEvidenceShowsAllFourFacts() throws Exception {
        Run r = evidence(IsolationMode.MPROTECT, 1000);
        assertEquals(0, r.status(), r.out());
        for (String fact : new String[] {"1 write inside a scope: ok", "2a child JVM, write inside a scope: exit 0",
            "2 child JVM, same write outside a scope: exit", "SIGSEGV si_code 2 (SEGV_ACCERR)",
            "3 this JVM: alive", "4 enter+exit pair (MPROTECT", "all checks passed"}) {
            assertTrue(r.out().contains(fact), fact + " missing in\n" + r.out());
        }
    }
}
