package dev.warden.mpk;

import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

class ProtectedRegionIsPageAlignedTest {

    private final KeyAllocator allocator = ProtectionKeys.allocator(IsolationMode.MPROTECT);

    @Test
    void mappingCoversRequestInWholePagesAndSegmentIsExact() throws Exception {
        try (ProtectionKey key = allocator.allocate()) {
            qt().withExamples(200).forAll(longs().between(1, 1L << 22)).checkAssert(bytes -> {
                try (ProtectedRegion r = ProtectedRegion.map(key, bytes)) {
                    long page = Libc.PAGE_SIZE;
                    assertEquals(0, r.address() % page);
                    assertEquals(0, r.mappedBytes() % page);
                    assertTrue(r.mappedBytes() >= bytes && r.mappedBytes() < bytes + page);
                    assertEquals(bytes, r.segment().byteSize());
                    assertEquals(0, r.segment().get(ValueLayout.JAVA_BYTE, bytes - 1), "starts zeroed");
                } catch (MpkException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void closedRegionIsUnmappedAndItsSegmentRefusesAccess() throws Exception {
        try (ProtectionKey key = allocator.allocate()) {
            ProtectedRegion r = ProtectedRegion.map(key, 16);
            r.close();
            r.close();
            assertFalse(r.segment().scope().isAlive());
            assertThrows(IllegalStateException.class, () -> r.segment().get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @Test
    void nonPositiveSizeIsRefused() throws Exception {
        try (ProtectionKey key = allocator.allocate()) {
            var e = assertThrows(IllegalArgumentException.class, () -> ProtectedRegion.map(key, 0));
            assertTrue(e.getMessage().contains("must be positive"));
        }
    }

    @Test
    void hugeSizeFailsWithErrnoNotACrash() throws Exception {
        try (ProtectionKey key = allocator.allocate()) {
            MpkException e = assertThrows(MpkException.class, () -> ProtectedRegion.map(key, 1L << 60));
            assertEquals(Errno.ENOMEM, e.errno().orElseThrow().value(), e.getMessage());
            assertTrue(e.getMessage().startsWith("cannot map"), e.getMessage());
        }
    }
}
