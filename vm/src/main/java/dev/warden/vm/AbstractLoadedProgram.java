package dev.warden.vm;

import dev.warden.isa.Program;
import java.lang.foreign.MemorySegment;

/**
 * The part of a {@link LoadedProgram} every engine shares: the memory, the set-up of a run
 * (input region, stack, r1/r2/r10) and the conversion of a {@link VmFault} into
 * {@link ExecResult.Faulted}. An engine implements only {@link #execute}.
 */
public abstract class AbstractLoadedProgram implements LoadedProgram {
    private final Program program;
    private final ExecOptions options;
    private final Memory memory = new Memory();
    private boolean closed;

    protected AbstractLoadedProgram(Program program, ExecOptions options) {
        this.program = program;
        this.options = options;
    }

    /**
     * Runs the program from pc 0 in frame 0 with the given registers (all others 0) and returns
     * r0 of its final {@code exit}; faults by throwing {@link VmFault}.
     */
    protected abstract long execute(long r1, long r2, long r3, long r4, long r5, long r10);

    /**
     * Runs the function entered at {@code target} in frame 0 with the given registers (r0 and
     * r6-r9 zero) until its {@code exit}, on {@link #runBudget} instructions; returns that r0;
     * faults by throwing {@link VmFault} ({@link FaultKind#BAD_CALLX} when {@code target} is no
     * function whose address the program loads).
     */
    protected abstract long executeFunction(int target, long r1, long r2, long r3, long r4, long r5, long r10);

    /** The instruction budget of the run in progress: the options' or, for a tail call's next program, what the invocation has left. */
    private long runBudget;

    /** The instruction budget {@link #execute} runs on. */
    protected final long runBudget() {
        return runBudget;
    }

    /**
     * Runs the program from pc 0 with r1 and r10 set (all others 0) on {@code budget} instructions,
     * its outermost function at {@link Memory#outermostDepth}; returns r0 of that function's
     * {@code exit}, leaving the budget left for {@link Memory#budgetLeft}; faults by throwing {@link VmFault}.
     */
    protected abstract long executeInPlace(long r1, long r10, long budget);

    @Override
    public final long runInPlaceOf(Memory caller, long r1, long budget) {
        ensureOpen();
        Memory.Saved saved = memory.enterInPlaceOf(caller, options.stackInit());
        try {
            return executeInPlace(r1, saved.r10(), budget);
        } finally {
            memory.leave(saved);
        }
    }

    @Override
    public final Program program() {
        return program;
    }

    @Override
    public final ExecOptions options() {
        return options;
    }

    @Override
    public final Memory memory() {
        return memory;
    }

    @Override
    public final ExecResult run(byte[] input) {
        ensureOpen();
        long address = memory.setInput(input, options.inputKind());
        return start(address, input.length);
    }

    @Override
    public final ExecResult run(MemorySegment input, Access access) {
        ensureOpen();
        long address = memory.setInput(input, access, options.inputKind());
        return start(address, input.byteSize());
    }

    @Override
    public final ExecResult runWithContext(long context, MemorySegment packet, Access access) {
        memory.setInput(packet, access, options.inputKind());
        return start(context, 0);
    }

    @Override
    public final ExecResult continueWithContext(long context, MemorySegment packet, Access access, long budget, Memory previous) {
        ensureOpen();
        memory.setInput(packet, access, options.inputKind());
        return start(context, 0, 0, 0, 0, budget, previous);
    }

    @Override
    public final ExecResult runWithArguments(long[] arguments, MemorySegment input, Access access) {
        if (arguments.length > 5) {
            throw new IllegalArgumentException("a program takes at most five arguments (r1-r5), not " + arguments.length);
        }
        memory.setInput(input, access, options.inputKind());
        int n = arguments.length; // r1..rN from the array, the rest 0, without a padded copy per run
        return start(n > 0 ? arguments[0] : 0, n > 1 ? arguments[1] : 0, n > 2 ? arguments[2] : 0, n > 3 ? arguments[3] : 0,
                n > 4 ? arguments[4] : 0);
    }

    @Override
    public final ExecResult runFunction(long function, long[] arguments) {
        ensureOpen();
        if (arguments.length > 5) {
            throw new IllegalArgumentException("a function takes at most five arguments (r1-r5), not " + arguments.length);
        }
        long[] r = java.util.Arrays.copyOf(arguments, 5);
        memory.setInput(NO_INPUT, options.inputKind());
        long r10 = memory.startRun(options.stackInit());
        runBudget = options.budget();
        long target = function - Memory.FUNCTION_BASE;
        try {
            if (target < 0 || target > Integer.MAX_VALUE) {
                throw new VmFault(-1, FaultKind.BAD_CALLX, "0x" + Long.toHexString(function) + " is no function address");
            }
            return new ExecResult.Returned(executeFunction((int) target, r[0], r[1], r[2], r[3], r[4], r10));
        } catch (VmFault f) {
            return new ExecResult.Faulted(f.fault());
        } catch (StackOverflowError e) {
            return new ExecResult.Faulted(new Fault(-1, FaultKind.CALL_DEPTH, "host stack exhausted"));
        }
    }

    private static final byte[] NO_INPUT = new byte[0];

    private ExecResult start(long r1, long r2) {
        return start(r1, r2, 0, 0, 0);
    }

    private ExecResult start(long r1, long r2, long r3, long r4, long r5) {
        return start(r1, r2, r3, r4, r5, options.budget(), memory);
    }

    /** A run on {@code budget} instructions, with the deadline and any cancellation request of {@code previous}'s run when that is another memory. */
    private ExecResult start(long r1, long r2, long r3, long r4, long r5, long budget, Memory previous) {
        long r10 = memory.startRun(options.stackInit());
        if (previous != memory) {
            memory.continueRunOf(previous);
        }
        runBudget = budget;
        try {
            return new ExecResult.Returned(execute(r1, r2, r3, r4, r5, r10));
        } catch (VmFault f) {
            return new ExecResult.Faulted(f.fault());
        } catch (StackOverflowError e) {
            // Defensive: engines bound recursion by MAX_FRAMES, so this means an engine bug;
            // still, the host must not crash.
            return new ExecResult.Faulted(new Fault(-1, FaultKind.CALL_DEPTH, "host stack exhausted"));
        }
    }

    /**
     * Refuses to run after {@link #close()}: compiled code addresses memory through a segment
     * that spans the address space, which no arena's liveness check guards, so a run after the
     * stack was freed would write into whatever the allocator put there since.
     */
    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this loaded program was closed; load it again to run it");
        }
    }

    /** Frees the memory; later runs throw {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            memory.close();
        }
    }
}
