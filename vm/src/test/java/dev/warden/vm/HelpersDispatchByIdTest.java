package dev.warden.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HelpersDispatchByIdTest {
    @Test
    void conformanceHelperFiveReturnsItsFirstArgument() {
        Helpers h = Helpers.conformance();
        assertTrue(h.defines(5));
        assertEquals(-7L, h.call(5, FaultKind.UNKNOWN_HELPER, null, 0, -7, 1, 2, 3, 4));
    }

    @Test
    void undefinedIdsFaultWithTheGivenKindAndPc() {
        Helpers h = Helpers.conformance();
        for (long id : new long[] {-1, 0, 4, 6, Long.MAX_VALUE, 1L << 32 | 5}) {
            assertFalse(h.defines(id));
            VmFault f = assertThrows(VmFault.class, () -> h.call(id, FaultKind.BAD_CALLX, null, 12, 0, 0, 0, 0, 0));
            assertEquals(FaultKind.BAD_CALLX, f.fault().kind());
            assertEquals(12, f.fault().pc());
        }
    }
}
