package dev.warden.runtime.linux;

import dev.warden.mpk.IsolationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link MapsUnderConcurrentUseTest} again with the maps under the extension key's {@code MPROTECT}
 * fallback (issue 12 §4): runs on many threads open and close the key's scope concurrently while
 * the host updates and deletes, which must neither lose an update nor leave the values writable
 * or read-only at the wrong time (a write outside every scope kills the test JVM). The tests run one class at a time (no parallel execution), so the
 * switch below affects only this class.
 */
class MapsUnderConcurrentUseUnderMprotectTest extends MapsUnderConcurrentUseTest {
    private static IsolationMode before;

    @BeforeAll
    static void underTheFallback() {
        before = MapsUnderConcurrentUseTest.isolation;
        MapsUnderConcurrentUseTest.isolation = IsolationMode.MPROTECT;
    }

    @AfterAll
    static void backToTheDefault() {
        MapsUnderConcurrentUseTest.isolation = before;
    }
}
