package dev.warden.bench;

import dev.warden.eim.Eim;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.runtime.eim.BufferEntry;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Helpers;
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
 * The workloads verified against class {@code bufferOnly} of {@code bench/workloads/bench.eim},
 * then compiled by the JIT twice: with the checks the proof made redundant left out
 * ({@link BufferEntry.Checks#ELIDE_PROVED}) and with every check ({@link BufferEntry.Checks#KEEP_ALL}),
 * against native C in the same run. Every engine gets the same 4 KiB buffer ({@code sizeof(Buffer)}
 * in the policy; the workloads that read less read its first bytes, as in {@link WorkloadBench}).
 * {@code fletcher} is proved since the loop-head narrowing for registers advanced by a constant
 * (its pointer moves by 2 beside the counter; docs/eim.md, Running against a class).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ElisionBench {
    /** sizeof(Buffer) in bench.eim. */
    static final int BUFFER = 4096;

    @Param({"sum_loop", "fletcher", "fnv1a", "state_machine", "bubble_sort"})
    public String workload;

    private Arena arena;
    private MemorySegment input;
    private MethodHandle nativeFn;
    private BufferEntry elided;
    private BufferEntry checked;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        arena = Arena.ofShared();
        byte[] bytes = Workloads.input(workload);
        input = arena.allocate(BUFFER, 16);
        input.copyFrom(MemorySegment.ofArray(bytes));
        nativeFn = Workloads.nativeFunction(workload, arena);
        BpfObject object = ElfReader.read(Workloads.dir().resolve("workloads.bpf.o"));
        BpfProgram program = object.program("wl_" + workload).orElseThrow();
        EimPlatform eim = switch (EimPlatform.forClass(Eim.parse(Workloads.dir().resolve("bench.eim")), "bufferOnly")) {
            case EimPlatform.Built.Ok ok -> ok.platform();
            case EimPlatform.Built.Failed f -> throw new IllegalStateException(f.message());
        };
        // The sum loop's bound is the input's first word: its loops are left to the budget.
        Termination termination = workload.equals("sum_loop") ? Termination.RUNTIME : Termination.PROOF;
        VerificationResult r = Verifier.verify(object, program, VerifierOptions.linux().withTermination(termination), eim);
        if (!(r instanceof VerificationResult.Verified v)) {
            throw new IllegalStateException(workload + " is rejected by class bufferOnly: " + r);
        }
        ExecOptions options = ExecOptions.defaults().withStackInit(StackInit.UNSPECIFIED).withHelpers(Helpers.none());
        elided = BufferEntry.load(v.program(), options, BufferEntry.Checks.ELIDE_PROVED);
        checked = BufferEntry.load(v.program(), options, BufferEntry.Checks.KEEP_ALL);
        System.out.printf("%n%s: %d of %d memory checks elided%n", workload, elided.checksElided(), elided.checksTotal());
        // The three must agree, or the comparison means nothing.
        long expected = (long) nativeFn.invokeExact(input, input.byteSize());
        for (BufferEntry e : new BufferEntry[] {elided, checked}) {
            ExecResult res = e.run(input);
            if (!(res instanceof ExecResult.Returned ret) || ret.r0() != expected) {
                throw new IllegalStateException(workload + ": native returned " + expected + ", the JIT " + res);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        elided.close();
        checked.close();
        arena.close();
    }

    /** One of the three measured calls. */
    private interface Variant {
        Object run() throws Throwable;
    }

    /**
     * The same three in this thread's CPU time, which a loaded machine disturbs less than JMH's
     * wall clock: per workload, after 3 s of warm-up, 15 rounds that each time a batch of every
     * variant in turn (so that load changes hit all three alike); the median per run of each.
     * Arguments name the workloads to time (all five when none).
     *
     * <pre>java --enable-native-access=ALL-UNNAMED -Dwarden.workloads=bench/workloads \
     *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.warden.bench.ElisionBench</pre>
     */
    public static void main(String[] args) throws Throwable {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder("workload: native / JIT with every check / JIT elided, median µs CPU per run\n");
        String[] names = args.length > 0 ? args : new String[] {"sum_loop", "fletcher", "fnv1a", "state_machine", "bubble_sort"};
        for (String name : names) {
            ElisionBench b = new ElisionBench();
            b.workload = name;
            b.setUp();
            try {
                java.util.List<Variant> variants = java.util.List.of(b::native_, b::jitChecked, b::jitElided);
                int batch = name.equals("sum_loop") ? 2 : 1_000; // the loop alone takes milliseconds
                long warmEnd = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < warmEnd) {
                    for (var v : variants) {
                        v.run();
                    }
                }
                long[][] perRun = new long[3][15];
                for (int k = 0; k < 15; k++) {
                    for (int j = 0; j < 3; j++) {
                        long c0 = threads.getCurrentThreadCpuTime();
                        for (int i = 0; i < batch; i++) {
                            variants.get(j).run();
                        }
                        perRun[j][k] = (threads.getCurrentThreadCpuTime() - c0) / batch;
                    }
                }
                out.append(name);
                for (long[] runs : perRun) {
                    java.util.Arrays.sort(runs);
                    out.append(String.format(" %.2f", runs[runs.length / 2] / 1000.0));
                }
                out.append('\n');
            } finally {
                b.tearDown();
            }
        }
        System.out.print(out);
    }

    @Benchmark
    public long native_() throws Throwable {
        return (long) nativeFn.invokeExact(input, input.byteSize());
    }

    @Benchmark
    public ExecResult jitElided() {
        return elided.run(input);
    }

    @Benchmark
    public ExecResult jitChecked() {
        return checked.run(input);
    }
}
