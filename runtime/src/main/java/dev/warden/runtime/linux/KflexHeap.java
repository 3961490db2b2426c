package dev.warden.runtime.linux;

import dev.warden.verifier.platform.KflexHelpers;
import dev.warden.vm.Access;
import dev.warden.vm.HeapSandbox;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.SharedRegions;
import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.MpkException;
import dev.warden.mpk.ProtectedRegion;
import dev.warden.mpk.ProtectionKey;
import dev.warden.mpk.WriteScope;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An extension's own heap (KFlex): native memory of a power-of-two size, aligned to its size, so
 * that the runtime's guard ({@link HeapSandbox}: one mask, one add) confines any address to it, and
 * the allocator behind {@code kflex_alloc}/{@code kflex_free} ({@link KflexHelpers}).
 *
 * <p><b>The allocator</b> keeps its bookkeeping outside the heap (in Java), so an extension that
 * scribbles over its heap can corrupt its own data but never the allocator: every object it hands
 * out lies inside the heap, and a free of anything but a live object is refused (-EINVAL) and
 * changes nothing. Objects are rounded up to 16 bytes (aligned for 8-byte atomics), zeroed when
 * handed out, carved from the heap's start upwards and reused by exact rounded size once freed.
 * The first {@link #RESERVED} bytes are never handed out: the first 64 so that a NULL pointer the
 * guard confines lands on bytes no object uses, the next 64 are the root object ({@code kflex_root},
 * at {@link #ROOT_OFFSET}), where an extension keeps the roots of its data structures. Thread-safe (one lock): every CPU of an extension shares the heap,
 * and the heap outlives runs, so data structures persist from one invocation to the next.
 */
public final class KflexHeap implements AutoCloseable {
    /** Bytes at the heap's start that no object gets (where a confined NULL lands). */
    public static final long RESERVED = 128;
    /** Where the root object ({@code kflex_root}) lies in the heap. */
    public static final long ROOT_OFFSET = 64;
    static final long ALIGN = 16;
    /** -EINVAL. */
    static final long EINVAL = -22;

    private final ProtectedRegion mapping;
    private final ProtectionKey key;
    private final MemorySegment heap;
    private final long size;
    private long top = RESERVED;
    private final Map<Long, Long> live = new HashMap<>();
    private final TreeMap<Long, ArrayDeque<Long>> free = new TreeMap<>();

    private KflexHeap(long size, ProtectionKey key) {
        this.size = size;
        this.key = key;
        // Aligned to its size (the guard needs it), with at least Memory.GUARD unaddressable bytes on
        // each side as every region has, and HeapSandbox.SLACK bytes after it inside its region. The
        // mapping is only page-aligned: twice the alignment leaves room to align inside it.
        long align = Math.max(size, Memory.GUARD);
        try {
            this.mapping = ProtectedRegion.map(key, 2 * align + size + HeapSandbox.SLACK + Memory.GUARD);
        } catch (MpkException e) {
            throw new IllegalArgumentException("cannot map a heap of " + size + " bytes: " + e.getMessage(), e);
        }
        long start = mapping.address();
        long base = (start + Memory.GUARD + align - 1) & -align;
        this.heap = mapping.segment().asSlice(base - start, size + HeapSandbox.SLACK);
    }

    /**
     * A zeroed heap of {@code bytes} (a power of two from 64 bytes to 1 GiB), under the process's
     * protection key where the CPU has them and unprotected elsewhere.
     *
     * @throws IllegalArgumentException for another size
     */
    public static KflexHeap allocate(long bytes) {
        return allocate(bytes, ExtensionKey.defaultMode());
    }

    /**
     * A zeroed heap of {@code bytes}, isolated with {@code mode}: its pages are tagged with the
     * process's key for extension memory and writable only inside {@link #openWrite} (every run of
     * the extension, and the allocator); {@link IsolationMode#NONE} maps it the same way and
     * protects nothing.
     *
     * @throws IllegalArgumentException for another size, or a mode this machine cannot give
     */
    public static KflexHeap allocate(long bytes, IsolationMode mode) {
        if (bytes < 2 * RESERVED || bytes > (1L << 30) || Long.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("a heap must be a power of two from " + 2 * RESERVED + " bytes to 1 GiB, not " + bytes);
        }
        KflexHeap h = new KflexHeap(bytes, ExtensionKey.of(mode));
        // The resting state outside runs: readable (Linux starts threads with no access to a key), not writable.
        h.key.setCurrentThreadReadOnly();
        return h;
    }

    /** How the heap is protected outside runs. */
    public IsolationMode isolation() {
        return key.mode();
    }

    /**
     * Makes the heap writable for the current thread until the scope is closed (on this thread):
     * the runtime opens it around each run of the extension. Under protection keys only this
     * thread may write; under {@code MPROTECT} every thread may while any scope is open.
     */
    public WriteScope openWrite() {
        return key.openWrite();
    }

    /** The key the heap's pages carry (the process's extension key for its mode). */
    ProtectionKey key() {
        return key;
    }

    /** The heap's first byte. */
    public long base() {
        return heap.address();
    }

    /** The heap's size in bytes. */
    public long size() {
        return size;
    }

    /** The guard for a program whose heap accesses are {@code pcs}. */
    public HeapSandbox sandbox(BitSet pcs) {
        return new HeapSandbox(base(), size, pcs);
    }

    /** Makes the heap (and its slack) a read-write region of every memory that sees {@code regions}. */
    void attach(SharedRegions regions) {
        regions.add(heap, Access.READ_WRITE, "kflex heap");
    }

    /** {@code kflex_alloc} and {@code kflex_free} at their ids. */
    public Helpers helpers() {
        return Helpers.none()
                .with(KflexHelpers.ALLOC, "kflex_alloc", (m, pc, r1, r2, r3, r4, r5) -> alloc(r1))
                .with(KflexHelpers.FREE, "kflex_free", (m, pc, r1, r2, r3, r4, r5) -> free(r1))
                .with(KflexHelpers.ROOT, "kflex_root", (m, pc, r1, r2, r3, r4, r5) -> base() + ROOT_OFFSET);
    }

    /** A zeroed object of {@code bytes} bytes, its address, or 0 when it does not fit. */
    public synchronized long alloc(long bytes) {
        if (bytes <= 0 || bytes > size) {
            return 0;
        }
        long rounded = (bytes + ALIGN - 1) & -ALIGN;
        ArrayDeque<Long> reuse = free.get(rounded);
        long offset;
        if (reuse != null && !reuse.isEmpty()) {
            offset = reuse.pop();
        } else if (top + rounded <= size) {
            offset = top;
            top += rounded;
        } else {
            return 0;
        }
        try (WriteScope w = openWrite()) { // also called by the host, outside runs
            heap.asSlice(offset, rounded).fill((byte) 0);
        }
        live.put(offset, rounded);
        return base() + offset;
    }

    /** Gives back the object at {@code address}: 0, or -EINVAL when no live object starts there. */
    public synchronized long free(long address) {
        long offset = address - base();
        Long rounded = live.remove(offset);
        if (rounded == null) {
            return EINVAL;
        }
        free.computeIfAbsent(rounded, r -> new ArrayDeque<>()).push(offset);
        return 0;
    }

    /** Objects handed out and not given back. */
    public synchronized int liveObjects() {
        return live.size();
    }

    /**
     * A copy of the heap's bytes (for tests and inspection), read inside a write scope: under
     * protection keys a thread starts with no rights to the key, and the scope restores whatever
     * rights the thread had (also inside a run, where a host function may call this).
     */
    public byte[] bytes() {
        try (WriteScope w = openWrite()) {
            return heap.asSlice(0, size).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /** Frees the heap (unmaps it); the programs that address it must not run any more. */
    @Override
    public void close() {
        mapping.close();
    }
}
