package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.ProtectionKeys;
import dev.warden.mpk.Support;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 §4 for maps: a map value carries the extension key, like the heap, so a host write to
 * it outside a run kills a child JVM with SIGSEGV at exactly the written address
 * ({@code SEGV_ACCERR} under the {@code MPROTECT} fallback here, {@code SEGV_PKUERR} under
 * protection keys, which skips with the probe's reason where the CPU has none), after the
 * program's and the host's own writes went through. With {@code NONE} the same write goes
 * through (the control).
 */
class TheMapsAreWriteProtectedOutsideRunsTest {
    @TempDir
    Path dir;

    @Test
    void aHostWriteToAMapValueOutsideARunKillsTheChildUnderTheMprotectFallback() throws Exception {
        var c = TheHeapIsWriteProtectedOutsideRunsTest.child(dir, MapValueWriteOutsideARun.class, IsolationMode.MPROTECT);
        assertTrue(c.output().contains("map isolation MPROTECT"), c.output());
        TheHeapIsWriteProtectedOutsideRunsTest.assertSegv(c, 2, "SEGV_ACCERR");
    }

    @Test
    void aHostWriteToAMapValueOutsideARunKillsTheChildUnderProtectionKeys() throws Exception {
        assumeTrue(ProtectionKeys.probe() instanceof Support.Supported, () -> "skipped: " + ProtectionKeys.probe().describe());
        var c = TheHeapIsWriteProtectedOutsideRunsTest.child(dir, MapValueWriteOutsideARun.class, IsolationMode.PROTECTION_KEYS);
        assertTrue(c.output().contains("map isolation PROTECTION_KEYS"), c.output());
        TheHeapIsWriteProtectedOutsideRunsTest.assertSegv(c, 4, "SEGV_PKUERR");
    }

    @Test
    void withoutIsolationTheSameWriteGoesThrough() throws Exception {
        var c = TheHeapIsWriteProtectedOutsideRunsTest.child(dir, MapValueWriteOutsideARun.class, IsolationMode.NONE);
        assertEquals(0, c.exit(), c.output());
        assertTrue(c.output().contains("wrote the value outside a run: NOT isolated"), c.output());
    }
}
