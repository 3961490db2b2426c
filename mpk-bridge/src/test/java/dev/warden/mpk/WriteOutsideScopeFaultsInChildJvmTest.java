package dev.warden.mpk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The isolation itself: a write outside a scope must fault. It runs in a child JVM, since the
 * fault kills the process that makes it.
 */
class WriteOutsideScopeFaultsInChildJvmTest {

    /** Every isolating mode this machine offers: MPROTECT always, PROTECTION_KEYS on pku hardware. */
    private static List<IsolationMode> isolatingModes() {
        List<IsolationMode> modes = new ArrayList<>(List.of(IsolationMode.MPROTECT));
        if (ProtectionKeys.probe() instanceof Support.Supported) {
            modes.add(IsolationMode.PROTECTION_KEYS);
        }
        return modes;
    }

    @Test
    void writeInsideScopeSucceedsInChild() {
        for (IsolationMode mode : isolatingModes()) {
            ChildJvm.Result r = ChildJvm.run(mode.name(), "write-inside");
            assertEquals(0, r.exitCode(), r.stdout());
            assertTrue(r.stdout().contains("wrote inside the scope"), r.stdout());
            assertTrue(r.fault().isEmpty());
        }
    }

    @Test
    void writeOutsideScopeKillsChildWithSegvAtTheWrittenAddress() {
        for (IsolationMode mode : isolatingModes()) {
            ChildJvm.Result r = ChildJvm.run(mode.name(), "write-outside");
            assertNotEquals(0, r.exitCode(), r.stdout());
            assertTrue(!r.stdout().contains("NOT isolated"), r.stdout());
            ChildJvm.Fault f = r.fault().orElseThrow(() -> new AssertionError("no JVM error report:\n" + r.stdout()));
            assertEquals("SIGSEGV", f.signal());
            assertEquals(mode == IsolationMode.PROTECTION_KEYS ? ChildJvm.SEGV_PKUERR : ChildJvm.SEGV_ACCERR, f.code(),
                f.toString());
            long region = r.regionAddress().orElseThrow(() -> new AssertionError(r.stdout()));
            assertEquals(region + Evidence.OFFSET, f.address(), "the fault is the child's own write");
        }
    }

    @Test
    void withoutIsolationTheSameWriteSucceeds() {
        // The control: NONE mode shows the faults above come from the protection, not the harness.
        ChildJvm.Result r = ChildJvm.run(IsolationMode.NONE.name(), "write-outside");
        assertEquals(0, r.exitCode(), r.stdout());
        assertTrue(r.stdout().contains("wrote outside the scope: NOT isolated"), r.stdout());
    }

    @Test
    void errorReportLineIsParsed() {
        var f = ChildJvm.Fault.parse("x\nsiginfo: si_signo: 11 (SIGSEGV), si_code: 4 (SEGV_PKUERR), si_addr: 0x00007fcb24002040\n")
            .orElseThrow();
        assertEquals(new ChildJvm.Fault("SIGSEGV", 4, "SEGV_PKUERR", 0x7fcb24002040L), f);
        assertTrue(ChildJvm.Fault.parse("no report").isEmpty());
    }
}
