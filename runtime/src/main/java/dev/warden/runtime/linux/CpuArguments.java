package dev.warden.runtime.linux;

import java.lang.foreign.MemorySegment;

/**
 * One CPU's memory for an entry's argument regions ({@link ArgumentRegion}), for the programs of
 * one type: where the host copies the arguments in before a run and reads them back after it.
 * Made once per CPU, so that an invocation reaches its regions without allocating and through one
 * final class (no lambda per call, no interface call the JIT must guess).
 */
public final class CpuArguments {
    private final MemorySegment[] regions;
    private final Limit limit;

    /** Limits region {@code k} to its first {@code bytes} bytes for the coming run (a slice sized at run time). */
    @FunctionalInterface
    interface Limit {
        void limit(int k, long bytes);
    }

    CpuArguments(MemorySegment[] regions, Limit limit) {
        this.regions = regions.clone();
        this.limit = limit;
    }

    /**
     * Plain memory for each region, with no CPU behind it (to check arguments without running):
     * limiting a region's addressable bytes is refused.
     */
    public static CpuArguments of(MemorySegment... regions) {
        return new CpuArguments(regions, (k, bytes) -> {
            throw new IllegalStateException("argument region " + k + " is a buffer sliced at run time: its region must be limited to the run's "
                    + bytes + " bytes");
        });
    }

    /** The memory of region {@code k}: exactly the region's size. */
    public MemorySegment region(int k) {
        return regions[k];
    }

    /** Makes only the first {@code bytes} bytes of region {@code k} addressable until the next call (at most its size). */
    public void limit(int k, long bytes) {
        limit.limit(k, bytes);
    }
}
