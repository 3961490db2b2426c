package dev.warden.runtime.evidence;

import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.ProtectionKeys;
import dev.warden.mpk.Support;
import dev.warden.runtime.evidence.EvidenceObjects.Shape;
import dev.warden.runtime.evidence.Report.Outcome;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.linux.HostMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Host map throughput from 1, 2, 4, 8 and 16 platform threads on one hash map of 1,024 present
 * 8-byte keys ({@link Shape#EMPTY_WITH_MAP}'s {@code table}): lookups, and in-place updates, each
 * thread walking the keys from its own starting point for a fixed time; per thread count the median
 * of the rounds' total operations per second. Without isolation, and under {@code PROTECTION_KEYS}
 * where the CPU has keys (every update opens the key's scope on its own thread, and so does every
 * lookup, since a thread may start without rights). Not under {@code MPROTECT}: its two
 * process-wide {@code mprotect}s per update serialise in the kernel, measured single-threaded in
 * docs/mpk.md. The thread counts beyond the machine's cores show oversubscription, not scaling.
 */
final class MapScaling {
    private MapScaling() {}

    private static final int[] THREAD_COUNTS = {1, 2, 4, 8, 16};
    private static final int KEYS = 1024;

    private enum Operation {
        LOOKUP, UPDATE
    }

    static void measure(Report report, Effort effort) throws Exception {
        List<IsolationMode> modes = new ArrayList<>(List.of(IsolationMode.NONE));
        if (ProtectionKeys.probe() instanceof Support.Supported) {
            modes.add(IsolationMode.PROTECTION_KEYS);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        report.note("c host map throughput, hash of " + KEYS + " keys, " + cores + " cores here; million operations per second"
                + " (median of " + effort.mapRounds + " rounds of " + effort.mapRoundMillis + " ms), and per thread relative to 1 thread");
        for (IsolationMode mode : modes) {
            try (Extension ext = EvidenceObjects.load(Shape.EMPTY_WITH_MAP, mode, 1)) {
                HostMap table = ext.map("table").orElseThrow();
                for (int i = 0; i < KEYS; i++) {
                    table.update(key(i), new byte[8], HostMap.ANY);
                }
                for (Operation op : Operation.values()) {
                    round(table, op, 2, effort.mapRoundMillis); // warm-up, on more than one thread
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-6s %-15s", op, mode));
                    double one = 0;
                    for (int threads : THREAD_COUNTS) {
                        double[] rates = new double[effort.mapRounds];
                        for (int r = 0; r < rates.length; r++) {
                            rates[r] = round(table, op, threads, effort.mapRoundMillis);
                        }
                        Arrays.sort(rates);
                        double rate = rates[rates.length / 2];
                        one = threads == 1 ? rate : one;
                        line.append(String.format(Locale.ROOT, "  %d thr %.2f (%.2f)", threads, rate / 1e6, rate / threads / one));
                    }
                    report.note(line.toString());
                }
            }
        }
        report.claim("c map scaling 1-16 threads measured", Outcome.SHOWN, "modes " + modes + " on " + cores + " cores");
        if (!modes.contains(IsolationMode.PROTECTION_KEYS)) {
            report.claim("c map scaling under PROTECTION_KEYS", Outcome.NOT_SUPPORTED, ProtectionKeys.probe().describe());
        }
    }

    /** Operations per second of {@code threads} threads doing {@code op} for {@code millis}. */
    private static double round(HostMap table, Operation op, int threads, long millis) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        // Each thread adds its own rate (its operations over its own time from the barrier to its
        // deadline): the sum is the throughput while they all ran, also when threads start late.
        DoubleAdder total = new DoubleAdder();
        List<Thread> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * (KEYS / THREAD_COUNTS[THREAD_COUNTS.length - 1]);
            list.add(Thread.ofPlatform().start(() -> {
                byte[][] keys = new byte[KEYS][];
                for (int i = 0; i < KEYS; i++) {
                    keys[i] = key(i);
                }
                byte[] value = new byte[8];
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long n = 0;
                int k = first;
                long t0 = System.nanoTime();
                long end = t0 + millis * 1_000_000;
                long now = t0;
                while (now < end) {
                    for (int i = 0; i < 64; i++) {
                        k = (k + 1) & (KEYS - 1);
                        n += switch (op) {
                            case LOOKUP -> table.lookup(keys[k]).isPresent() ? 1 : 0;
                            case UPDATE -> table.update(keys[k], value, HostMap.ANY) == 0 ? 1 : 0;
                        };
                    }
                    now = System.nanoTime();
                }
                total.add(n / ((now - t0) / 1e9));
            }));
        }
        start.await();
        for (Thread t : list) {
            t.join();
        }
        if (total.sum() == 0) {
            throw new IllegalStateException("no " + op + " succeeded");
        }
        return total.sum();
    }

    static byte[] key(int i) {
        return new byte[] {(byte) i, (byte) (i >>> 8), 0, 0, 0, 0, 0, 0};
    }
}
