package dev.warden.bench;

import dev.warden.isa.Program;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Access;
import dev.warden.vm.Cancellation;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.StackInit;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * {@link CancellationBench}'s comparison in this thread's CPU time, steadier than JMH's wall clock on
 * a loaded machine: per workload and engine, the program loaded without polls and with
 * {@link Cancellation#POLLED} (a time budget no run reaches), warmed up together, then 21 batches of
 * each, interleaved so that both see the same machine; the medians and their ratio.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -Dwarden.workloads=bench/workloads \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.warden.bench.CancellationCpuTime</pre>
 *
 * <p>{@code -Dwarden.engines=jit} measures the JIT alone, {@code -Dwarden.workload=NAME} one workload.
 */
public final class CancellationCpuTime {
    private CancellationCpuTime() {}

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder();
        boolean jitOnly = System.getProperty("warden.engines", "all").equals("jit");
        Engine[] engines = jitOnly ? new Engine[] {new JitEngine()} : new Engine[] {new JitEngine(), new Interpreter()};
        for (Engine engine : engines) {
            for (String name : new String[] {"sum_loop", "fletcher", "fnv1a", "state_machine", "bubble_sort"}) {
                if (!System.getProperty("warden.workload", name).equals(name)) {
                    continue;
                }
                Program program = Workloads.program(name);
                byte[] bytes = Workloads.input(name);
                ExecOptions plain = ExecOptions.defaults().withStackInit(StackInit.UNSPECIFIED);
                try (Arena arena = Arena.ofConfined();
                        LoadedProgram off = engine.load(program, plain);
                        LoadedProgram on = engine.load(program, plain.withCancellation(Cancellation.POLLED))) {
                    on.memory().setTimeBudget(600_000_000_000L);
                    MemorySegment input = arena.allocate(bytes.length);
                    input.copyFrom(MemorySegment.ofArray(bytes));
                    int batch = name.equals("sum_loop") ? 1 : engine instanceof JitEngine ? 1_000 : 20;
                    long warmEnd = System.nanoTime() + 3_000_000_000L;
                    while (System.nanoTime() < warmEnd) {
                        off.run(input, Access.READ_ONLY);
                        on.run(input, Access.READ_ONLY);
                    }
                    long[] a = new long[21];
                    long[] b = new long[21];
                    for (int k = 0; k < a.length; k++) {
                        a[k] = cpuPerRun(threads, off, input, batch);
                        b[k] = cpuPerRun(threads, on, input, batch);
                    }
                    Arrays.sort(a);
                    Arrays.sort(b);
                    double x = a[a.length / 2] / 1000.0;
                    double y = b[b.length / 2] / 1000.0;
                    out.append(String.format("%s %s: %.2f us without polls, %.2f us with, ratio %.3f%n", engine.name(), name, x, y, y / x));
                }
            }
        }
        System.out.print(out);
    }

    private static long cpuPerRun(ThreadMXBean threads, LoadedProgram p, MemorySegment input, int batch) {
        long c0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < batch; i++) {
            p.run(input, Access.READ_ONLY);
        }
        return (threads.getCurrentThreadCpuTime() - c0) / batch;
    }
}
