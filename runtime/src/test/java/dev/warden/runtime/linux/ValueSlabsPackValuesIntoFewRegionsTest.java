package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.PageProtection;
import dev.warden.vm.Memory;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layout behind "one mprotect per region per scope": under the {@code MPROTECT} fallback,
 * values come from a 16 MiB slab until it is full (254 values of 64 bytes, each between 64 KiB
 * guards), then from a slab twice as large; a value larger than a slab gets one of its own size.
 * Values never overlap and keep at least {@link Memory#GUARD} bytes from each other and from
 * their slab's ends; fresh values are zero; and every slab is read-only outside scopes.
 */
class ValueSlabsPackValuesIntoFewRegionsTest {
    @Test
    void valuesFillOneSlabBeforeTheNextAndKeepTheirGuards() throws Exception {
        try (ValueSlots slots = new ValueSlots(IsolationMode.MPROTECT).retain()) {
            List<MemorySegment> values = new ArrayList<>();
            for (int i = 0; i < 254; i++) {
                values.add(slots.allocate(64, dev.warden.vm.Access.READ_WRITE, "v" + i));
            }
            assertEquals(1, slots.protectedRegions(), "254 small values share one region");
            values.add(slots.allocate(64, dev.warden.vm.Access.READ_WRITE, "v254"));
            assertEquals(2, slots.protectedRegions(), "the 255th opens the second slab");
            for (int i = 1; i < 254; i++) { // within the first slab: carved upwards, a guard apart
                long gap = values.get(i).address() - (values.get(i - 1).address() + values.get(i - 1).byteSize());
                assertTrue(gap >= Memory.GUARD, "value " + i + " is " + gap + " bytes after the previous one");
            }
            for (MemorySegment v : values) {
                assertEquals(0, v.address() % 16);
            }
            for (MemorySegment v : values) {
                assertEquals(0L, v.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0), "fresh values are zero");
                assertTrue(PageProtection.of(v.address()).startsWith("r-"), PageProtection.of(v.address()));
            }
            MemorySegment big = slots.allocate(40L << 20, dev.warden.vm.Access.READ_WRITE, "big");
            assertEquals(3, slots.protectedRegions(), "40 MiB does not fit the 32 MiB slab's rest: a slab of its own");
            assertEquals(40L << 20, big.byteSize());
            assertEquals(IsolationMode.MPROTECT, slots.isolation());
        }
    }

    @Test
    void withoutIsolationValuesTakeNoRegionOfTheKey() {
        try (ValueSlots slots = new ValueSlots(IsolationMode.NONE).retain()) {
            MemorySegment v = slots.allocate(8, dev.warden.vm.Access.READ_WRITE, "v");
            v.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 7);
            assertEquals(0, slots.protectedRegions());
            assertEquals(IsolationMode.NONE, slots.isolation());
        }
    }
}
