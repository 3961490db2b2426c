package dev.warden.runtime.linux;

import dev.warden.vm.Access;
import dev.warden.vm.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Native memory for map values, each value its own region of exactly the value size, so that an
 * access one byte past a value faults even when the next element would be there in the kernel.
 * Values are allocated with {@link Memory#GUARD} unaddressable bytes on each side, as the stack
 * is, so no base-plus-offset access from one value reaches another region.
 *
 * <p>Values may be allocated before the program's {@link Memory} exists (global data, whose
 * addresses are patched into the program before it is loaded); they become regions when the
 * memory is attached, and later ones at once.
 */
final class ValueSlots implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final List<Pending> pending = new ArrayList<>();
    private Memory memory;

    private record Pending(MemorySegment segment, Access access, String name) {}

    /** A zeroed value of {@code size} bytes (at least 1) that the program may access with {@code access}. */
    MemorySegment allocate(long size, Access access, String name) {
        long n = Math.max(size, 1);
        MemorySegment s = arena.allocate(n + 2 * Memory.GUARD, 16).asSlice(Memory.GUARD, n);
        if (memory != null) {
            memory.addRegion(s, access, name);
        } else {
            pending.add(new Pending(s, access, name));
        }
        return s;
    }

    /** Makes every value, now and later, a region of {@code m}. Once only. */
    void attach(Memory m) {
        if (memory != null) {
            throw new IllegalStateException("map values are already attached to a program's memory");
        }
        memory = m;
        for (Pending p : pending) {
            m.addRegion(p.segment, p.access, p.name);
        }
        pending.clear();
    }

    @Override
    public void close() {
        arena.close();
    }
}
