package dev.warden.runtime.linux;

import dev.warden.mpk.IsolationMode;
import dev.warden.vm.Access;
import dev.warden.vm.Memory;
import dev.warden.vm.SharedRegions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Native memory for map values (and ring buffers, contexts), each value its own region of
 * exactly the value size, so that an access one byte past a value faults even when the next
 * element would be there in the kernel. Values are allocated with {@link Memory#GUARD}
 * unaddressable bytes on each side, as the stack is, so no base-plus-offset access from one
 * value reaches another region.
 *
 * <p>The regions go into one {@link SharedRegions} registry that every {@link Memory} running
 * the object's programs sees ({@link #attach}): one memory per concurrent run, all addressing the
 * same maps. Thread-safe: a hash map inserts (and so allocates) while other threads run.
 *
 * <p><b>Protection.</b> With an isolation mode other than {@link IsolationMode#NONE}, values
 * (and ring buffers) lie in slabs tagged with the extension key ({@link ValueSlabs},
 * {@link ExtensionKey}, the key of the KFlex heap): writable inside runs, which open the key's
 * scope, and inside the host's map operations ({@link #protection()}), read-only elsewhere.
 * Private memory ({@link #allocatePrivate}: contexts, argument regions) is not under the key: the
 * host fills it before every run.
 */
final class ValueSlots implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    /** Where values come from under isolation; empty without (values then come from {@link #arena}). */
    private final Optional<ValueSlabs> slabs;
    private final MapProtection protection;
    private final SharedRegions regions = new SharedRegions();
    /** Versions of an object (hot reload) that use these slots; the memory is freed when none is left. */
    private final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();

    /** Values nobody protects, as before the extension key covered maps. */
    ValueSlots() {
        this(IsolationMode.NONE);
    }

    /**
     * Values isolated with {@code mode}: under the process's extension key for that mode.
     *
     * @throws IllegalArgumentException for a mode this machine cannot give (with the probe's reason)
     */
    ValueSlots(IsolationMode mode) {
        if (mode == IsolationMode.NONE) {
            this.slabs = Optional.empty();
            this.protection = MapProtection.NONE;
        } else {
            dev.warden.mpk.ProtectionKey key = ExtensionKey.of(mode);
            // The resting state outside runs: readable (Linux starts threads with no access to a key), not writable.
            key.setCurrentThreadReadOnly();
            this.slabs = Optional.of(new ValueSlabs(key));
            this.protection = MapProtection.under(key);
        }
    }

    /** How host code outside runs reads and writes the values. */
    MapProtection protection() {
        return protection;
    }

    /** How the values are protected outside runs. */
    IsolationMode isolation() {
        return protection.mode();
    }

    /** Regions of the extension key these values take (0 without isolation): what an {@code MPROTECT} scope toggles. */
    int protectedRegions() {
        return slabs.map(ValueSlabs::regions).orElse(0);
    }

    /** Memory freed with these slots (KFlex heaps), in the order given. */
    private final java.util.List<AutoCloseable> owned = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Frees {@code memory} with these slots, when the last version that uses them closes: memory
     * whose addresses are regions of {@link #regions} (which never drops a region) must live as long.
     */
    void own(AutoCloseable memory) {
        owned.add(memory);
    }

    /** Takes a reference: one more {@link #close} is needed before the memory is freed. */
    ValueSlots retain() {
        users.incrementAndGet();
        return this;
    }

    /** A zeroed value of {@code size} bytes (at least 1) that the program may access with {@code access}. */
    MemorySegment allocate(long size, Access access, String name) {
        long n = Math.max(size, 1);
        MemorySegment s = slabs.isPresent() ? slabs.get().allocate(n)
                : arena.allocate(n + 2 * Memory.GUARD, 16).asSlice(Memory.GUARD, n);
        regions.add(s, access, name);
        return s;
    }

    /**
     * Zeroed native memory of {@code size} bytes (at least 1) under the same protection as the
     * values, but no region of any program's memory: storage programs reach only through helpers
     * that copy (a queue's or stack's ring), so the host writes it inside {@link #protection()}'s
     * write scopes and runs inside theirs.
     */
    MemorySegment allocateUnaddressed(long size) {
        return slabs.isPresent() ? slabs.get().allocate(Math.max(size, 1)) : allocatePrivate(size);
    }

    /**
     * Guarded native memory that is not a shared region: the caller adds it to the memories that
     * may address it (a CPU's context, which only that CPU's programs use).
     */
    MemorySegment allocatePrivate(long size) {
        long n = Math.max(size, 1);
        return arena.allocate(n + 2 * Memory.GUARD, 16).asSlice(Memory.GUARD, n);
    }

    /** Makes every value, now and later, a region of {@code m}. */
    void attach(Memory m) {
        m.share(regions);
    }

    SharedRegions regions() {
        return regions;
    }

    /**
     * Host map operations in flight, counted on stripes 128 bytes apart chosen by thread, so that
     * threads operating at once do not pass one counter's cache line between cores (a single
     * shared count cut two threads' lookups to a third: 34.7 to 10.4 operations per microsecond).
     */
    private final java.util.concurrent.atomic.AtomicLongArray hostOperations = new java.util.concurrent.atomic.AtomicLongArray((STRIPES + 1) * STRIPE);
    private static final int STRIPES = 8;
    private static final int STRIPE = 16; // longs: 128 bytes, two cache lines, as the CPUs' busy flags

    /**
     * Starts a host map operation unless the values are freed (the last version closed): the
     * operation then holds them until {@link #endHostOperation}, and a close racing it frees them
     * after it. Returns the stripe to give to {@code endHostOperation}, or -1 when freed.
     */
    int beginHostOperation() {
        // Not stripe 0: the array's header line, which every access's bounds check reads.
        int stripe = (int) ((Thread.currentThread().threadId() & (STRIPES - 1)) + 1) * STRIPE;
        hostOperations.getAndIncrement(stripe);
        // Both sides are sequentially consistent: either this sees the last close's decrement, or
        // that close, counting afterwards, sees this operation and waits for it.
        if (users.get() <= 0) {
            hostOperations.getAndDecrement(stripe);
            return -1;
        }
        return stripe;
    }

    /** Ends the host map operation {@link #beginHostOperation} started on {@code stripe}. */
    void endHostOperation(int stripe) {
        hostOperations.getAndDecrement(stripe);
    }

    /** Waits for the host map operations in flight, once the last version has closed (they are short and never block). */
    private void awaitHostOperations() {
        for (int i = STRIPE; i <= STRIPES * STRIPE; i += STRIPE) {
            while (hostOperations.get(i) != 0) {
                Thread.onSpinWait();
            }
        }
    }

    /** Gives back a reference ({@link #retain}); the last one frees every value. */
    @Override
    public void close() {
        if (users.decrementAndGet() == 0) {
            awaitHostOperations();
            for (AutoCloseable m : owned) {
                try {
                    m.close();
                } catch (Exception e) {
                    throw new IllegalStateException("freeing " + m, e);
                }
            }
            slabs.ifPresent(ValueSlabs::close);
            arena.close();
        }
    }
}
