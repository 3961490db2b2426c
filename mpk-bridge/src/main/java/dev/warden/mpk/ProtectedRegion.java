package dev.warden.mpk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Page-aligned anonymous native memory tagged with a {@link ProtectionKey}: readable always,
 * writable only inside a {@link WriteScope} of its key (unless the key's mode is
 * {@link IsolationMode#NONE}). Starts zeroed.
 *
 * <p>The mapping never moves or grows: a remapped page would lose its key, so this class never
 * calls mremap or maps anew behind the caller's back. Closing the region unmaps it; its segment
 * becomes inaccessible (an exception, not a crash) and the region's hold on the key is released.
 */
public final class ProtectedRegion implements AutoCloseable {
    private final ProtectionKey key;
    private final long address;
    private final long mappedBytes;
    private final Arena arena;
    private final MemorySegment segment;

    private ProtectedRegion(ProtectionKey key, long address, long bytes, long mappedBytes) {
        this.key = key;
        this.address = address;
        this.mappedBytes = mappedBytes;
        this.arena = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(address)
            .reinterpret(bytes, arena, s -> Libc.munmap(address, mappedBytes));
    }

    /**
     * Maps {@code bytes} (rounded up to whole pages) of zeroed memory tagged with {@code key}.
     * The region holds its own share of the key (not exposed: closing it early would free a key
     * whose pages are still tagged); close the region and your key handle when done.
     *
     * @throws MpkException if mmap or pkey_mprotect fails (with errno)
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public static ProtectedRegion map(ProtectionKey key, long bytes) throws MpkException {
        if (bytes <= 0) {
            throw new IllegalArgumentException("region size must be positive, got " + bytes);
        }
        long page = Libc.PAGE_SIZE;
        long mapped = Math.multiplyExact(Math.ceilDiv(bytes, page), page);
        ProtectionKey share = key.share();
        KeySlot slot = share.slot();
        long address = Libc.mmapAnonymous(mapped, Libc.PROT_READ | Libc.PROT_WRITE);
        if (address == -1L) {
            Errno e = Libc.lastErrno();
            share.close();
            throw new MpkException("cannot map " + mapped + " bytes: mmap failed with " + e, Optional.of(e));
        }
        ProtectedRegion region = new ProtectedRegion(share, address, bytes, mapped);
        int rc = switch (slot.mode()) {
            // Page protection stays read+write: the key's per-thread rights do the restricting.
            case PROTECTION_KEYS -> Libc.pkeyMprotect(address, mapped, Libc.PROT_READ | Libc.PROT_WRITE, slot.id());
            case MPROTECT -> slot.register(region);
            case NONE -> 0;
        };
        if (rc != 0) {
            Errno e = Libc.lastErrno();
            region.close();
            throw new MpkException("cannot tag " + mapped + " bytes at 0x" + Long.toHexString(address)
                + " with key " + slot.id() + ": " + (slot.mode() == IsolationMode.MPROTECT ? "mprotect" : "pkey_mprotect")
                + " failed with " + e, Optional.of(e));
        }
        return region;
    }

    /** The usable memory: exactly the requested size, page-aligned; invalid once closed. */
    public MemorySegment segment() {
        return segment;
    }

    /** The number of the key this region is tagged with. */
    public int keyId() {
        return key.id();
    }

    /** How this region is protected (its key's mode). */
    public IsolationMode mode() {
        return key.mode();
    }

    /** The start address (page-aligned). */
    public long address() {
        return address;
    }

    /** The mapped size: the requested size rounded up to whole pages. */
    public long mappedBytes() {
        return mappedBytes;
    }

    /** Unmaps the memory and releases the key; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (!arena.scope().isAlive()) {
            return;
        }
        if (key.mode() == IsolationMode.MPROTECT) {
            key.slot().unregister(this);
        }
        arena.close();  // runs munmap
        key.close();
    }

    @Override
    public String toString() {
        return "ProtectedRegion[0x" + Long.toHexString(address) + ", " + segment.byteSize() + " bytes, key "
            + key.id() + "]";
    }
}
