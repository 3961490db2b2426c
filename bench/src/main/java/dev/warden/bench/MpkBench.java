package dev.warden.bench;

import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.MpkException;
import dev.warden.mpk.ProtectedRegion;
import dev.warden.mpk.ProtectionKey;
import dev.warden.mpk.ProtectionKeys;
import dev.warden.mpk.WriteScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one write scope (enter + exit) per isolation mode: the price an extension call
 * pays for keeping its state write-protected from the host. PROTECTION_KEYS needs a CPU with
 * {@code pku}; elsewhere its setup fails with the probe's reason and JMH moves on.
 *
 * <pre>java -cp ... org.openjdk.jmh.Main MpkBench -jvmArgs --enable-native-access=ALL-UNNAMED</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MpkBench {

    @Param({"PROTECTION_KEYS", "MPROTECT", "NONE"})
    public IsolationMode mode;

    private ProtectionKey key;
    private ProtectedRegion region;

    @Setup(Level.Trial)
    public void setUp() throws MpkException {
        // Throws UnsupportedOperationException("protection keys not supported: ...") without pku.
        key = ProtectionKeys.allocator(mode).allocate();
        region = ProtectedRegion.map(key, 4096);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        region.close();
        key.close();
    }

    /** One enter+exit pair, nothing inside. */
    @Benchmark
    public void enterExit() {
        try (WriteScope _ = key.openWrite()) {
            // the switch alone
        }
    }

    /** Enter, one 8-byte store to the protected region, exit: what a tiny extension call pays. */
    @Benchmark
    public void enterWriteExit() {
        try (WriteScope _ = key.openWrite()) {
            region.segment().set(ValueLayout.JAVA_LONG, 0, 42L);
        }
    }
}
