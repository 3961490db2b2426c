package dev.warden.bench;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.random.GeneratorOptions;
import dev.warden.isa.random.RandomProgramGenerator;
import dev.warden.jit.JitEngine;
import dev.warden.vm.Access;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JIT's fixed costs: calling a compiled empty program ({@code r0 = 0; exit}) through the
 * embedding API, and compiling (translating, loading and instantiating) a 1,000-instruction
 * program.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class JitOverheadBench {
    private Arena arena;
    private MemorySegment input;
    private LoadedProgram empty;
    private Program thousand;
    private ExecOptions options;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        arena = Arena.ofShared();
        input = arena.allocate(16);
        options = ExecOptions.defaults().withStackInit(StackInit.UNSPECIFIED);
        empty = new JitEngine().load(Program.of(
                new Instruction.Alu(dev.warden.isa.Width.W64, dev.warden.isa.AluOp.MOV, dev.warden.isa.Reg.R0,
                        new dev.warden.isa.Imm(0)),
                new Instruction.Exit()), options);
        // A verifier-shaped random program of 1,000 instructions (prologue included).
        GeneratorOptions g = GeneratorOptions.defaults();
        int body = 1_000;
        Program p = new RandomProgramGenerator(g.withBodyInstructions(body)).generate(1).program();
        body -= p.size() - 1_000;
        thousand = new RandomProgramGenerator(g.withBodyInstructions(body)).generate(1).program();
        System.err.println("compile benchmark program: " + thousand.size() + " instructions");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        empty.close();
        arena.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public ExecResult callEmptyProgram() {
        return empty.run(input, Access.READ_WRITE);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public LoadedProgram compileThousandInstructions() {
        LoadedProgram lp = new JitEngine().load(thousand, options);
        lp.close();
        return lp;
    }
}
