package dev.warden.runtime.host;

import dev.warden.mpk.IsolationMode;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link ExtensionServesManyThreadsAndReloadsAtomicallyTest} again with the
 * extension's maps under the {@code MPROTECT} fallback (issue 12 §4): eight threads' runs open and
 * close the key's scope concurrently while the host reads, and hot reloads keep the maps, which
 * must lose no count. The tests run one class at a time (no parallel execution), so the switch
 * below affects only this class.
 */
class ExtensionsServeManyThreadsUnderMprotectTest extends ExtensionServesManyThreadsAndReloadsAtomicallyTest {
    private static UnaryOperator<ExtensionSpec> before;

    @BeforeAll
    static void underTheFallback() {
        before = ExtensionServesManyThreadsAndReloadsAtomicallyTest.isolated;
        ExtensionServesManyThreadsAndReloadsAtomicallyTest.isolated = s -> s.withIsolation(IsolationMode.MPROTECT);
    }

    @AfterAll
    static void backToTheDefault() {
        ExtensionServesManyThreadsAndReloadsAtomicallyTest.isolated = before;
    }
}
