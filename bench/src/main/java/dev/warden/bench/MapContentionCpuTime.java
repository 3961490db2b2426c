package dev.warden.bench;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.VerificationPolicy;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hash map operations under contention: 1, 2 and 8 threads each run the same mix on a hash map of
 * 1,024 present keys (7 lookups, 2 in-place updates, 1 insertion and deletion of a key of their
 * own in 10); per case the median of 7 rounds of wall time per operation (all threads together:
 * the inverse of throughput) and of CPU time per operation (all threads' CPU time together, which
 * is where a contended lock shows on a machine with fewer free cores than threads). Run it on two
 * builds (before and after a change to the map), alternately, for a comparison.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.warden.bench.MapContentionCpuTime</pre>
 */
public final class MapContentionCpuTime {
    private MapContentionCpuTime() {}

    static final int OPS = 200_000;

    public static void main(String[] args) throws Exception {
        Program ret2 = Program.of(
                new Instruction.Alu(dev.warden.isa.Width.W64, dev.warden.isa.AluOp.MOV, dev.warden.isa.Reg.R0,
                        new dev.warden.isa.Imm(2)),
                new Instruction.Exit());
        BpfProgram p = new BpfProgram("empty", "xdp", ret2, List.of(), List.of(), List.of());
        BpfMap hash = new BpfMap(0, "hash", MapKind.BTF, 1, 8, 8, 4096, 0, new byte[0]);
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(hash), "GPL");
        try (Extension ext = Extensions.load(o, "empty", ExtensionSpec.of().withEntry(EntryPoint.of("empty", LinuxProgramType.XDP))
                .withCpus(2), VerificationPolicy.linux())) {
            HostMap map = ext.map("hash").orElseThrow();
            for (int i = 0; i < 1024; i++) {
                map.update(key(i), new byte[8], HostMap.ANY);
            }
            for (int warm = 0; warm < 3; warm++) {
                round(map, 2);
            }
            StringBuilder out = new StringBuilder();
            for (int threads : new int[] {1, 2, 8}) {
                double[] wall = new double[7];
                double[] cpu = new double[7];
                for (int r = 0; r < 7; r++) {
                    double[] w = round(map, threads);
                    wall[r] = w[0];
                    cpu[r] = w[1];
                }
                Arrays.sort(wall);
                Arrays.sort(cpu);
                out.append(String.format("%d threads: %.1f ns wall/op, %.1f ns CPU/op%n", threads, wall[3], cpu[3]));
            }
            System.out.print(out);
        }
    }

    /** One round on {@code threads} threads: wall and CPU nanoseconds per operation. */
    static double[] round(HostMap map, int threads) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CyclicBarrier end = new CyclicBarrier(threads + 1);
        AtomicLong cpu = new AtomicLong();
        List<Thread> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            byte[] own = key(100_000 + t);
            list.add(Thread.ofPlatform().start(() -> {
                try {
                    byte[] value = new byte[8];
                    long sink = 0;
                    start.await();
                    long c0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < OPS; i++) {
                        int k = (i * 31) & 1023;
                        switch (i % 10) {
                            case 7, 8 -> sink += map.update(key(k), value, HostMap.ANY);
                            case 9 -> sink += map.update(own, value, HostMap.NOEXIST) + map.delete(own);
                            default -> sink += map.lookup(key(k)).isPresent() ? 1 : 0;
                        }
                    }
                    cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0 + (sink == 42 ? 1 : 0));
                    end.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.await();
        long w0 = System.nanoTime();
        end.await();
        long wall = System.nanoTime() - w0;
        for (Thread t : list) {
            t.join();
        }
        double ops = (double) OPS * threads;
        return new double[] {wall / ops, cpu.get() / ops};
    }

    static byte[] key(int i) {
        return new byte[] {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), 0, 0, 0, 0, 0};
    }
}
