import dev.warden.runtime.host.EimClassPolicy;
import dev.warden.runtime.host.EntryArguments;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.Access;
import dev.warden.vm.ExecResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;

/**
 * What the request filter costs when one thread invokes it and when two threads invoke it at
 * once, as HttpFilterServer's two workers do: each thread alternates other work of its own (a
 * pass over {@code WORK_KIB} KiB of its own memory, standing in for the server's work on a
 * request) with one filter call on a {@code GET /index.html} request, on an extension loaded
 * with two CPUs like the server's. Each thread's CPU time per request is the median of ROUNDS
 * rounds of 20,000 requests (fewer with more than 16 KiB of work: 320,000 / WORK_KIB, at least
 * 1,000); the filter's cost is that minus the same loop without the filter,
 * measured in the same run. The same for the firewall written in Java
 * ({@code HttpFilterServer.JavaFilter}, no busy wait): a cost that two threads add to it too is
 * not Warden's.
 *
 * <p>The two threads are started with thread ids of the same parity ({@code threadId % 2}), the
 * case where both once tried the same CPU first.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp 'cli/target/warden.jar:cli/target/lib/*' \
 *     examples/http-filter/ConcurrentFilterCost.java OBJECT POLICY [ROUNDS [WORK_KIB]]</pre>
 */
public final class ConcurrentFilterCost {
    private static final ThreadMXBean CLOCK = ManagementFactory.getThreadMXBean();
    private static volatile long sink;

    /** What runs per request besides the other work. */
    private enum Filter { NONE, EXTENSION, JAVA }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 11;
        int workKib = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int requests = Math.max(1_000, Math.min(20_000, 320_000 / workKib));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment config = arena.allocate(8, 4);
            config.set(ValueLayout.JAVA_INT, 0, HttpFilterServer.MAX_PATH_LEN);
            ExtensionSpec spec = ExtensionSpec.of().withEntry(new EntryPoint("filterRequest", "filter", LinuxProgramType.XDP))
                    .withState("filter_config", config, Access.READ_ONLY).withCpus(2);
            try (Extension ext = Extensions.load(Path.of(args[0]), spec, EimClassPolicy.forClass(Path.of(args[1]), "urlFirewall"))) {
                long[][] perRequest = new long[2][Filter.values().length];
                // The first pass warms up; each measurement starts new threads.
                for (int pass = 0; pass < 2; pass++) {
                    for (int threads = 1; threads <= 2; threads++) {
                        for (Filter f : Filter.values()) {
                            perRequest[threads - 1][f.ordinal()] = measure(ext, f, threads, rounds, workKib, requests);
                        }
                    }
                }
                for (Filter f : new Filter[] {Filter.EXTENSION, Filter.JAVA}) {
                    long one = perRequest[0][f.ordinal()] - perRequest[0][Filter.NONE.ordinal()];
                    long two = perRequest[1][f.ordinal()] - perRequest[1][Filter.NONE.ordinal()];
                    System.out.println((f == Filter.EXTENSION ? "request filter" : "the same filter in Java")
                            + " between " + workKib + " KiB of other work per request: " + one + " ns CPU with one thread, "
                            + two + " ns with two at once (" + String.format("%+d", two - one) + " ns; medians of " + rounds
                            + " x " + String.format("%,d", requests) + " requests)");
                }
            }
        }
    }

    /** The median over rounds and threads of each thread's CPU time per request. */
    private static long measure(Extension ext, Filter filter, int threads, int rounds, int workKib, int requests) throws Exception {
        long[] perRound = new long[threads * rounds];
        CyclicBarrier start = new CyclicBarrier(threads);
        Thread[] workers = new Thread[threads];
        Extension.Entry entry = ext.entry("filterRequest");
        HttpFilterServer.JavaFilter java = new HttpFilterServer.JavaFilter(0);
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(() -> {
                byte[] request = new byte[HttpFilterServer.REQUEST_SIZE];
                byte[] path = "/index.html".getBytes(StandardCharsets.US_ASCII);
                MemorySegment r = MemorySegment.ofArray(request);
                r.set(ValueLayout.JAVA_INT_UNALIGNED, HttpFilterServer.METHOD, 1);
                r.set(ValueLayout.JAVA_INT_UNALIGNED, HttpFilterServer.PATH_LEN, path.length);
                System.arraycopy(path, 0, request, HttpFilterServer.PATH, path.length);
                EntryArguments arguments = EntryArguments.of(EntryArguments.Argument.bytes(request));
                long[] own = new long[workKib * 128];
                try {
                    for (int round = 0; round < rounds; round++) {
                        start.await();
                        long before = CLOCK.getCurrentThreadCpuTime();
                        long s = 0;
                        for (int i = 0; i < requests; i++) {
                            for (int k = 0; k < own.length; k += 8) {
                                s += own[k]++; // one write per cache line, as a request's buffers get
                            }
                            s += switch (filter) {
                                case NONE -> 0;
                                case EXTENSION -> ext.invoke(entry, arguments) instanceof ExecResult.Returned ret ? ret.r0() : -1;
                                case JAVA -> java.decide(request);
                            };
                        }
                        sink = s;
                        perRound[index * rounds + round] = (CLOCK.getCurrentThreadCpuTime() - before) / requests;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "filter-" + t);
            if (t == 0) {
                // A thread in between: the two workers' ids are then equal modulo two.
                Thread gap = new Thread(() -> { });
                gap.start();
                gap.join();
            }
        }
        for (Thread w : workers) {
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        Arrays.sort(perRound);
        return perRound[perRound.length / 2];
    }
}
