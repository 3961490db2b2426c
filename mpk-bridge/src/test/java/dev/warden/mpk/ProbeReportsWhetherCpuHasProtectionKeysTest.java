package dev.warden.mpk;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeReportsWhetherCpuHasProtectionKeysTest {

    @Test
    void probeAgreesWithCpuFlagsAndGivesReason() throws Exception {
        Support support = ProtectionKeys.probe();
        if (ProcMaps.cpuHasProtectionKeys()) {
            Support.Supported s = assertInstanceOf(Support.Supported.class, support);
            assertTrue(s.describe().startsWith("supported (pkey_alloc gave key "), s.describe());
        } else {
            // This machine and CI: no pku flag; the probe must say so without dying of SIGILL.
            Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, support);
            int errno = u.errno().orElseThrow().value();
            assertTrue(Set.of(Errno.EINVAL, Errno.ENOSPC, Errno.ENOSYS).contains(errno), u.describe());
            assertTrue(u.describe().startsWith("not supported: pkey_alloc failed with E"), u.describe());
        }
    }

    @Test
    void probeIsAskedOnceAndCached() {
        assertSame(ProtectionKeys.probe(), ProtectionKeys.probe());
    }

    @Test
    void errnoNamesAndDescribesLinuxValues() {
        assertEquals("EINVAL (Invalid argument)", new Errno(Errno.EINVAL).toString());
        assertEquals("ENOSPC", new Errno(Errno.ENOSPC).name());
        assertEquals("errno 4000", new Errno(4000).name());
    }

    @Test
    void reasonsTellTheUserWhatIsMissing() {
        assertTrue(ProtectionKeys.unsupportedReason(new Errno(Errno.EINVAL)).contains("does not enable protection keys"));
        assertTrue(ProtectionKeys.unsupportedReason(new Errno(Errno.ENOSPC)).contains("no protection key is free"));
        assertTrue(ProtectionKeys.unsupportedReason(new Errno(Errno.ENOSYS)).contains("no pkey_alloc system call"));
    }
}
