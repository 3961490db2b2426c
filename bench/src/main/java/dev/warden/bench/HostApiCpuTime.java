package dev.warden.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@link HostApiBench}'s single-thread benchmarks in this thread's CPU time, which a machine busy
 * with other work disturbs far less than JMH's wall clock: 3 s of warm-up each, then the median of
 * 21 batches of 200,000 calls. Prints each cost and its ratio to the baselines.
 *
 * <p>Outside JMH, {@code @CompilerControl} does nothing: run with the command below, whose
 * {@code CompileCommand} keeps the Java-call baseline a real call.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -XX:CompileCommand=quiet \
 *     -XX:CompileCommand=dontinline,dev.warden.bench.HostApiBench::javaMethod \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.warden.bench.HostApiCpuTime</pre>
 */
public final class HostApiCpuTime {
    private HostApiCpuTime() {}

    public static void main(String[] args) throws Exception {
        HostApiBench b = new HostApiBench();
        b.setUp();
        HostApiBench.Keys keys = new HostApiBench.Keys();
        keys.setUp();
        Map<String, LongSupplier> cases = new LinkedHashMap<>();
        cases.put("baselineJavaCall", b::baselineJavaCall);
        cases.put("baselineBareJitRun", () -> b.baselineBareJitRun().hashCode());
        cases.put("invokeEmptyExtension", () -> b.invokeEmptyExtension().hashCode());
        cases.put("extensionCountsPacket", () -> b.extensionCountsPacket().hashCode());
        cases.put("hostHashLookup", () -> b.hostHashLookup(keys).hashCode());
        cases.put("hostHashUpdate", () -> b.hostHashUpdate(keys));
        cases.put("baselineConcurrentHashMapGet", () -> b.baselineConcurrentHashMapGet(keys));
        cases.put("baselineConcurrentHashMapMerge", () -> b.baselineConcurrentHashMapMerge(keys));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Double> ns = new LinkedHashMap<>();
        long sink = 0;
        for (Map.Entry<String, LongSupplier> c : cases.entrySet()) {
            LongSupplier s = c.getValue();
            long warmEnd = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                sink += s.getAsLong();
            }
            int batch = 200_000;
            long[] per = new long[21];
            for (int k = 0; k < per.length; k++) {
                long c0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < batch; i++) {
                    sink += s.getAsLong();
                }
                per[k] = threads.getCurrentThreadCpuTime() - c0;
            }
            Arrays.sort(per);
            ns.put(c.getKey(), per[per.length / 2] / (double) batch);
        }
        b.tearDown();
        for (Map.Entry<String, Double> e : ns.entrySet()) {
            System.out.printf("%-32s %8.1f ns CPU/op  %6.1fx javaCall  %6.2fx bareJitRun%n", e.getKey(), e.getValue(),
                    e.getValue() / ns.get("baselineJavaCall"), e.getValue() / ns.get("baselineBareJitRun"));
        }
        System.out.println("(sink " + (sink & 1) + ")");
    }
}
