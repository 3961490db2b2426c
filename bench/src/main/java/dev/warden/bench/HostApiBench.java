package dev.warden.bench;

import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfObject;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.VerificationPolicy;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.StackInit;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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
 * The host API's costs (docs/runtime.md, "Performance"), each next to a baseline measured in the
 * same run: invoking an empty verified extension ({@code r0 = 2; exit} as an xdp entry, empty
 * packet) against a direct, not inlined Java call and against the bare compiled program; map
 * operations from the host (hash lookup and update) and from the extension (the example
 * {@code xdp_counter}: lookup plus atomic add per packet) against {@link ConcurrentHashMap}, from
 * one and from two threads.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HostApiBench {
    private Extension empty;
    private Extension.Entry emptyEntry;
    private Extension counter;
    private Extension.Entry counterEntry;
    private HostMap hash;
    private LoadedProgram bare;
    private Arena arena;
    private MemorySegment input;
    private final ConcurrentHashMap<Long, Long> chm = new ConcurrentHashMap<>();
    private final byte[] noPacket = new byte[0];
    private final byte[] tcp = new byte[54];

    /** Per thread: the next key (1,024 keys, all present). */
    @State(Scope.Thread)
    public static class Keys {
        int next;
        final byte[][] keys = new byte[1024][];
        final byte[] value = new byte[8];

        @Setup
        public void setUp() {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = new byte[] {(byte) i, (byte) (i >>> 8), 0, 0, 0, 0, 0, 0};
            }
        }

        byte[] key() {
            next = (next + 1) & 1023;
            return keys[next];
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Program ret2 = EmptyWithTable.returnTwo();
        BpfObject o = EmptyWithTable.object();
        empty = Extensions.load(o, "empty", ExtensionSpec.of().withEntry(EntryPoint.of("empty", LinuxProgramType.XDP)).withCpus(2),
                VerificationPolicy.linux());
        emptyEntry = empty.entry("empty");
        hash = empty.map("table").orElseThrow();
        for (int i = 0; i < 1024; i++) {
            hash.update(new byte[] {(byte) i, (byte) (i >>> 8), 0, 0, 0, 0, 0, 0}, new byte[8], HostMap.ANY);
            chm.put((long) i, 0L);
        }
        Path example = Path.of(System.getProperty("warden.examples", "examples"), "xdp_counter.o");
        counter = Extensions.load(example, ExtensionSpec.of().withEntry(EntryPoint.of("xdp_counter", LinuxProgramType.XDP))
                .withCpus(2), VerificationPolicy.linux());
        counterEntry = counter.entry("xdp_counter");
        tcp[12] = 0x08;
        tcp[23] = 6;
        arena = Arena.ofShared();
        input = arena.allocate(16);
        bare = new JitEngine().load(ret2, ExecOptions.defaults().withStackInit(StackInit.UNSPECIFIED));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        empty.close();
        counter.close();
        bare.close();
        arena.close();
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static long javaMethod(byte[] packet) {
        return 2 + packet.length;
    }

    /** Baseline: a Java call HotSpot may not inline. */
    @Benchmark
    public long baselineJavaCall() {
        return javaMethod(noPacket);
    }

    /** Baseline: the compiled program through the engine API, no context, no CPU acquisition. */
    @Benchmark
    public ExecResult baselineBareJitRun() {
        return bare.run(input, Access.READ_WRITE);
    }

    @Benchmark
    public ExecResult invokeEmptyExtension() {
        return empty.invoke(emptyEntry, noPacket);
    }

    @Benchmark
    @Threads(2)
    public ExecResult invokeEmptyExtension2Threads() {
        return empty.invoke(emptyEntry, noPacket);
    }

    @Benchmark
    public ExecResult extensionCountsPacket() {
        return counter.invoke(counterEntry, tcp);
    }

    @Benchmark
    @Threads(2)
    public ExecResult extensionCountsPacket2Threads() {
        return counter.invoke(counterEntry, tcp);
    }

    @Benchmark
    public Object hostHashLookup(Keys k) {
        return hash.lookup(k.key());
    }

    @Benchmark
    @Threads(2)
    public Object hostHashLookup2Threads(Keys k) {
        return hash.lookup(k.key());
    }

    @Benchmark
    public long hostHashUpdate(Keys k) {
        return hash.update(k.key(), k.value, HostMap.ANY);
    }

    @Benchmark
    @Threads(2)
    public long hostHashUpdate2Threads(Keys k) {
        return hash.update(k.key(), k.value, HostMap.ANY);
    }

    @Benchmark
    public Long baselineConcurrentHashMapGet(Keys k) {
        return chm.get((long) (k.next = (k.next + 1) & 1023));
    }

    @Benchmark
    @Threads(2)
    public Long baselineConcurrentHashMapGet2Threads(Keys k) {
        return chm.get((long) (k.next = (k.next + 1) & 1023));
    }

    @Benchmark
    public Long baselineConcurrentHashMapMerge(Keys k) {
        return chm.merge((long) (k.next = (k.next + 1) & 1023), 1L, Long::sum);
    }

    @Benchmark
    @Threads(2)
    public Long baselineConcurrentHashMapMerge2Threads(Keys k) {
        return chm.merge((long) (k.next = (k.next + 1) & 1023), 1L, Long::sum);
    }
}
