package dev.warden.jit;

import dev.warden.vm.FaultKind;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The superclass of every compiled program: the hidden class the {@link JitCompiler} generates
 * extends it, and the generated code calls its small final methods, which HotSpot inlines.
 *
 * <p><b>Memory checks.</b> Each {@code ldN}/{@code stN} tries the input region (bounds set per
 * run) and the current stack frame ({@code [fp - 512, fp)}, fp being the function's r10, always
 * an active read-write region) inline, and otherwise defers to {@link Memory}'s own checked
 * access, which is exactly what the interpreter calls. Because regions never overlap, an access
 * inside either is one the interpreter's check also accepts, so both engines agree on every
 * outcome. Accesses the compiler proves safe (r10 plus a constant offset inside
 * the current frame, and later those a verifier proves) use {@link #raw8} and friends.
 *
 * <p>Not part of Warden's API: public only because hidden classes extend it. One instance per
 * loaded program, used by one thread at a time (as {@link dev.warden.vm.LoadedProgram} is).
 */
public abstract class JitCode {
    /** All of the address space: a checked address is read through it directly. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;

    /** The program's memory: frames, regions, the checked slow path, atomics. */
    protected final Memory memory;

    // Per run: the input region, for the inline fast path. inWrite is 0 when the input is
    // read-only, so no store passes the fast check and Memory reports READ_ONLY.
    protected long inBase;
    protected long inRead;
    protected long inWrite;

    /**
     * Instructions left. Generated code keeps it in a local, subtracts each basic block's length
     * when the block starts, and stores it here around calls and exits; it is checked at back
     * edges and exits.
     */
    protected long budget;
    /**
     * Instructions left beyond {@link #budget} in a polled run (0 otherwise): the budget is handed
     * out in slices of {@link #SLICE}, and the clock is read when a slice runs out at a back edge
     * or a call (see {@link #pollAndRefill}).
     */
    protected long reserve;
    /** The budget a run starts with, for the fault message. */
    protected long initialBudget;

    /** r1-r5 as a local function left them at its exit (a local call does not restore them). */
    protected long x1, x2, x3, x4, x5;

    protected JitCode(Memory memory) {
        this.memory = memory;
    }

    /** Runs from pc 0 with r1-r5 and r10 set (all else 0); returns r0 or throws {@link VmFault}. */
    public abstract long run(long r1, long r2, long r3, long r4, long r5, long r10);

    /** Prepares a run: the input region for the fast path, and the budget. */
    final void startRun(long inputBase, long inputSize, boolean writable, long budget, long slice) {
        this.inBase = inputBase;
        this.inRead = inputSize;
        this.inWrite = writable ? inputSize : 0;
        this.initialBudget = budget;
        this.slice = slice;
        this.budget = Math.min(budget, slice);
        this.reserve = budget - this.budget;
    }

    /** Instructions left in all (the slice and the reserve), as generated code stored them before a helper call. */
    final long budgetLeft() {
        return budget + reserve;
    }

    /** Sets the instructions left in all, in slices as {@link #startRun} does. */
    final void setBudgetLeft(long left) {
        this.budget = Math.min(left, slice);
        this.reserve = left - this.budget;
    }

    /** What a run in a subprogram's place changes besides the budget, to put back afterwards. */
    record RunFields(long inBase, long inRead, long inWrite, long initialBudget, long slice) {}

    final RunFields runFields() {
        return new RunFields(inBase, inRead, inWrite, initialBudget, slice);
    }

    final void restore(RunFields f) {
        inBase = f.inBase();
        inRead = f.inRead();
        inWrite = f.inWrite();
        initialBudget = f.initialBudget();
        slice = f.slice();
    }

    /**
     * Instructions in a slice of a polled run's budget: at most about this many run between two
     * readings of the clock (some tens of microseconds in compiled code). Each poll at a back
     * edge leaves the compiled method and re-enters it; with slices of 16,384 workloads of some
     * 30,000 instructions per run (fnv1a, fletcher) ran 1.25-1.3 times as long polled, with
     * 65,536 1.02-1.04 (docs/runtime.md).
     */
    static final long SLICE = 1 << 16;
    /** This run's slice: {@link #SLICE} when polled, else unbounded (the whole budget in one). */
    private long slice;

    /**
     * A budget check found the slice short ({@code budget < need}) away from a cancellation
     * point: takes from the reserve only what the check needs (everything, if that is not
     * enough), so the next check fails too and the next cancellation point polls.
     */
    protected final long refill(long budget, long need) {
        long take = Math.min(reserve, need - budget);
        reserve -= take;
        return budget + take;
    }

    /**
     * A budget check found the slice short at a cancellation point {@code pc}: unless the budget
     * itself ran out (then, as {@link #refill}, the fault comes from the budget), reads the clock
     * and the host's request, faulting with {@link dev.warden.vm.FaultKind#CANCELLED} at {@code
     * pc}, and takes a new slice.
     */
    protected final long pollAndRefill(long budget, long need, int pc) {
        if (budget + reserve < need) {
            return refill(budget, need);
        }
        memory.pollClock(pc);
        long take = Math.min(reserve, need - budget + slice);
        reserve -= take;
        return budget + take;
    }

    // ------------------------------------------------------------------ checked loads (zero-extended)

    protected final long ld8(long a, long fp, int pc) {
        long o = a - inBase;
        long f = a - fp + Memory.STACK_SIZE;
        if (o >= 0 && o <= inRead - 1 || f >= 0 && f <= Memory.STACK_SIZE - 1) {
            return ALL.get(I8, a) & 0xffL;
        }
        return memory.load8(a, pc);
    }

    protected final long ld16(long a, long fp, int pc) {
        long o = a - inBase;
        long f = a - fp + Memory.STACK_SIZE;
        if (o >= 0 && o <= inRead - 2 || f >= 0 && f <= Memory.STACK_SIZE - 2) {
            return ALL.get(I16, a) & 0xffffL;
        }
        return memory.load16(a, pc);
    }

    protected final long ld32(long a, long fp, int pc) {
        long o = a - inBase;
        long f = a - fp + Memory.STACK_SIZE;
        if (o >= 0 && o <= inRead - 4 || f >= 0 && f <= Memory.STACK_SIZE - 4) {
            return ALL.get(I32, a) & 0xffff_ffffL;
        }
        return memory.load32(a, pc);
    }

    protected final long ld64(long a, long fp, int pc) {
        long o = a - inBase;
        long f = a - fp + Memory.STACK_SIZE;
        if (o >= 0 && o <= inRead - 8 || f >= 0 && f <= Memory.STACK_SIZE - 8) {
            return ALL.get(I64, a);
        }
        return memory.load64(a, pc);
    }

    // ------------------------------------------------------------------ checked stores

    protected final void st8(long a, long v, long fp, int pc) {
        long o = a - inBase;
        long f = a - fp + Memory.STACK_SIZE;
        if (o >= 0 && o <= inWrite - 1 || f >= 0 && f <= Memory.STACK_SIZE - 1) {
            ALL.set(I8, a, (byte) v);
        } else {
            memory.store8(a, v, pc);
        }
    }

    protected final void st16(long a, long v, long fp, int pc) {
        long o = a - inBase;
        long f = a - fp + Memory.STACK_SIZE;
        if (o >= 0 && o <= inWrite - 2 || f >= 0 && f <= Memory.STACK_SIZE - 2) {
            ALL.set(I16, a, (short) v);
        } else {
            memory.store16(a, v, pc);
        }
    }

    protected final void st32(long a, long v, long fp, int pc) {
        long o = a - inBase;
        long f = a - fp + Memory.STACK_SIZE;
        if (o >= 0 && o <= inWrite - 4 || f >= 0 && f <= Memory.STACK_SIZE - 4) {
            ALL.set(I32, a, (int) v);
        } else {
            memory.store32(a, v, pc);
        }
    }

    protected final void st64(long a, long v, long fp, int pc) {
        long o = a - inBase;
        long f = a - fp + Memory.STACK_SIZE;
        if (o >= 0 && o <= inWrite - 8 || f >= 0 && f <= Memory.STACK_SIZE - 8) {
            ALL.set(I64, a, v);
        } else {
            memory.store64(a, v, pc);
        }
    }

    // ------------------------------------------------------------------ unchecked (proved) accesses

    protected static long raw8(long a) {
        return ALL.get(I8, a) & 0xffL;
    }

    protected static long raw16(long a) {
        return ALL.get(I16, a) & 0xffffL;
    }

    protected static long raw32(long a) {
        return ALL.get(I32, a) & 0xffff_ffffL;
    }

    protected static long raw64(long a) {
        return ALL.get(I64, a);
    }

    protected static void rawSt8(long a, long v) {
        ALL.set(I8, a, (byte) v);
    }

    protected static void rawSt16(long a, long v) {
        ALL.set(I16, a, (short) v);
    }

    protected static void rawSt32(long a, long v) {
        ALL.set(I32, a, (int) v);
    }

    protected static void rawSt64(long a, long v) {
        ALL.set(I64, a, v);
    }

    // ------------------------------------------------------------------ arithmetic (RFC 9669 §4.1)
    // By zero: quotient 0, remainder the dividend. Signed MIN / -1 is MIN with remainder 0,
    // which Java's / and % give without throwing.

    protected static long udiv64(long x, long y) {
        return y == 0 ? 0 : Long.divideUnsigned(x, y);
    }

    protected static long umod64(long x, long y) {
        return y == 0 ? x : Long.remainderUnsigned(x, y);
    }

    protected static long sdiv64(long x, long y) {
        return y == 0 ? 0 : x / y;
    }

    protected static long smod64(long x, long y) {
        return y == 0 ? x : x % y;
    }

    /**
     * Unsigned division by a positive constant: a dividend below 2^63 divides signed, which
     * HotSpot turns into a multiplication when {@code c} is a constant; the rare other half
     * takes the (slow) unsigned division. Same result as {@link Long#divideUnsigned}.
     */
    protected static long udivConst(long x, long c) {
        return x >= 0 ? x / c : Long.divideUnsigned(x, c);
    }

    /** Unsigned remainder by a positive constant; see {@link #udivConst}. */
    protected static long umodConst(long x, long c) {
        return x >= 0 ? x % c : Long.remainderUnsigned(x, c);
    }

    protected static int udiv32(int x, int y) {
        return y == 0 ? 0 : Integer.divideUnsigned(x, y);
    }

    protected static int umod32(int x, int y) {
        return y == 0 ? x : Integer.remainderUnsigned(x, y);
    }

    protected static int sdiv32(int x, int y) {
        return y == 0 ? 0 : x / y;
    }

    protected static int smod32(int x, int y) {
        return y == 0 ? x : x % y;
    }

    // ------------------------------------------------------------------ loading

    // Hand-over between JitCompiler.compile and a generated class's initialiser, which runs
    // on the compiling thread during defineHiddenClass.
    private static final ThreadLocal<Object[]> PENDING_DATA = new ThreadLocal<>();
    private static final ThreadLocal<JitCode> DELIVERED = new ThreadLocal<>();

    static JitCode load(java.lang.invoke.MethodHandles.Lookup lookup, byte[] classFile, Object[] data) {
        PENDING_DATA.set(data);
        try {
            lookup.defineHiddenClass(classFile, true);
            JitCode code = DELIVERED.get();
            if (code == null) {
                throw new IllegalStateException("the generated class made no instance");
            }
            return code;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the JIT may not define classes in its own package", e);
        } finally {
            PENDING_DATA.remove();
            DELIVERED.remove();
        }
    }

    /** Called by a generated class's initialiser: its class data, then the memory. */
    protected static Object[] pendingClassData() {
        return PENDING_DATA.get();
    }

    /** Called by a generated class's initialiser with the instance it made. */
    protected static void deliver(JitCode code) {
        DELIVERED.set(code);
    }

    // ------------------------------------------------------------------ chunked functions

    /** Index of the chunk holding {@code pc}: the last chunk whose first pc is at most {@code pc}. */
    protected static int chunkIndex(int[] starts, int pc) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= pc) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    // ------------------------------------------------------------------ faults

    /** 1 if {@code left > m}, else 0: counts the 64-bit loads before the instruction where the budget ran out. */
    protected static int above(int left, int m) {
        return left > m ? 1 : 0;
    }

    /** 1 if {@code left < first}, else 0: the budget ran out before the segment a check is in. */
    protected static int below(int left, int first) {
        return left < first ? 1 : 0;
    }

    /** 1 if the budget ran out before the checked segment ({@code left < first}) and control came from segment {@code id}. */
    protected static int cameShort(int left, int first, int origin, int id) {
        return left < first && origin == id ? 1 : 0;
    }

    /** {@code a} if {@code condition} is not 0, else {@code b}: a branch-free choice for cold stubs. */
    protected static int select(int condition, int a, int b) {
        return condition != 0 ? a : b;
    }

    /** The fault of a run whose budget ran out just before the instruction at {@code pc}. */
    protected final VmFault budgetFault(int pc) {
        return new VmFault(pc, FaultKind.BUDGET_EXHAUSTED,
                "the instruction budget of " + initialBudget + " ran out");
    }
}
