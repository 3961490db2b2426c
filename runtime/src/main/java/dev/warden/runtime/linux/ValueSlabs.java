package dev.warden.runtime.linux;

import dev.warden.mpk.MpkException;
import dev.warden.mpk.ProtectedRegion;
import dev.warden.mpk.ProtectionKey;
import dev.warden.vm.Memory;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Map values carved from a few large {@link ProtectedRegion}s of one protection key, rather than
 * one region per value: under the {@code MPROTECT} fallback every write scope costs one
 * {@code mprotect} per region of the key on entry and one on exit, so the number of regions, not
 * the number of values, sets the price of every run. Slabs double in size (16 MiB, 32 MiB, ... up
 * to 1 GiB; a value larger than that gets a slab of its own), so {@code n} bytes of values and
 * guards take about {@code log2(n / 16 MiB) + 1} regions: one for an object whose values and
 * their guards fit in 16 MiB (254 values of up to 64 bytes). Only pages a value touches take
 * memory; the rest is address space, which is also all an {@code mprotect} of an untouched range
 * costs.
 *
 * <p>Each value keeps {@link Memory#GUARD} unaddressable bytes on each side, as values from an
 * arena do: the guard between two neighbours serves both, and a slab starts and ends with one, so
 * no base-plus-offset access from a value reaches another value or another mapping. Guard bytes
 * are never touched, so they cost address space, not memory. Slabs are mapped zeroed and values
 * are never given back (a map reuses its own), so a new value is zero without a write, which
 * lets allocation happen outside a write scope. Thread-safe (one lock).
 */
final class ValueSlabs implements AutoCloseable {
    static final long FIRST_SLAB = 16L << 20;
    static final long LARGEST_SLAB = 1L << 30;
    private static final long ALIGN = 16;

    private final ProtectionKey key;
    private final List<ProtectedRegion> slabs = new ArrayList<>();
    private MemorySegment current = MemorySegment.NULL;
    /** Offset in {@link #current} of the end of the last value carved from it. */
    private long used;
    private long nextSize = FIRST_SLAB;

    ValueSlabs(ProtectionKey key) {
        this.key = key;
    }

    /** A zeroed value of {@code n} bytes (at least 1) with guards on both sides, 16-byte aligned. */
    synchronized MemorySegment allocate(long n) {
        long start = (used + Memory.GUARD + ALIGN - 1) & -ALIGN;
        if (current.byteSize() == 0 || start + n + Memory.GUARD > current.byteSize()) {
            newSlab(n);
            start = Memory.GUARD;
        }
        used = start + n;
        return current.asSlice(start, n);
    }

    private void newSlab(long n) {
        long needed = n + 2 * Memory.GUARD;
        long size = Math.max(nextSize, needed);
        try {
            ProtectedRegion r = ProtectedRegion.map(key, size);
            slabs.add(r);
            current = r.segment();
        } catch (MpkException e) {
            throw new IllegalStateException("cannot map " + size + " bytes for map values: " + e.getMessage(), e);
        }
        nextSize = Math.min(nextSize * 2, LARGEST_SLAB);
    }

    /** The regions mapped so far (what an {@code MPROTECT} scope toggles). */
    synchronized int regions() {
        return slabs.size();
    }

    /** Unmaps every slab; the values must not be used any more. */
    @Override
    public synchronized void close() {
        for (ProtectedRegion r : slabs) {
            r.close();
        }
        slabs.clear();
        current = MemorySegment.NULL;
    }
}
