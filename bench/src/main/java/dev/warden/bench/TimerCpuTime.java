package dev.warden.bench;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.isa.elf.MapKind;
import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.VerificationPolicy;
import dev.warden.runtime.linux.ExtensionEngine;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.LoadedObject;
import dev.warden.runtime.linux.TimerClock;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Helpers;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code bpf_timer}s cost, each case A/B in alternating rounds (median of 7), for a shared
 * machine where only ratios mean much:
 * <ol>
 * <li>a hash insertion plus deletion from the host: in a hash no timer was ever initialised in
 *     against a per-CPU hash on one CPU (the same code, which never indexes); and in a hash whose
 *     values are indexed for {@code bpf_timer_init} (a timer was initialised in it) against one
 *     whose values are not;</li>
 * <li>a host overwrite of a hash element and of an array element in a version with no timer
 *     initialised against one with two in the array (an overwrite in a map holding timers looks
 *     for timers to free under the timers' lock);</li>
 * <li>closing a version with 10,000 armed timers against one with none (wall time);</li>
 * <li>callbacks per second: 64 timers that re-arm at once, each callback one trace line, on the
 *     system clock, for one second (wall time; the scheduler thread runs them one at a time).</li>
 * </ol>
 * Needs clang (it compiles runtime/src/test/resources/kernel-diff/timers.c); run from the repository root:
 * <pre>java --enable-native-access=ALL-UNNAMED \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.warden.bench.TimerCpuTime</pre>
 */
public final class TimerCpuTime {
    private TimerCpuTime() {}

    static final int OPS = 200_000;
    static final int ROUNDS = 7;

    public static void main(String[] args) throws Exception {
        BpfObject timers = compile();
        System.out.print(insertDelete(timers));
        System.out.print(overwrite(timers));
        System.out.print(close(timers));
        System.out.print(callbacksPerSecond(timers));
    }

    private static String insertDelete(BpfObject timers) throws Exception {
        StringBuilder out = new StringBuilder();
        BpfMap hash = new BpfMap(0, "hash", MapKind.BTF, 1, 8, 40, 4096, 0, new byte[0]);
        BpfMap perCpu = new BpfMap(1, "percpu", MapKind.BTF, 5, 8, 40, 4096, 0, new byte[0]);
        BpfProgram p = new BpfProgram("empty", "xdp", dev.warden.isa.asm.Assembler.assemble("r0 = 2\nexit\n"), List.of(), List.of(),
                List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(hash, perCpu), "GPL");
        try (Extension ext = Extensions.load(o, "maps", ExtensionSpec.of().withEntry(EntryPoint.of("empty", LinuxProgramType.XDP))
                .withCpus(1), VerificationPolicy.linux())) {
            HostMap a = ext.map("hash").orElseThrow();
            HostMap b = ext.map("percpu").orElseThrow();
            double[][] r = alternate(() -> insertDeleteRound(a, 8), () -> insertDeleteRound(b, 8));
            out.append(line("hash insert+delete, ns CPU/op: hash no timer was ever initialised in", r[0], "per-CPU hash, 1 CPU", r[1]));
        }
        // timers.c's hash once "fires" initialised timers in it (so its values are indexed), those freed again, against a fresh one.
        try (LoadedObject indexed = load(timers, 1_000_000); LoadedObject fresh = load(timers, 1_000_000)) {
            run(indexed, "fires");
            HostMap a = indexed.map("hash").orElseThrow();
            for (int k : new int[] {3, 4}) {
                a.delete(new byte[] {(byte) k, 0, 0, 0});
            }
            HostMap b = fresh.map("hash").orElseThrow();
            double[][] r = alternate(() -> insertDeleteRound(a, 4), () -> insertDeleteRound(b, 4));
            out.append(line("hash insert+delete, ns CPU/op: values indexed (a timer was initialised in the map)", r[0], "not indexed", r[1]));
        }
        return out.toString();
    }

    private static double insertDeleteRound(HostMap map, int keySize) {
        byte[] value = new byte[40];
        long sink = 0;
        long c0 = cpu();
        for (int i = 0; i < OPS; i++) {
            byte[] k = java.util.Arrays.copyOf(key(100 + (i & 3)), keySize);
            sink += map.update(k, value, HostMap.NOEXIST) + map.delete(k);
        }
        return (cpu() - c0 + (sink == 42 ? 1 : 0)) / (double) OPS;
    }

    private static String overwrite(BpfObject timers) throws Exception {
        StringBuilder out = new StringBuilder();
        try (LoadedObject none = load(timers, 1_000_000); LoadedObject two = load(timers, 1_000_000)) {
            run(two, "errors"); // leaves array elements 0 and 2 of arr with initialised timers
            for (String map : List.of("hash", "arr")) {
                HostMap a = none.map(map).orElseThrow();
                HostMap b = two.map(map).orElseThrow();
                double[][] r = alternate(() -> overwriteRound(a), () -> overwriteRound(b));
                out.append(line(map + "[3] overwrite, ns CPU/op: no timer in the version", r[0],
                        "two timers initialised in arr's elements 0 and 2", r[1]));
            }
        }
        return out.toString();
    }

    private static double overwriteRound(HostMap map) {
        byte[] value = new byte[40];
        byte[] k = {3, 0, 0, 0}; // timers.c's maps have u32 keys
        long sink = 0;
        long c0 = cpu();
        for (int i = 0; i < OPS; i++) {
            sink += map.update(k, value, HostMap.ANY);
        }
        return (cpu() - c0 + (sink == 42 ? 1 : 0)) / (double) OPS;
    }

    private static String close(BpfObject timers) throws Exception {
        double[][] r = alternate(() -> closeRound(timers, false), () -> closeRound(timers, true));
        return line("close, ms wall: no timer", r[0], "10,000 armed timers", r[1]);
    }

    private static double closeRound(BpfObject timers, boolean arm) {
        LoadedObject o = load(timers, 10_000_000);
        if (arm) {
            run(o, "many");
        }
        long t0 = System.nanoTime();
        o.retire();
        o.close();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static String callbacksPerSecond(BpfObject timers) throws Exception {
        double[] rates = new double[3];
        for (int r = 0; r < rates.length; r++) {
            AtomicLong lines = new AtomicLong();
            LoadedObject o = LoadedObject.load(timers, attach(timers), 2, 1_000_000, Helpers.none(), line -> lines.incrementAndGet(),
                    Optional.empty(), List.of(), 0, ExtensionEngine.JIT, IsolationMode.NONE, TimerClock.SYSTEM);
            run(o, "storm");
            Thread.sleep(200);
            long l0 = lines.get();
            long t0 = System.nanoTime();
            Thread.sleep(1000);
            rates[r] = (lines.get() - l0) * 1e9 / (System.nanoTime() - t0);
            o.retire();
            o.close();
        }
        Arrays.sort(rates);
        return String.format("callbacks/s (64 re-arming timers, JIT): median %.0f of %s%n", rates[1], Arrays.toString(rates));
    }

    /** Rounds of {@code a} and {@code b} alternately after a warm-up: every round's figure, sorted, per side. */
    private static double[][] alternate(Round a, Round b) throws Exception {
        for (int w = 0; w < 2; w++) {
            a.run();
            b.run();
        }
        double[] ra = new double[ROUNDS];
        double[] rb = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            ra[r] = a.run();
            rb[r] = b.run();
        }
        Arrays.sort(ra);
        Arrays.sort(rb);
        return new double[][] {ra, rb};
    }

    @FunctionalInterface
    private interface Round {
        double run() throws Exception;
    }

    private static String line(String what, double[] a, String other, double[] b) {
        return String.format("%s %.1f, %s %.1f: ratio %.2f (medians; rounds A %s, B %s)%n", what, a[ROUNDS / 2], other, b[ROUNDS / 2],
                a[ROUNDS / 2] / b[ROUNDS / 2], Arrays.toString(a), Arrays.toString(b));
    }

    private static BpfObject compile() throws Exception {
        Path dir = Files.createTempDirectory("timers");
        Path o = dir.resolve("timers.o");
        Process p = new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c",
                "runtime/src/test/resources/kernel-diff/timers.c", "-o", o.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("clang failed on timers.c (run from the repository root)");
        }
        return ElfReader.read(Files.readAllBytes(o));
    }

    private static List<LoadedObject.Attach> attach(BpfObject object) {
        List<LoadedObject.Attach> attach = new ArrayList<>();
        for (BpfProgram p : object.programs()) {
            VerificationResult r = Verifier.verify(object, p, VerifierOptions.linux());
            if (!(r instanceof VerificationResult.Verified v)) {
                throw new IllegalStateException(p.name() + ": " + r);
            }
            attach.add(new LoadedObject.Attach(v.program(), LinuxProgramType.XDP));
        }
        return attach;
    }

    private static LoadedObject load(BpfObject object, long budget) {
        return LoadedObject.load(object, attach(object), 2, budget, Helpers.none(), line -> { }, Optional.empty(), List.of(), 0,
                ExtensionEngine.JIT, IsolationMode.NONE, TimerClock.SYSTEM);
    }

    private static void run(LoadedObject o, String program) {
        int cpu = o.acquire();
        try {
            if (!(o.run(cpu, o.programIndex(program), new byte[64]) instanceof ExecResult.Returned r) || r.r0() != 2) {
                throw new IllegalStateException(program + " did not return 2");
            }
        } finally {
            o.release(cpu);
        }
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static byte[] key(int i) {
        return new byte[] {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), 0, 0, 0, 0, 0};
    }
}
