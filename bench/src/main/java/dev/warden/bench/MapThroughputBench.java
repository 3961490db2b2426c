package dev.warden.bench;

import dev.warden.isa.elf.BpfObject;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.VerificationPolicy;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hash map throughput from one and from two threads (docs/runtime.md, "Concurrency"): host
 * lookups of present keys, in-place updates, and an insertion plus deletion of a key of the
 * thread's own (which takes and gives back a slot of the element count), on a 1,024-element hash
 * map with room for 4,096; {@link ConcurrentHashMap#get} as the baseline. Throughput: operations
 * per microsecond, all threads together, so the two-thread figure over the one-thread figure is
 * the scaling.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MapThroughputBench {
    private Extension extension;
    private HostMap hash;
    private final ConcurrentHashMap<Long, Long> chm = new ConcurrentHashMap<>();
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /** Per thread: {@link HostApiBench.Keys}' present keys, and a key of its own outside them for insertions. */
    @State(Scope.Thread)
    public static class Keys extends HostApiBench.Keys {
        final byte[] own = {0, 0, 0, 0, (byte) THREAD_IDS.incrementAndGet(), 0, 0, 1};
        long chmKey;

        long chmKey() {
            chmKey = (chmKey + 1) & 1023;
            return chmKey;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        BpfObject o = EmptyWithTable.object();
        extension = Extensions.load(o, "empty", ExtensionSpec.of().withEntry(EntryPoint.of("empty", LinuxProgramType.XDP)).withCpus(2),
                VerificationPolicy.linux());
        hash = extension.map("table").orElseThrow();
        for (int i = 0; i < 1024; i++) {
            hash.update(new byte[] {(byte) i, (byte) (i >>> 8), 0, 0, 0, 0, 0, 0}, new byte[8], HostMap.ANY);
            chm.put((long) i, 0L);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        extension.close();
    }

    @Benchmark
    public Object lookup1Thread(Keys k) {
        return hash.lookup(k.key());
    }

    @Benchmark
    @Threads(2)
    public Object lookup2Threads(Keys k) {
        return hash.lookup(k.key());
    }

    @Benchmark
    public long update1Thread(Keys k) {
        return hash.update(k.key(), k.value, HostMap.ANY);
    }

    @Benchmark
    @Threads(2)
    public long update2Threads(Keys k) {
        return hash.update(k.key(), k.value, HostMap.ANY);
    }

    @Benchmark
    public long insertDelete1Thread(Keys k) {
        return hash.update(k.own, k.value, HostMap.NOEXIST) + hash.delete(k.own);
    }

    @Benchmark
    @Threads(2)
    public long insertDelete2Threads(Keys k) {
        return hash.update(k.own, k.value, HostMap.NOEXIST) + hash.delete(k.own);
    }

    @Benchmark
    public Long baselineConcurrentHashMapGet1Thread(Keys k) {
        return chm.get(k.chmKey());
    }

    @Benchmark
    @Threads(2)
    public Long baselineConcurrentHashMapGet2Threads(Keys k) {
        return chm.get(k.chmKey());
    }
}
