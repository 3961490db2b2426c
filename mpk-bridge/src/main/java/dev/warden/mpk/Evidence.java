package dev.warden.mpk;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Shows on the machine at hand that the bridge isolates: (1) a write inside a scope succeeds,
 * (2) the same write outside a scope kills a child JVM with SIGSEGV, (3) this JVM is unharmed,
 * (4) what one enter+exit pair costs. Run by {@code mpk-bridge/scripts/pku-evidence.sh}.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp mpk-bridge.jar dev.warden.mpk.Evidence [--mode M] [--pairs N]
 *   M: protection-keys (default; prints "not supported: ..." and exits 2 where the CPU lacks them)
 *      or mprotect (the fallback; works everywhere on Linux)
 * </pre>
 *
 * Exit status: 0 all four facts shown, 1 a check failed, 2 not supported here, 64 bad usage.
 */
public final class Evidence {

    /** Where the children write: not at 0, so the faulting address proves it was this write. */
    static final long OFFSET = 64;
    private static final long MARK = 0x5741_5244_454eL;  // "WARDEN"

    private Evidence() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            System.exit(child(Arrays.copyOfRange(args, 1, args.length)));
        }
        IsolationMode mode = IsolationMode.PROTECTION_KEYS;
        Optional<Integer> pairs = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> {
                    String m = i + 1 < args.length ? args[++i].toUpperCase(Locale.ROOT).replace('-', '_') : "";
                    if (!m.equals("PROTECTION_KEYS") && !m.equals("MPROTECT")) {
                        System.err.println("evidence: --mode takes protection-keys or mprotect");
                        System.exit(64);
                    }
                    mode = IsolationMode.valueOf(m);
                }
                case "--pairs" -> pairs = Optional.of(Integer.parseInt(args[++i]));
                default -> {
                    System.err.println("usage: Evidence [--mode protection-keys|mprotect] [--pairs N]");
                    System.exit(64);
                }
            }
        }
        System.exit(parent(mode, pairs.orElse(mode == IsolationMode.MPROTECT ? 200_000 : 2_000_000)));
    }

    static int parent(IsolationMode mode, int pairs) throws Exception {
        System.out.println("java " + Runtime.version() + " on " + System.getProperty("os.name") + " "
            + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", "
            + Runtime.getRuntime().availableProcessors() + " cpus");
        if (mode == IsolationMode.PROTECTION_KEYS
            && ProtectionKeys.probe() instanceof Support.Unsupported u) {
            System.out.println("not supported: " + u.reason());
            return 2;
        }
        System.out.println("protection keys: " + ProtectionKeys.probe().describe());
        System.out.println("mode: " + mode);
        List<String> failures = new ArrayList<>();
        KeyAllocator allocator = ProtectionKeys.allocator(mode);
        try (ProtectionKey key = allocator.allocate(); ProtectedRegion region = ProtectedRegion.map(key, 4096)) {
            MemorySegment s = region.segment();
            // (1)
            try (WriteScope _ = key.openWrite()) {
                s.set(ValueLayout.JAVA_LONG, OFFSET, MARK);
            }
            check(failures, s.get(ValueLayout.JAVA_LONG, OFFSET) == MARK,
                "1 write inside a scope: ok, read back 0x" + Long.toHexString(MARK) + " outside it");
            // (2) a control child first: the harness itself must let a scoped write through.
            ChildJvm.Result inside = ChildJvm.run(mode.name(), "write-inside");
            check(failures, inside.exitCode() == 0 && inside.stdout().contains("wrote"),
                "2a child JVM, write inside a scope: exit " + inside.exitCode() + ", " + lastLine(inside.stdout()));
            ChildJvm.Result outside = ChildJvm.run(mode.name(), "write-outside");
            int expectedCode = mode == IsolationMode.PROTECTION_KEYS ? ChildJvm.SEGV_PKUERR : ChildJvm.SEGV_ACCERR;
            Optional<Long> target = outside.regionAddress().map(a -> a + OFFSET);
            boolean killed = outside.exitCode() != 0 && outside.fault().isPresent() && target.isPresent()
                && outside.fault().get().signal().equals("SIGSEGV")
                && outside.fault().get().code() == expectedCode
                && outside.fault().get().address() == target.get();
            check(failures, killed, "2 child JVM, same write outside a scope: exit " + outside.exitCode() + ", "
                + outside.fault().map(f -> f.signal() + " si_code " + f.code() + " (" + f.codeName() + ") at 0x"
                    + Long.toHexString(f.address())).orElse("no fault report")
                + target.map(t -> ", the write's address was 0x" + Long.toHexString(t)).orElse(", no region printed"));
            // (3)
            boolean intact = s.get(ValueLayout.JAVA_LONG, OFFSET) == MARK;
            try (WriteScope _ = key.openWrite()) {
                s.set(ValueLayout.JAVA_LONG, OFFSET, ~MARK);
            }
            check(failures, intact && s.get(ValueLayout.JAVA_LONG, OFFSET) == ~MARK,
                "3 this JVM: alive, its region intact, scoped writes still work");
            // (4)
            Timing t = time(key, pairs, Optional.empty());
            System.out.printf(Locale.ROOT, "4 enter+exit pair (%s, 1 region of 1 page, in use): median %.1f ns,"
                + " min %.1f ns, max %.1f ns over %d rounds of %d pairs; thread CPU time median %.1f ns%n",
                mode, t.median(), t.min(), t.max(), t.rounds(), pairs, t.cpuMedian());
            Timing w = time(key, pairs, Optional.of(s));
            System.out.printf(Locale.ROOT, "  enter, one 8-byte write, exit (%s): median %.1f ns, min %.1f ns, max %.1f ns;"
                + " thread CPU time median %.1f ns%n", mode, w.median(), w.min(), w.max(), w.cpuMedian());
        }
        try (ProtectionKey none = ProtectionKeys.allocator(IsolationMode.NONE).allocate();
             ProtectedRegion plain = ProtectedRegion.map(none, 4096)) {
            // Ten times the pairs: the baseline is ~1000 times cheaper than a system call.
            Timing t = time(none, pairs * 10, Optional.empty());
            Timing w = time(none, pairs * 10, Optional.of(plain.segment()));
            System.out.printf(Locale.ROOT, "  baseline without isolation (NONE): enter+exit median %.1f ns,"
                + " enter+write+exit median %.1f ns%n", t.median(), w.median());
        }
        try {
            String load = Files.readString(Path.of("/proc/loadavg")).strip();
            System.out.println("  load average during the run (1, 5, 15 min): " + load);
        } catch (IOException e) {
            System.out.println("  load average: unknown (" + e.getMessage() + ")");
        }
        if (!failures.isEmpty()) {
            System.out.println("FAILED: " + String.join("; ", failures));
            return 1;
        }
        System.out.println("all checks passed");
        return 0;
    }

    private static void check(List<String> failures, boolean ok, String line) {
        System.out.println((ok ? "" : "FAILED ") + line);
        if (!ok) {
            failures.add(line);
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    /**
     * Nanoseconds per enter+exit pair, per round.
     *
     * @param median the median round
     * @param min the fastest round
     * @param max the slowest round
     * @param rounds measured rounds (after warm-up)
     * @param cpuMedian the median round in this thread's CPU time (excludes waiting for a core)
     */
    record Timing(double median, double min, double max, int rounds, double cpuMedian) {}

    /**
     * A careful loop: warm-up rounds until the JIT has compiled the scope path, then timed rounds;
     * the median round is the answer. The scope's native calls cannot be optimised away.
     *
     * @param write where to store 8 bytes inside each scope; empty: enter and exit only
     */
    static Timing time(ProtectionKey key, int pairs, Optional<MemorySegment> write) {
        int warmup = 5;
        int rounds = 11;
        double[] ns = new double[rounds];
        double[] cpu = new double[rounds];
        MemorySegment target = write.orElse(MemorySegment.NULL);
        boolean store = write.isPresent();
        for (int r = 0; r < warmup + rounds; r++) {
            long c0 = Libc.threadCpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < pairs; i++) {
                try (WriteScope _ = key.openWrite()) {
                    if (store) {
                        target.set(ValueLayout.JAVA_LONG, 0, i);
                    }
                }
            }
            long t1 = System.nanoTime();
            long c1 = Libc.threadCpuNanos();
            if (r >= warmup) {
                ns[r - warmup] = (double) (t1 - t0) / pairs;
                cpu[r - warmup] = (double) (c1 - c0) / pairs;
            }
        }
        Arrays.sort(ns);
        Arrays.sort(cpu);
        return new Timing(ns[rounds / 2], ns[0], ns[rounds - 1], rounds, cpu[rounds / 2]);
    }

    /** {@code child MODE write-inside|write-outside}: maps a region, prints it, writes. */
    private static int child(String[] args) throws MpkException {
        if (args.length != 2) {
            System.err.println("usage: Evidence child MODE write-inside|write-outside");
            return 64;
        }
        IsolationMode mode = IsolationMode.valueOf(args[0]);
        try (ProtectionKey key = ProtectionKeys.allocator(mode).allocate();
             ProtectedRegion region = ProtectedRegion.map(key, 4096)) {
            System.out.println("region 0x" + Long.toHexString(region.address()) + " mode " + mode + " key " + key.id());
            System.out.flush();
            switch (args[1]) {
                case "write-inside" -> {
                    try (WriteScope _ = key.openWrite()) {
                        region.segment().set(ValueLayout.JAVA_LONG, OFFSET, MARK);
                    }
                    System.out.println("wrote inside the scope");
                }
                case "write-outside" -> {
                    region.segment().set(ValueLayout.JAVA_LONG, OFFSET, MARK);
                    System.out.println("wrote outside the scope: NOT isolated");
                }
                default -> {
                    System.err.println("unknown child action " + args[1]);
                    return 64;
                }
            }
        }
        return 0;
    }
}
