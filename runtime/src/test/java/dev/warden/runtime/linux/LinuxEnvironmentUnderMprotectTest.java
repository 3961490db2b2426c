package dev.warden.runtime.linux;

import dev.warden.mpk.IsolationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link LinuxEnvironmentTest} again with the maps under the extension key's {@code MPROTECT}
 * fallback (issue 12 §4): values read-only outside runs, so a write path that forgot its scope
 * (a helper, a host update, an input's seeding, a reset, the give-back after a run) kills the
 * test JVM instead of passing. The tests run one class at a time (no parallel execution), so the
 * switch below affects only this class.
 */
class LinuxEnvironmentUnderMprotectTest extends LinuxEnvironmentTest {
    private static IsolationMode before;

    @BeforeAll
    static void underTheFallback() {
        before = LinuxEnvironmentTest.isolation;
        LinuxEnvironmentTest.isolation = IsolationMode.MPROTECT;
    }

    @AfterAll
    static void backToTheDefault() {
        LinuxEnvironmentTest.isolation = before;
    }
}
