package dev.warden.vm;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Regions that several {@link Memory}s see at once: map values, ring buffers, contexts and host
 * state of an extension that runs on many threads, each run in a {@code Memory} of its own.
 *
 * <p>Thread-safe: regions may be added while programs run on other threads (a hash map's new
 * element). A region, once added, stays until the owner frees the registry's memories; that is
 * what lets each {@code Memory} cache the last shared region it used without synchronisation.
 * Lookup is a {@link ConcurrentSkipListMap#floorEntry} (logarithmic), made only when an access
 * misses the memory's own table and its cached shared region.
 */
public final class SharedRegions {
    private final ConcurrentSkipListMap<Long, Region> byBase = new ConcurrentSkipListMap<>();

    /**
     * Adds {@code segment} (native memory the caller keeps alive as long as any memory that sees
     * this registry runs). Overlap with a region of this registry is refused.
     */
    public Region add(MemorySegment segment, Access access, String name) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("region " + name + " must be native memory");
        }
        Region r = new Region(segment.address(), segment.byteSize(), access, name);
        synchronized (this) {
            Map.Entry<Long, Region> below = byBase.floorEntry(r.base());
            Map.Entry<Long, Region> above = byBase.ceilingEntry(r.base());
            if (below != null && below.getValue().end() > r.base() && below.getValue().size() > 0) {
                throw new IllegalArgumentException("region " + r + " overlaps " + below.getValue());
            }
            if (above != null && above.getKey() < r.end()) {
                throw new IllegalArgumentException("region " + r + " overlaps " + above.getValue());
            }
            byBase.put(r.base(), r);
        }
        return r;
    }

    /** The region holding {@code [address, address + length)}, or {@code null} (internal hot path; see {@link #regions}). */
    Region find(long address, int length) {
        Map.Entry<Long, Region> e = byBase.floorEntry(address);
        if (e == null) {
            return null;
        }
        Region r = e.getValue();
        long offset = address - r.base();
        return offset >= 0 && offset <= r.size() - length ? r : null;
    }

    /** The region nearest to {@code address} from below, for fault messages. */
    Region nearestBelow(long address) {
        Map.Entry<Long, Region> e = byBase.floorEntry(address);
        return e == null ? null : e.getValue();
    }

    /** Every region, by address. */
    public List<Region> regions() {
        return List.copyOf(byBase.values());
    }
}
