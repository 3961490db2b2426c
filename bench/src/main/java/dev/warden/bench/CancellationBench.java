package dev.warden.bench;

import dev.warden.isa.Program;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Access;
import dev.warden.vm.Cancellation;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.StackInit;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * The cost of KFlex's cancellation checks on the five workloads: each engine runs the workload as
 * loaded without polls and as loaded with {@link Cancellation#POLLED} and a time budget (ten minutes,
 * which no run reaches, so every poll is paid and none fires), in the same run. The polled variant
 * counts down at every back edge and call and reads the clock every 1,024 of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CancellationBench {

    @Param({"sum_loop", "fletcher", "fnv1a", "state_machine", "bubble_sort"})
    public String workload;

    private Arena arena;
    private MemorySegment input;
    private LoadedProgram jit;
    private LoadedProgram jitPolled;
    private LoadedProgram interp;
    private LoadedProgram interpPolled;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        arena = Arena.ofShared();
        input = Workloads.input(workload, arena);
        Program program = Workloads.program(workload);
        ExecOptions plain = ExecOptions.defaults().withStackInit(StackInit.UNSPECIFIED);
        ExecOptions polled = plain.withCancellation(Cancellation.POLLED);
        jit = new JitEngine().load(program, plain);
        jitPolled = new JitEngine().load(program, polled);
        interp = new Interpreter().load(program, plain);
        interpPolled = new Interpreter().load(program, polled);
        jitPolled.memory().setTimeBudget(600_000_000_000L);
        interpPolled.memory().setTimeBudget(600_000_000_000L);
        ExecResult expected = jit.run(input, Access.READ_WRITE);
        for (LoadedProgram lp : new LoadedProgram[] {jitPolled, interp, interpPolled}) {
            ExecResult r = lp.run(input, Access.READ_WRITE);
            if (!r.equals(expected)) {
                throw new IllegalStateException(workload + ": " + expected + " without polls, " + r + " with");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jit.close();
        jitPolled.close();
        interp.close();
        interpPolled.close();
        arena.close();
    }

    @Benchmark
    public ExecResult jit() {
        return jit.run(input, Access.READ_WRITE);
    }

    @Benchmark
    public ExecResult jitPolled() {
        return jitPolled.run(input, Access.READ_WRITE);
    }

    @Benchmark
    public ExecResult interp() {
        return interp.run(input, Access.READ_WRITE);
    }

    @Benchmark
    public ExecResult interpPolled() {
        return interpPolled.run(input, Access.READ_WRITE);
    }
}
