package dev.warden.mpk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocatorReportsChosenFallbackTest {

    @Test
    void fallbackIsUsedAndReportedOnlyWhereKeysAreMissing() {
        for (Fallback fallback : Fallback.values()) {
            Isolation iso = ProtectionKeys.allocator(fallback).isolation();
            switch (ProtectionKeys.probe()) {
                case Support.Supported _ -> assertEquals(IsolationMode.PROTECTION_KEYS, iso.mode());
                case Support.Unsupported u -> {
                    assertEquals(fallback.name(), iso.mode().name());
                    assertTrue(iso.reason().contains(u.reason()), iso.reason());
                    assertTrue(iso.describe().contains("fallback " + fallback + ": " + fallback.consequence()),
                        iso.describe());
                }
            }
        }
    }

    @Test
    void askingForProtectionKeysWhereMissingFailsWithReason() {
        if (ProtectionKeys.probe() instanceof Support.Unsupported u) {
            var e = assertThrows(UnsupportedOperationException.class,
                () -> ProtectionKeys.allocator(IsolationMode.PROTECTION_KEYS));
            assertTrue(e.getMessage().contains(u.reason()), e.getMessage());
        } else {
            assertEquals(IsolationMode.PROTECTION_KEYS,
                ProtectionKeys.allocator(IsolationMode.PROTECTION_KEYS).isolation().mode());
        }
    }
}
