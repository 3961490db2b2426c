package dev.warden.bench;

import dev.warden.isa.Program;
import dev.warden.jit.JitEngine;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.LoadedProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The JIT's time per run of each workload in this thread's CPU time, which a machine busy with
 * other work disturbs far less than JMH's wall clock: after 4 s of warm-up, the median of 21
 * batches. For before/after comparisons on a loaded machine (docs/jit.md, "Cost of the exact
 * budget"); JMH ({@link WorkloadBench}) stays the reference on a quiet one.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -Dwarden.workloads=bench/workloads \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.warden.bench.WorkloadCpuTime</pre>
 */
public final class WorkloadCpuTime {
    private WorkloadCpuTime() {}

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder();
        for (String name : new String[] {"sum_loop", "fletcher", "fnv1a", "state_machine", "bubble_sort"}) {
            Program program = Workloads.program(name);
            byte[] bytes = Workloads.input(name);
            try (Arena arena = Arena.ofConfined();
                    LoadedProgram loaded = new JitEngine().load(program, ExecOptions.defaults())) {
                MemorySegment input = arena.allocate(bytes.length);
                input.copyFrom(MemorySegment.ofArray(bytes));
                int batch = name.equals("sum_loop") ? 2 : 2_000; // the loop alone takes milliseconds
                long warmEnd = System.nanoTime() + 4_000_000_000L;
                while (System.nanoTime() < warmEnd) {
                    loaded.run(input, Access.READ_ONLY);
                }
                long[] perRun = new long[21];
                for (int k = 0; k < perRun.length; k++) {
                    long c0 = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < batch; i++) {
                        loaded.run(input, Access.READ_ONLY);
                    }
                    perRun[k] = (threads.getCurrentThreadCpuTime() - c0) / batch;
                }
                Arrays.sort(perRun);
                out.append(String.format("%s %.2f us CPU per run%n", name, perRun[perRun.length / 2] / 1000.0));
            }
        }
        System.out.print(out);
    }
}
