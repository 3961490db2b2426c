package dev.warden.vm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory a program addresses: native memory, real addresses, and a small table of
 * {@link Region}s that every access is checked against. One {@code Memory} belongs to one loaded
 * program and is used by one thread at a time; it owns an {@link Arena} that holds the stack and
 * the input copy, freed deterministically by {@link #close()}.
 *
 * <p><b>The stack.</b> Up to {@link #MAX_FRAMES} frames of {@link #STACK_SIZE} bytes; each active
 * frame is a region of its own ("stack frame 0", ...), so an access may not run from one frame
 * into the next, and a returned frame's memory is no longer addressable. r10 is the top (one past
 * the last byte) of the current frame.
 *
 * <p><b>The hot path.</b> {@link #load64} and friends resolve the address against the table: the
 * region that satisfied the previous access is tried first, then all of them (there are few).
 * Loads and stores then go through one segment that spans the whole address space, so a checked
 * access is a couple of compares plus a plain memory access once HotSpot has inlined it. Compiled
 * code calls these same methods, so both engines agree on every outcome.
 *
 * <p>eBPF memory is little-endian; Warden runs only on little-endian hosts (checked when this
 * class loads), so multi-byte accesses are native-order and atomics can use the native
 * {@link VarHandle}s.
 */
public final class Memory implements AutoCloseable {
    /** Bytes of stack per frame (RFC 9669 leaves it to the platform; the kernel's is 512). */
    public static final int STACK_SIZE = 512;
    /** Most frames at once: the outermost plus seven nested local calls, as in the kernel. */
    public static final int MAX_FRAMES = 8;

    /** All of the address space, so that a checked address can be read directly. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;
    // Aligned layouts: their var handles perform real atomic read-modify-write on native memory.
    private static final VarHandle ATOMIC64 = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle ATOMIC32 = ValueLayout.JAVA_INT.varHandle();

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("Warden's eBPF memory model needs a little-endian host");
        }
    }

    /** Index of the input region in the table; frames are 0..MAX_FRAMES-1. */
    private static final int INPUT = MAX_FRAMES;
    /**
     * The slot that caches the last region found in {@link #shared}: a copy of a region that is
     * never removed while this memory runs, so the cache needs no synchronisation.
     */
    private static final int SHARED_CACHE = INPUT + 1;
    private static final int FIRST_EXTRA = SHARED_CACHE + 1;

    /**
     * Unaddressable bytes on each side of the stack and of the input copy. Separate allocations
     * may sit next to each other (malloc places them so), and then an address computed from one
     * region with a 16-bit offset could land in another: a wild access would succeed or fault
     * depending on the allocator. With 64 KiB on each side, no base-plus-offset access can reach
     * a neighbour, so every engine sees the same fault.
     */
    public static final long GUARD = 1 << 16;

    /**
     * What a 64-bit load of a function's address ({@code lddw rX, func[pc+N]}, a callback for
     * {@code bpf_loop}) gives: this base plus the function's pc. 2^47 lies above every user-space
     * address of x86-64 and AArch64, so no region ever holds it and dereferencing it faults.
     */
    public static final long FUNCTION_BASE = 1L << 47;

    private final Arena arena;
    private boolean closed;
    private final MemorySegment stack;
    private MemorySegment inputBuffer;

    // The region table, structure of arrays for the hot path. An inactive slot has size 0,
    // which no access (of at least one byte) can satisfy.
    private long[] base = new long[FIRST_EXTRA + 4];
    private long[] size = new long[FIRST_EXTRA + 4];
    private boolean[] writable = new boolean[FIRST_EXTRA + 4];
    private String[] names = new String[FIRST_EXTRA + 4];
    /** The size each added region was added with: {@link #resizeRegion} never goes beyond it. */
    private long[] added = new long[FIRST_EXTRA + 4];
    private int count = FIRST_EXTRA;
    private int last;
    private int depth;
    private InputKind inputKind = InputKind.PLAIN;
    private StackInit stackInit = StackInit.ZEROED;
    /** Regions other memories see too (an extension's maps); consulted when the own table misses. */
    private SharedRegions shared;
    /** Cancellation points between two readings of the clock (a reading costs about 20 ns). */
    public static final int POLL_INTERVAL = 1024;
    private int pollsLeft = POLL_INTERVAL;
    /** Per run, in nanoseconds; 0 for none. */
    private long timeBudget;
    private boolean hasDeadline;
    private long deadline;
    /** Set by another thread to stop the run in progress at its next reading of the clock. */
    private volatile boolean cancelRequested;
    /** The depth of the running program's outermost function: 1, or more in a run that took a subprogram's place. */
    private int outermost = 1;
    /** How a helper reads and sets the run's instruction budget left (the engine's); see {@link #budgetLeft}. */
    private java.util.function.LongSupplier budgetRead = () -> Long.MAX_VALUE;
    private java.util.function.LongConsumer budgetWrite = left -> { };
    /** How helpers call back into the program; set by the engine that runs it. */
    private FunctionCaller functions = (target, r1, r2, r3, r4, r5, pc) -> {
        throw new VmFault(pc, FaultKind.BAD_CALLX, "this engine runs no callbacks");
    };

    public Memory() {
        this.arena = Arena.ofShared();
        this.stack = guarded((long) STACK_SIZE * MAX_FRAMES);
        this.inputBuffer = guarded(64);
        for (int k = 0; k < MAX_FRAMES; k++) {
            base[k] = frameBase(k);
            names[k] = "stack frame " + k;
            writable[k] = true;
        }
        base[INPUT] = inputBuffer.address();
        names[INPUT] = "input";
        writable[INPUT] = true;
        names[SHARED_CACHE] = "";
    }

    /** Installs the engine's way of calling the program's functions (engines call this once, at load). */
    public void setFunctionCaller(FunctionCaller caller) {
        this.functions = caller;
    }

    /**
     * Calls the program function whose address ({@link #FUNCTION_BASE} + pc) is {@code function},
     * for a helper at {@code pc}; faults with {@link FaultKind#BAD_CALLX} when {@code function} is
     * no function address the program loaded.
     */
    public long callFunction(long function, long r1, long r2, long r3, long r4, long r5, int pc) {
        long target = function - FUNCTION_BASE;
        if (target < 0 || target > Integer.MAX_VALUE) {
            throw new VmFault(pc, FaultKind.BAD_CALLX, "0x" + Long.toHexString(function) + " is no function address");
        }
        // A call is a cancellation point: a callback loop (bpf_loop) may have no back edge.
        cancellationPoint(pc);
        return functions.call((int) target, r1, r2, r3, r4, r5, pc);
    }

    // ---------------------------------------------------------------- the budget across a helper call

    /**
     * Installs the engine's view of the run's instruction budget (engines call this once, at load):
     * what is left when a {@link BudgetedHelper} is called, and how to set what is left when it returns.
     */
    public void setBudgetChannel(java.util.function.LongSupplier read, java.util.function.LongConsumer write) {
        this.budgetRead = read;
        this.budgetWrite = write;
    }

    /** Instructions the running program has left, as its engine published them before calling a {@link BudgetedHelper}. */
    public long budgetLeft() {
        return budgetRead.getAsLong();
    }

    /** Sets what the running program has left when the {@link BudgetedHelper} it called returns. */
    public void setBudgetLeft(long left) {
        budgetWrite.accept(left);
    }

    // ---------------------------------------------------------------- cancellation (KFlex)

    /**
     * Gives every later run a time budget of {@code nanos} nanoseconds (0: none), checked at the
     * cancellation points of programs loaded with {@link Cancellation#POLLED}. The clock is read
     * every {@link #POLL_INTERVAL} points, so a run stops within that many loop iterations or calls
     * past its deadline.
     */
    public void setTimeBudget(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time budget " + nanos + " is negative");
        }
        timeBudget = nanos;
    }

    /** The time budget of each run, in nanoseconds (0: none). */
    public long timeBudget() {
        return timeBudget;
    }

    /**
     * Asks the run in progress (on another thread) to stop at its next reading of the clock, with
     * {@link FaultKind#CANCELLED}. A run that starts later clears the request.
     */
    public void cancel() {
        cancelRequested = true;
    }

    /**
     * A cancellation point at {@code pc} (a back edge or a call): counts down, and every
     * {@link #POLL_INTERVAL} points reads the clock and the host's request; faults with
     * {@link FaultKind#CANCELLED} when the time budget ran out or the host cancelled the run.
     */
    public void cancellationPoint(int pc) {
        if (--pollsLeft < 0) {
            pollClock(pc);
        }
    }

    /**
     * Reads the clock and the host's request now, faulting with {@link FaultKind#CANCELLED} at
     * {@code pc} when the run is over its time or was cancelled; compiled code calls this when a
     * slice of its instruction budget runs out at a cancellation point (the JIT's budget checks).
     */
    public void pollClock(int pc) {
        pollsLeft = POLL_INTERVAL;
        if (cancelRequested) {
            throw new VmFault(pc, FaultKind.CANCELLED, "the host cancelled the run");
        }
        if (hasDeadline && System.nanoTime() - deadline > 0) {
            throw new VmFault(pc, FaultKind.CANCELLED, "the time budget of " + timeBudget + " ns ran out");
        }
    }

    /**
     * Makes every region of {@code regions}, now and later, addressable from this memory too
     * (after the memory's own regions). Once only, before the first run.
     */
    public void share(SharedRegions regions) {
        ensureOpen();
        if (shared != null) {
            throw new IllegalStateException("this memory already sees a registry of shared regions");
        }
        shared = regions;
    }

    /** {@code size} bytes with {@link #GUARD} bytes of unaddressable memory on each side. */
    private MemorySegment guarded(long size) {
        return arena.allocate(size + 2 * GUARD, 16).asSlice(GUARD, size);
    }

    // Frame 0 is at the top of the stack block, deeper frames below it.
    private long frameBase(int k) {
        return stack.address() + (long) (MAX_FRAMES - 1 - k) * STACK_SIZE;
    }

    // ---------------------------------------------------------------- run set-up

    /**
     * Starts a run: no frame but the outermost, which becomes active, and returns r10, the top
     * of frame 0. With {@link StackInit#ZEROED} each frame is zeroed when it becomes active (frame
     * 0 now, the others at each local call), so a run sees the same stack however many ran before.
     */
    public long startRun(StackInit init) {
        ensureOpen();
        for (int k = 1; k < MAX_FRAMES; k++) {
            size[k] = 0;
        }
        size[0] = STACK_SIZE;
        depth = 1;
        outermost = 1;
        last = 0;
        stackInit = init;
        cancelRequested = false;
        pollsLeft = POLL_INTERVAL;
        hasDeadline = timeBudget > 0;
        if (hasDeadline) {
            deadline = System.nanoTime() + timeBudget;
        }
        if (init == StackInit.ZEROED) {
            clearFrame(0);
        }
        return frameBase(0) + STACK_SIZE;
    }

    private void clearFrame(int k) {
        stack.asSlice((long) (MAX_FRAMES - 1 - k) * STACK_SIZE, STACK_SIZE).fill((byte) 0);
    }

    /**
     * Makes a copy of {@code bytes} the input region (read-write) and returns its address. The
     * copy lives in this memory's arena and is reused by later runs.
     */
    public long setInput(byte[] bytes, InputKind kind) {
        ensureOpen();
        if (inputBuffer.byteSize() < bytes.length) {
            inputBuffer = guarded(Math.max(bytes.length, inputBuffer.byteSize() * 2));
        }
        MemorySegment.copy(bytes, 0, inputBuffer, ValueLayout.JAVA_BYTE, 0, bytes.length);
        setRegion(INPUT, inputBuffer.address(), bytes.length, Access.READ_WRITE);
        inputKind = kind;
        return inputBuffer.address();
    }

    /**
     * Makes native memory the caller owns the input region, without copying; the caller keeps
     * it alive for the run. Returns its address.
     */
    public long setInput(MemorySegment native_, Access access, InputKind kind) {
        ensureOpen();
        if (!native_.isNative()) {
            throw new IllegalArgumentException("the input must be native memory, not a heap segment");
        }
        setRegion(INPUT, native_.address(), native_.byteSize(), access);
        inputKind = kind;
        return native_.address();
    }

    /** The input region: address and length (what r1 and r2 get). */
    public Region input() {
        return region(INPUT);
    }

    /**
     * The input region's address, as {@link #input()} without making a {@link Region}: a run
     * starts with these three, and an object per run is an allocation per invocation wherever
     * the JIT does not remove it.
     */
    public long inputBase() {
        return base[INPUT];
    }

    /** The input region's length in bytes (see {@link #inputBase()}). */
    public long inputSize() {
        return size[INPUT];
    }

    /** Whether the run may write the input region (see {@link #inputBase()}). */
    public boolean inputWritable() {
        return writable[INPUT];
    }

    /**
     * Adds a region of native memory that outlives runs (a map value, a heap), checking that it
     * overlaps no other. The caller keeps {@code segment} alive while this memory is used, and
     * should leave unaddressable memory around it (see {@link #GUARD}); {@link #allocateRegion}
     * does both.
     */
    public Region addRegion(MemorySegment segment, Access access, String name) {
        ensureOpen();
        if (!segment.isNative()) {
            throw new IllegalArgumentException("region " + name + " must be native memory");
        }
        Region r = new Region(segment.address(), segment.byteSize(), access, name);
        for (int i = 0; i < count; i++) {
            long b = i < MAX_FRAMES ? frameBase(i) : base[i];
            long s = i < MAX_FRAMES ? STACK_SIZE : size[i];
            if (i != SHARED_CACHE && s > 0 && r.base() < b + s && b < r.end()) {
                throw new IllegalArgumentException("region " + r + " overlaps " + names[i]);
            }
        }
        if (shared != null) {
            for (Region o : shared.regions()) {
                if (o.size() > 0 && r.base() < o.end() && o.base() < r.end()) {
                    throw new IllegalArgumentException("region " + r + " overlaps shared " + o.name());
                }
            }
        }
        if (count == base.length) {
            int n = count * 2;
            base = java.util.Arrays.copyOf(base, n);
            size = java.util.Arrays.copyOf(size, n);
            writable = java.util.Arrays.copyOf(writable, n);
            names = java.util.Arrays.copyOf(names, n);
            added = java.util.Arrays.copyOf(added, n);
        }
        names[count] = name;
        added[count] = r.size();
        setRegion(count, r.base(), r.size(), access);
        count++;
        return r;
    }

    /**
     * Makes the added region that starts at {@code base} addressable for its first {@code bytes}
     * bytes only (at most the size it was added with, so it still overlaps nothing): an entry's
     * argument whose length changes from run to run (a run-time slice). Faults nothing by itself.
     *
     * @throws IllegalArgumentException if no added region starts there, or it is smaller
     */
    public void resizeRegion(long base, long bytes) {
        ensureOpen();
        for (int i = FIRST_EXTRA; i < count; i++) {
            if (this.base[i] == base && added[i] > 0) {
                if (bytes < 0 || bytes > added[i]) {
                    throw new IllegalArgumentException("region " + names[i] + " holds " + added[i] + " bytes, not " + bytes);
                }
                size[i] = bytes;
                return;
            }
        }
        throw new IllegalArgumentException("no region starts at 0x" + Long.toHexString(base));
    }

    /**
     * Allocates {@code size} zeroed bytes in this memory's arena, guarded like the stack, and
     * adds them as a region (a map value, a heap). Freed with this memory.
     */
    public MemorySegment allocateRegion(long size, Access access, String name) {
        MemorySegment segment = guarded(size);
        addRegion(segment, access, name);
        return segment;
    }

    private void setRegion(int i, long b, long s, Access access) {
        base[i] = b;
        size[i] = s;
        writable[i] = access.canWrite();
    }

    /** The regions a program can address now: the active frames, the input and the added ones. */
    public List<Region> regions() {
        List<Region> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i < MAX_FRAMES && i >= depth || i == SHARED_CACHE) {
                continue;
            }
            out.add(region(i));
        }
        if (shared != null) {
            out.addAll(shared.regions());
        }
        return out;
    }

    /**
     * Whether {@code value} lies in a region the program can address now, or just past one's end
     * (the bound a bounds check compares against): a tool recording compared operands (the
     * interpreter's coverage) tells addresses, which differ from one process to the next, from data.
     */
    public boolean addresses(long value) {
        for (int i = 0; i < count; i++) {
            if (i < MAX_FRAMES && i >= depth || i == SHARED_CACHE) {
                continue;
            }
            if (Long.compareUnsigned(value - base[i], size[i]) <= 0) {
                return true;
            }
        }
        if (shared != null) {
            for (Region r : shared.regions()) {
                if (Long.compareUnsigned(value - r.base(), r.size()) <= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private Region region(int i) {
        return new Region(base[i], size[i], writable[i] ? Access.READ_WRITE : Access.READ_ONLY, names[i]);
    }

    // ---------------------------------------------------------------- a run in a subprogram's place

    /**
     * What {@link #enterInPlaceOf} changed, for {@link #leave}: this memory may be running a
     * program lower down the same chain (a target that tail-calls back into its own caller).
     */
    public record Saved(int depth, int outermost, int last, long[] frameSizes, long inputBase, long inputSize,
                        boolean inputWritable, InputKind inputKind, StackInit stackInit, boolean hasDeadline,
                        long deadline, boolean cancelRequested, long r10) {}

    /**
     * Starts a run that takes the place of the function running in {@code caller} (a tail call from
     * a subprogram): this run's outermost frame is the caller's current frame index (Linux reuses the
     * subprogram's stack slot), so its local calls count against the frames the chain already uses;
     * the frames below are not addressable (the target is a program of its own, passed nothing but
     * its context); the input, the deadline and a pending cancellation are the caller's. Returns what
     * to restore; its {@code r10} is the top of the new outermost frame.
     */
    public Saved enterInPlaceOf(Memory caller, StackInit init) {
        ensureOpen();
        Saved s = new Saved(depth, outermost, last, java.util.Arrays.copyOf(size, MAX_FRAMES), base[INPUT], size[INPUT],
                writable[INPUT], inputKind, stackInit, hasDeadline, deadline, cancelRequested,
                frameBase(caller.depth - 1) + STACK_SIZE);
        int frame = caller.depth - 1;
        for (int k = 0; k < MAX_FRAMES; k++) {
            size[k] = k == frame ? STACK_SIZE : 0;
        }
        depth = frame + 1;
        outermost = depth;
        last = frame;
        stackInit = init;
        if (init == StackInit.ZEROED) {
            clearFrame(frame);
        }
        base[INPUT] = caller.base[INPUT];
        size[INPUT] = caller.size[INPUT];
        writable[INPUT] = caller.writable[INPUT];
        inputKind = caller.inputKind;
        hasDeadline = caller.hasDeadline;
        deadline = caller.deadline;
        cancelRequested |= caller.cancelRequested;
        return s;
    }

    /** Ends a run {@link #enterInPlaceOf} started: this memory is as it was before. */
    public void leave(Saved s) {
        boolean cancelled = cancelRequested;
        depth = s.depth();
        outermost = s.outermost();
        last = s.last();
        System.arraycopy(s.frameSizes(), 0, size, 0, MAX_FRAMES);
        base[INPUT] = s.inputBase();
        size[INPUT] = s.inputSize();
        writable[INPUT] = s.inputWritable();
        inputKind = s.inputKind();
        stackInit = s.stackInit();
        hasDeadline = s.hasDeadline();
        deadline = s.deadline();
        // A request that arrived meanwhile stays for the run this memory goes back to.
        cancelRequested = s.cancelRequested() || cancelled;
    }

    /**
     * Continues the invocation of {@code previous}'s run in the run just started here (a tail call
     * from an entry function): its deadline, and a cancellation the host asked for meanwhile.
     */
    public void continueRunOf(Memory previous) {
        hasDeadline = previous.hasDeadline;
        deadline = previous.deadline;
        cancelRequested |= previous.cancelRequested;
    }

    /** The depth of the running program's outermost function: 1, or more in a run that took a subprogram's place. */
    public int outermostDepth() {
        return outermost;
    }

    // ---------------------------------------------------------------- frames

    /** Number of active frames (1 in the outermost function). */
    public int depth() {
        return depth;
    }

    /**
     * Enters a local call made at {@code pc}: activates the next frame and returns its r10, or
     * faults with {@link FaultKind#CALL_DEPTH}. The caller saves r6-r9 itself.
     */
    public long pushFrame(int pc) {
        if (depth == MAX_FRAMES) {
            throw new VmFault(pc, FaultKind.CALL_DEPTH,
                    "local call would need frame " + depth + "; at most " + MAX_FRAMES + " frames");
        }
        if (stackInit == StackInit.ZEROED) {
            clearFrame(depth);
        }
        size[depth] = STACK_SIZE;
        depth++;
        return frameBase(depth - 1) + STACK_SIZE;
    }

    /** Leaves the current local call: its frame stops being addressable. Returns the caller's r10. */
    public long popFrame() {
        depth--;
        size[depth] = 0;
        return frameBase(depth - 1) + STACK_SIZE;
    }

    // ---------------------------------------------------------------- the check

    /**
     * Index of the region holding {@code [address, address + length)}, or faults. {@code write}
     * also requires the region to be writable.
     */
    private int find(long address, int length, boolean write, int pc) {
        int i = last;
        // Signed compare is exact here: base + size never wraps, so offset lies in
        // [0, size - length] iff the access lies inside; size 0 (inactive) never matches.
        long offset = address - base[i];
        if (offset >= 0 && offset <= size[i] - length && (!write || writable[i])) {
            return i;
        }
        return findSlow(address, length, write, pc);
    }

    private int findSlow(long address, int length, boolean write, int pc) {
        for (int i = 0; i < count; i++) {
            long offset = address - base[i];
            if (offset >= 0 && offset <= size[i] - length) {
                if (write && !writable[i]) {
                    throw new VmFault(pc, FaultKind.READ_ONLY, "store of " + length + " bytes to read-only "
                            + names[i] + " at 0x" + Long.toHexString(address));
                }
                last = i;
                return i;
            }
        }
        if (!write && backToBack(address, length)) {
            return FIRST_EXTRA;
        }
        if (shared != null) {
            Region r = shared.find(address, length);
            if (r != null) {
                if (write && !r.access().canWrite()) {
                    throw new VmFault(pc, FaultKind.READ_ONLY, "store of " + length + " bytes to read-only "
                            + r.name() + " at 0x" + Long.toHexString(address));
                }
                base[SHARED_CACHE] = r.base();
                size[SHARED_CACHE] = r.size();
                writable[SHARED_CACHE] = r.access().canWrite();
                names[SHARED_CACHE] = r.name();
                last = SHARED_CACHE;
                return SHARED_CACHE;
            }
        }
        throw new VmFault(pc, FaultKind.OUT_OF_BOUNDS, describeMiss(address, length, write));
    }

    /**
     * Whether a load covers only bytes of added regions that lie back to back (one ends where the
     * next begins). The EIM replay splits one host object into such regions by their rights (read
     * and write, read only), and a load of readable bytes across that boundary is a load of one
     * object. Stack frames, also back to back, are not added regions: a load across frames still
     * faults, and so does every store across two regions.
     */
    private boolean backToBack(long address, int length) {
        long at = address;
        long end = address + length;
        if (end <= address) {
            return false; // wrapped past the top of the address space
        }
        boolean progress = true;
        while (at < end && progress) {
            progress = false;
            for (int i = FIRST_EXTRA; i < count; i++) {
                if (size[i] > 0 && base[i] <= at && at < base[i] + size[i]) {
                    at = base[i] + size[i];
                    progress = true;
                    break;
                }
            }
        }
        return at >= end;
    }

    private String describeMiss(long address, int length, boolean write) {
        StringBuilder sb = new StringBuilder();
        sb.append(write ? "store of " : "load of ").append(length).append(" bytes at 0x")
                .append(Long.toHexString(address)).append(" is outside every region");
        // Name the region the access overlaps or comes nearest to: that is usually the bug.
        int best = -1;
        long bestDistance = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            if (size[i] == 0) {
                continue;
            }
            long d = address < base[i] ? base[i] - address : Math.max(0, address + length - (base[i] + size[i]));
            if (d >= 0 && d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        Region near = shared == null ? null : shared.nearestBelow(address);
        if (near != null) {
            long d = Math.max(0, address + length - near.end());
            if (d < bestDistance && d < (1L << 32)) {
                long offset = address - near.base();
                return sb.append(" (").append(near.name()).append(" offset ").append(offset).append(", size ")
                        .append(near.size()).append(')').toString();
            }
        }
        if (best >= 0 && bestDistance < (1L << 32)) {
            long offset = address - base[best];
            sb.append(" (").append(names[best]).append(" offset ").append(offset).append(", size ")
                    .append(size[best]).append(')');
        }
        return sb.toString();
    }

    /** Checks a load of {@code length} bytes (1, 2, 4 or 8) at {@code address}, or faults at {@code pc}. */
    public void checkRead(long address, int length, int pc) {
        find(address, length, false, pc);
    }

    /** Checks a store of {@code length} bytes at {@code address}, or faults at {@code pc}. */
    public void checkWrite(long address, int length, int pc) {
        find(address, length, true, pc);
    }

    // ---------------------------------------------------------------- loads and stores (zero-extended)

    public long load8(long address, int pc) {
        find(address, 1, false, pc);
        return ALL.get(I8, address) & 0xffL;
    }

    public long load16(long address, int pc) {
        find(address, 2, false, pc);
        return ALL.get(I16, address) & 0xffffL;
    }

    public long load32(long address, int pc) {
        find(address, 4, false, pc);
        return ALL.get(I32, address) & 0xffff_ffffL;
    }

    public long load64(long address, int pc) {
        find(address, 8, false, pc);
        return ALL.get(I64, address);
    }

    public void store8(long address, long value, int pc) {
        find(address, 1, true, pc);
        ALL.set(I8, address, (byte) value);
    }

    public void store16(long address, long value, int pc) {
        find(address, 2, true, pc);
        ALL.set(I16, address, (short) value);
    }

    public void store32(long address, long value, int pc) {
        find(address, 4, true, pc);
        ALL.set(I32, address, (int) value);
    }

    public void store64(long address, long value, int pc) {
        find(address, 8, true, pc);
        ALL.set(I64, address, value);
    }

    // ---------------------------------------------------------------- atomics (return the old value)

    private void checkAtomic(long address, int length, int pc) {
        find(address, length, true, pc);
        if ((address & (length - 1)) != 0) {
            throw new VmFault(pc, FaultKind.MISALIGNED,
                    "atomic access of " + length + " bytes at 0x" + Long.toHexString(address) + " is not aligned");
        }
    }

    public long fetchAdd64(long address, long value, int pc) {
        checkAtomic(address, 8, pc);
        return (long) ATOMIC64.getAndAdd(ALL, address, value);
    }

    public long fetchOr64(long address, long value, int pc) {
        checkAtomic(address, 8, pc);
        return (long) ATOMIC64.getAndBitwiseOr(ALL, address, value);
    }

    public long fetchAnd64(long address, long value, int pc) {
        checkAtomic(address, 8, pc);
        return (long) ATOMIC64.getAndBitwiseAnd(ALL, address, value);
    }

    public long fetchXor64(long address, long value, int pc) {
        checkAtomic(address, 8, pc);
        return (long) ATOMIC64.getAndBitwiseXor(ALL, address, value);
    }

    public long exchange64(long address, long value, int pc) {
        checkAtomic(address, 8, pc);
        return (long) ATOMIC64.getAndSet(ALL, address, value);
    }

    /** Stores {@code value} if the memory holds {@code expected}; returns the old value either way. */
    public long compareExchange64(long address, long expected, long value, int pc) {
        checkAtomic(address, 8, pc);
        return (long) ATOMIC64.compareAndExchange(ALL, address, expected, value);
    }

    /** 32-bit atomics: operate on the low 32 bits of {@code value}; return the old value zero-extended. */
    public long fetchAdd32(long address, long value, int pc) {
        checkAtomic(address, 4, pc);
        return (int) ATOMIC32.getAndAdd(ALL, address, (int) value) & 0xffff_ffffL;
    }

    public long fetchOr32(long address, long value, int pc) {
        checkAtomic(address, 4, pc);
        return (int) ATOMIC32.getAndBitwiseOr(ALL, address, (int) value) & 0xffff_ffffL;
    }

    public long fetchAnd32(long address, long value, int pc) {
        checkAtomic(address, 4, pc);
        return (int) ATOMIC32.getAndBitwiseAnd(ALL, address, (int) value) & 0xffff_ffffL;
    }

    public long fetchXor32(long address, long value, int pc) {
        checkAtomic(address, 4, pc);
        return (int) ATOMIC32.getAndBitwiseXor(ALL, address, (int) value) & 0xffff_ffffL;
    }

    public long exchange32(long address, long value, int pc) {
        checkAtomic(address, 4, pc);
        return (int) ATOMIC32.getAndSet(ALL, address, (int) value) & 0xffff_ffffL;
    }

    public long compareExchange32(long address, long expected, long value, int pc) {
        checkAtomic(address, 4, pc);
        return (int) ATOMIC32.compareAndExchange(ALL, address, (int) expected, (int) value) & 0xffff_ffffL;
    }

    // ---------------------------------------------------------------- legacy packet loads

    /**
     * A legacy packet load (§5.5): {@code size} bytes (1, 2 or 4) at byte {@code offset} of the
     * packet, converted from network order, zero-extended. Faults with
     * {@link FaultKind#NO_PACKET_CONTEXT} when the input is not a packet, and with
     * {@link FaultKind#OUT_OF_BOUNDS} outside it (where the kernel would instead end the program
     * returning 0).
     */
    public long packetLoad(long offset, int length, int pc) {
        if (inputKind != InputKind.PACKET) {
            throw new VmFault(pc, FaultKind.NO_PACKET_CONTEXT, "legacy packet load, but this run has no packet");
        }
        long len = size[INPUT];
        if (offset < 0 || offset > len - length) {
            throw new VmFault(pc, FaultKind.OUT_OF_BOUNDS,
                    "packet load of " + length + " bytes at offset " + offset + " is outside the packet of " + len + " bytes");
        }
        long address = base[INPUT] + offset;
        return switch (length) {
            case 1 -> ALL.get(I8, address) & 0xffL;
            case 2 -> Short.reverseBytes(ALL.get(I16, address)) & 0xffffL;
            case 4 -> Integer.reverseBytes(ALL.get(I32, address)) & 0xffff_ffffL;
            default -> throw new IllegalArgumentException("packet loads are 1, 2 or 4 bytes, not " + length);
        };
    }

    // ---------------------------------------------------------------- inspection

    /** A copy of {@code length} bytes at {@code address}, which must lie inside one region. */
    public byte[] read(long address, int length) {
        find(address, length, false, -1);
        byte[] out = new byte[length];
        MemorySegment.copy(ALL, ValueLayout.JAVA_BYTE, address, out, 0, length);
        return out;
    }

    /**
     * Fails once closed: accesses go through a segment spanning the address space, which the
     * arena's liveness check does not guard, so a run on a closed memory must not start.
     */
    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this memory was closed");
        }
    }

    /**
     * Frees the stack and the input copy; regions added by the caller stay the caller's. A
     * closed memory starts no run ({@link IllegalStateException}). Closing twice does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        count = FIRST_EXTRA;
        java.util.Arrays.fill(size, 0);
        depth = 0;
        arena.close();
    }
}
