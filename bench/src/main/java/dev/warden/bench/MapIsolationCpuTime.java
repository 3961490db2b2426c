package dev.warden.bench;

import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.VerificationPolicy;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What putting map values under the extension key costs (docs/mpk.md, "Cost"), in this thread's
 * CPU time (user plus system, so the {@code mprotect} calls count), each case beside its
 * {@code NONE} twin in the same run: invoking {@code xdp_counter} (lookup and atomic add per
 * packet), the host's hash update (a write: one scope per call) and lookup (a read: none), and the
 * {@code MPROTECT} invocation again as more isolated extensions (each one region of the key)
 * are loaded, since a scope toggles every region of the key in the process.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -Dwarden.examples=examples \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.warden.bench.MapIsolationCpuTime</pre>
 */
public final class MapIsolationCpuTime {
    private MapIsolationCpuTime() {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static long sink;

    /** Median CPU nanoseconds per call over 11 batches of {@code batch} calls, after 1 s of warm-up. */
    static double measure(LongSupplier s, int batch) {
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink += s.getAsLong();
        }
        long[] per = new long[11];
        for (int k = 0; k < per.length; k++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++) {
                sink += s.getAsLong();
            }
            per[k] = THREADS.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(per);
        return per[per.length / 2] / (double) batch;
    }

    static Extension counter(IsolationMode mode) throws Exception {
        Path example = Path.of(System.getProperty("warden.examples", "examples"), "xdp_counter.o");
        return Extensions.load(example, ExtensionSpec.of().withEntry(EntryPoint.of("xdp_counter", LinuxProgramType.XDP))
                .withCpus(2).withIsolation(mode), VerificationPolicy.linux());
    }

    /** An extension with an 8-byte-keyed hash of {@code keys} entries (and an entry that returns 2). */
    static Extension table(IsolationMode mode, int keys) throws Exception {
        Extension e = Extensions.load(EmptyWithTable.object(), "table",
                ExtensionSpec.of().withEntry(EntryPoint.of("empty", LinuxProgramType.XDP)).withCpus(2).withIsolation(mode),
                VerificationPolicy.linux());
        HostMap h = e.map("table").orElseThrow();
        for (int i = 0; i < keys; i++) {
            h.update(key(i), new byte[8], HostMap.ANY);
        }
        return e;
    }

    static byte[] key(int i) {
        return new byte[] {(byte) i, (byte) (i >>> 8), 0, 0, 0, 0, 0, 0};
    }

    public static void main(String[] args) throws Exception {
        byte[] tcp = new byte[54];
        tcp[12] = 0x08;
        tcp[23] = 6;
        byte[][] keys = new byte[64][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(i);
        }
        byte[] value = new byte[8];
        int[] next = {0};
        List<String> lines = new ArrayList<>();
        double[] invoke = new double[2];
        double[] update = new double[2];
        double[] lookup = new double[2];
        List<Extension> open = new ArrayList<>();
        for (IsolationMode mode : List.of(IsolationMode.NONE, IsolationMode.MPROTECT)) {
            int m = mode == IsolationMode.NONE ? 0 : 1;
            int batch = m == 0 ? 200_000 : 5_000;
            Extension c = counter(mode);
            Extension.Entry entry = c.entry("xdp_counter");
            Extension t = table(mode, keys.length);
            HostMap h = t.map("table").orElseThrow();
            open.add(c);
            open.add(t);
            invoke[m] = measure(() -> c.invoke(entry, tcp).hashCode(), batch);
            update[m] = measure(() -> h.update(keys[next[0] = (next[0] + 1) & 63], value, HostMap.ANY), batch);
            lookup[m] = measure(() -> h.lookup(keys[next[0] = (next[0] + 1) & 63]).hashCode(), 200_000);
            lines.add(String.format("%-9s regions of the key: counter %d, table %d", mode, c.protectedRegions(), t.protectedRegions()));
        }
        lines.add(String.format("xdp_counter invoke      NONE %8.1f ns  MPROTECT %9.1f ns  ratio %6.1f", invoke[0], invoke[1],
                invoke[1] / invoke[0]));
        lines.add(String.format("host hash update        NONE %8.1f ns  MPROTECT %9.1f ns  ratio %6.1f", update[0], update[1],
                update[1] / update[0]));
        lines.add(String.format("host hash lookup (read) NONE %8.1f ns  MPROTECT %9.1f ns  ratio %6.1f", lookup[0], lookup[1],
                lookup[1] / lookup[0]));
        // The MPROTECT counter again with more isolated extensions loaded: each adds one region of the key.
        Extension c = open.get(2);
        Extension.Entry entry = c.entry("xdp_counter");
        int regions = open.get(2).protectedRegions() + open.get(3).protectedRegions();
        for (int more : new int[] {0, 2, 6, 14}) {
            while (open.size() - 4 < more) {
                Extension e = table(IsolationMode.MPROTECT, 1);
                regions += e.protectedRegions();
                open.add(e);
            }
            double ns = measure(() -> c.invoke(entry, tcp).hashCode(), 2_000);
            lines.add(String.format("MPROTECT xdp_counter invoke with %2d regions of the key in the process: %9.1f ns (%.2f us per region)",
                    regions, ns, ns / regions / 1000));
        }
        for (Extension e : open) {
            e.close();
        }
        lines.forEach(System.out::println);
        System.out.println("(sink " + (sink & 1) + ")");
    }
}
