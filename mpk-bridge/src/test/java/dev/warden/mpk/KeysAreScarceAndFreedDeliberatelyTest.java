package dev.warden.mpk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeysAreScarceAndFreedDeliberatelyTest {

    private final KeyAllocator allocator = ProtectionKeys.allocator(IsolationMode.NONE);

    @Test
    void sixteenthKeyIsRefusedWithAdviceAndAFreedKeyIsReused() throws Exception {
        int before = KeyAllocator.keysInUse();
        List<ProtectionKey> keys = new ArrayList<>();
        try {
            while (KeyAllocator.keysInUse() < KeyAllocator.MAX_KEYS) {
                keys.add(allocator.allocate());
            }
            Set<Integer> ids = new HashSet<>();
            keys.forEach(k -> ids.add(k.id()));
            assertEquals(keys.size(), ids.size(), "key numbers must be distinct");
            assertTrue(ids.stream().allMatch(id -> id >= 1 && id <= KeyAllocator.MAX_KEYS), ids.toString());

            MpkException e = assertThrows(MpkException.class, allocator::allocate);
            assertTrue(e.getMessage().startsWith("no protection key left"), e.getMessage());
            assertTrue(e.getMessage().contains("share()"), e.getMessage());

            ProtectionKey freed = keys.removeLast();
            freed.close();
            ProtectionKey again = allocator.allocate();
            keys.add(again);
            assertEquals(freed.id(), again.id());
        } finally {
            keys.forEach(ProtectionKey::close);
        }
        assertEquals(before, KeyAllocator.keysInUse());
    }

    @Test
    void allModesShareOneLimit() throws Exception {
        KeyAllocator mprotect = ProtectionKeys.allocator(IsolationMode.MPROTECT);
        List<ProtectionKey> keys = new ArrayList<>();
        try {
            while (KeyAllocator.keysInUse() < KeyAllocator.MAX_KEYS) {
                keys.add((keys.size() % 2 == 0 ? allocator : mprotect).allocate());
            }
            assertThrows(MpkException.class, mprotect::allocate);
            assertThrows(MpkException.class, allocator::allocate);
        } finally {
            keys.forEach(ProtectionKey::close);
        }
    }

    @Test
    void keyLivesWhileAnyHandleOrRegionHoldsIt() throws Exception {
        int before = KeyAllocator.keysInUse();
        ProtectionKey key = allocator.allocate();
        ProtectionKey shared = key.share();
        ProtectedRegion region = ProtectedRegion.map(key, 100);
        assertEquals(3, key.holders());
        key.close();
        key.close();  // a second close of the same handle does nothing
        assertEquals(2, shared.holders());
        shared.close();
        assertEquals(before + 1, KeyAllocator.keysInUse(), "the region still holds the key");
        region.close();
        assertEquals(before, KeyAllocator.keysInUse());
    }

    @Test
    void closedHandleCannotBeUsed() throws Exception {
        ProtectionKey key = allocator.allocate();
        key.close();
        var e = assertThrows(IllegalStateException.class, key::openWrite);
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, key::share);
        assertThrows(IllegalStateException.class, () -> ProtectedRegion.map(key, 10));
    }
}
