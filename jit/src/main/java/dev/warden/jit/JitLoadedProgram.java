package dev.warden.jit;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.vm.AbstractLoadedProgram;
import dev.warden.vm.Cancellation;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Region;
import dev.warden.vm.VmFault;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;

/** A program compiled for its own {@link dev.warden.vm.Memory}; runs it on one thread at a time. */
final class JitLoadedProgram extends AbstractLoadedProgram {
    private static final MethodType FUNCTION = MethodType.methodType(long.class, long.class, long.class, long.class,
            long.class, long.class, long.class, long.class, long.class, long.class, long.class, long.class);

    private final JitCode code;
    /** The compiled functions whose address the program loads (bpf_loop callbacks), by entry pc. */
    private final Map<Integer, MethodHandle> callbacks;

    /** A polled run's budget slice ({@link JitCode#SLICE}); tests make it small so that every check refills. */
    private long slice = JitCode.SLICE;

    /** @throws dev.warden.vm.ProgramRefusedException as {@link JitCompiler#compile}; the memory is freed then */
    JitLoadedProgram(Program program, ExecOptions options, CheckElision elision) {
        super(program, options);
        JitCode compiled;
        Map<Integer, MethodHandle> handles;
        try {
            compiled = JitCompiler.compile(program, options, memory(), elision);
            handles = callbacks(program, compiled);
        } catch (RuntimeException | Error e) {
            close(); // nobody will get a reference to close it later
            throw e;
        }
        this.code = compiled;
        this.callbacks = handles;
        if (!callbacks.isEmpty()) {
            memory().setFunctionCaller(this::callback);
        }
        memory().setBudgetChannel(code::budgetLeft, code::setBudgetLeft);
    }

    /** Each callback target's method {@code f<pc>}, bound to the compiled instance. */
    private static Map<Integer, MethodHandle> callbacks(Program program, JitCode code) {
        Map<Integer, MethodHandle> out = new HashMap<>();
        for (int i = 0; i < program.size(); i++) {
            if (program.get(i) instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.FUNC) {
                int target = StaticFaults.functionTarget(program.pcOf(i), l, program);
                if (target >= 0 && !out.containsKey(target)) {
                    try {
                        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(code.getClass(), MethodHandles.lookup());
                        out.put(target, lookup.findVirtual(code.getClass(), "f" + target, FUNCTION).bindTo(code));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("the compiled class lacks the callback function at pc " + target, e);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Runs a callback as the interpreter does: a fresh frame, r1-r5 given, r0 and r6-r9 zero, on
     * the run's budget (the helper's caller left it in {@code code.budget} and takes back what the
     * callback leaves there).
     */
    private long callback(int target, long r1, long r2, long r3, long r4, long r5, int pc) {
        MethodHandle f = callbacks.get(target);
        if (f == null) {
            throw new VmFault(pc, FaultKind.BAD_CALLX, "pc " + target + " is no function whose address the program took");
        }
        long r10 = memory().pushFrame(pc);
        try {
            return call(f, target, r1, r2, r3, r4, r5, r10);
        } finally {
            memory().popFrame();
        }
    }

    /** Calls compiled function {@code f} (entered at {@code target}) with r1-r5 and r10, r0 and r6-r9 zero. */
    private static long call(MethodHandle f, int target, long r1, long r2, long r3, long r4, long r5, long r10) {
        try {
            return (long) f.invokeExact(0L, r1, r2, r3, r4, r5, 0L, 0L, 0L, 0L, r10);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("callback at pc " + target + " failed", t);
        }
    }

    /**
     * Runs in a subprogram's place (see {@link AbstractLoadedProgram#runInPlaceOf}). This code may be
     * the caller's own, suspended in the helper: its input fields and its budget's message are put
     * back afterwards; its budget is not, the helper hands the caller what this run left.
     */
    @Override
    protected long executeInPlace(long r1, long r10, long budget) {
        JitCode.RunFields saved = code.runFields();
        Region input = memory().input();
        long sliced = options().cancellation() == Cancellation.POLLED ? slice : Long.MAX_VALUE;
        code.startRun(input.base(), input.size(), input.access().canWrite(), budget, sliced);
        code.initialBudget = options().budget();
        try {
            return code.run(r1, 0, 0, 0, 0, r10);
        } finally {
            code.restore(saved);
        }
    }

    /** Runs a callback as a run of its own (a timer's): frame 0, the run's budget and deadline, no input. */
    @Override
    protected long executeFunction(int target, long r1, long r2, long r3, long r4, long r5, long r10) {
        MethodHandle f = callbacks.get(target);
        if (f == null) {
            throw new VmFault(-1, FaultKind.BAD_CALLX, "pc " + target + " is no function whose address the program took");
        }
        Region input = memory().input();
        long sliced = options().cancellation() == Cancellation.POLLED ? slice : Long.MAX_VALUE;
        code.startRun(input.base(), input.size(), input.access().canWrite(), runBudget(), sliced);
        code.initialBudget = options().budget();
        return call(f, target, r1, r2, r3, r4, r5, r10);
    }

    /** Sets the slice of later polled runs (at least 1). */
    void useSlice(long instructions) {
        this.slice = Math.max(1, instructions);
    }

    @Override
    protected long execute(long r1, long r2, long r3, long r4, long r5, long r10) {
        Region input = memory().input();
        long sliced = options().cancellation() == Cancellation.POLLED ? slice : Long.MAX_VALUE;
        code.startRun(input.base(), input.size(), input.access().canWrite(), runBudget(), sliced);
        code.initialBudget = options().budget(); // the message names the invocation's budget, as the interpreter's
        return code.run(r1, r2, r3, r4, r5, r10);
    }
}
