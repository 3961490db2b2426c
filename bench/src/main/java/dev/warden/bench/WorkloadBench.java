package dev.warden.bench;

import dev.warden.isa.Program;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.StackInit;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The five workloads, native (gcc -O2, called through java.lang.foreign) against the JIT and
 * the interpreter, on the same input in native memory. Each engine runs the program through
 * {@link LoadedProgram#run(MemorySegment, Access)}, the embedding API (input in place, stack not
 * cleared between runs: the workloads write their stack before reading it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class WorkloadBench {

    @Param({"sum_loop", "fletcher", "fnv1a", "state_machine", "bubble_sort"})
    public String workload;

    private Arena arena;
    private MemorySegment input;
    private MethodHandle nativeFn;
    private LoadedProgram jit;
    private LoadedProgram interp;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        arena = Arena.ofShared();
        input = Workloads.input(workload, arena);
        nativeFn = Workloads.nativeFunction(workload, arena);
        Program program = Workloads.program(workload);
        ExecOptions options = ExecOptions.defaults().withStackInit(StackInit.UNSPECIFIED);
        jit = new JitEngine().load(program, options);
        interp = new Interpreter().load(program, options);
        // The three must agree, or the comparison means nothing.
        long expected = (long) nativeFn.invokeExact(input, input.byteSize());
        for (LoadedProgram lp : new LoadedProgram[] {jit, interp}) {
            ExecResult r = lp.run(input, Access.READ_WRITE);
            if (!(r instanceof ExecResult.Returned ret) || ret.r0() != expected) {
                throw new IllegalStateException(workload + ": native returned " + expected + ", " + lp + " " + r);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jit.close();
        interp.close();
        arena.close();
    }

    @Benchmark
    public long native_() throws Throwable {
        return (long) nativeFn.invokeExact(input, input.byteSize());
    }

    @Benchmark
    public ExecResult jit() {
        return jit.run(input, Access.READ_WRITE);
    }

    @Benchmark
    public ExecResult interp() {
        return interp.run(input, Access.READ_WRITE);
    }
}
