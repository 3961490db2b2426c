package dev.warden.mpk;

import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MPROTECT fallback, checked through /proc/self/maps (a fault here would kill the test JVM). */
class MprotectScopeTogglesPageProtectionTest {

    private final KeyAllocator allocator = ProtectionKeys.allocator(IsolationMode.MPROTECT);

    @Test
    void regionIsReadOnlyOutsideAndWritableInsideAScope() throws Exception {
        try (ProtectionKey key = allocator.allocate(); ProtectedRegion r = ProtectedRegion.map(key, 8192)) {
            assertEquals("r--p", ProcMaps.permissions(r.address()));
            try (WriteScope _ = key.openWrite()) {
                assertEquals("rw-p", ProcMaps.permissions(r.address()));
                r.segment().set(ValueLayout.JAVA_LONG, 8184, 7L);
            }
            assertEquals("r--p", ProcMaps.permissions(r.address()));
            assertEquals(7L, r.segment().get(ValueLayout.JAVA_LONG, 8184));
        }
    }

    @Test
    void exceptionInsideScopeStillRestoresProtection() throws Exception {
        try (ProtectionKey key = allocator.allocate(); ProtectedRegion r = ProtectedRegion.map(key, 1)) {
            assertThrows(ArithmeticException.class, () -> {
                try (WriteScope _ = key.openWrite()) {
                    r.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                    throw new ArithmeticException("extension failed");
                }
            });
            assertEquals("r--p", ProcMaps.permissions(r.address()));
        }
    }

    @Test
    void allRegionsOfAKeyToggleTogetherAndNewOnesFollowTheKey() throws Exception {
        try (ProtectionKey key = allocator.allocate();
             ProtectedRegion a = ProtectedRegion.map(key, 10);
             ProtectionKey other = allocator.allocate();
             ProtectedRegion unrelated = ProtectedRegion.map(other, 10)) {
            try (WriteScope _ = key.openWrite()) {
                try (ProtectedRegion b = ProtectedRegion.map(key, 10)) {
                    assertEquals("rw-p", ProcMaps.permissions(a.address()));
                    assertEquals("rw-p", ProcMaps.permissions(b.address()), "mapped inside a scope: writable");
                    assertEquals("r--p", ProcMaps.permissions(unrelated.address()), "another key stays protected");
                }
            }
            assertEquals("r--p", ProcMaps.permissions(a.address()));
        }
    }

    @Test
    void nestedAndConcurrentScopesProtectOnlyWhenTheLastOneCloses() throws Exception {
        try (ProtectionKey key = allocator.allocate(); ProtectedRegion r = ProtectedRegion.map(key, 10)) {
            CountDownLatch otherInside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try (WriteScope _ = key.openWrite()) {
                    otherInside.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            otherInside.await();
            try (WriteScope _ = key.openWrite()) {
                try (WriteScope _ = key.openWrite()) {
                    assertEquals("rw-p", ProcMaps.permissions(r.address()));
                }
                assertEquals("rw-p", ProcMaps.permissions(r.address()), "outer scope still open");
            }
            assertEquals("rw-p", ProcMaps.permissions(r.address()), "the other thread's scope is still open");
            release.countDown();
            other.get();
            assertEquals("r--p", ProcMaps.permissions(r.address()));
        }
    }

    @Test
    void scopeMustBeClosedOnItsOwnThread() throws Exception {
        try (ProtectionKey key = allocator.allocate(); ProtectedRegion r = ProtectedRegion.map(key, 10)) {
            WriteScope scope = key.openWrite();
            IllegalStateException e = CompletableFuture.supplyAsync(() -> {
                try {
                    scope.close();
                    return null;
                } catch (IllegalStateException ex) {
                    return ex;
                }
            }).get();
            assertTrue(e.getMessage().contains("must be closed there"), e.getMessage());
            assertEquals("rw-p", ProcMaps.permissions(r.address()), "a refused close changes nothing");
            scope.close();
            scope.close();
            assertEquals("r--p", ProcMaps.permissions(r.address()));
        }
    }
}
