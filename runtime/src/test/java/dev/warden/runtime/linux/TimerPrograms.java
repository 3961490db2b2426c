package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.kernel.KernelDiffSources;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.vm.Helpers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The programs of src/test/resources/kernel-diff/timers.c, verified and loaded as a host would
 * load them, for the tests of {@code bpf_timer}s in Warden and against Linux.
 */
public final class TimerPrograms {
    /** A packet the xdp programs run on (they do not read it). */
    public static final byte[] PACKET = new byte[64];
    /** How long a test waits for callbacks before it fails: a bound, never an expected time. */
    public static final long WAIT_NANOS = 10_000_000_000L;

    private TimerPrograms() {}

    /** Compiles timers.c into {@code dir} (the test is skipped without clang). */
    public static BpfObject compile(Path dir) throws Exception {
        return ElfReader.read(Files.readAllBytes(KernelDiffSources.compile(dir, "timers")));
    }

    /** Every program of {@code object}, verified, attached on {@code cpus} CPUs to run on {@code engine} with timers on {@code clock}. */
    public static LoadedObject load(BpfObject object, ExtensionEngine engine, TimerClock clock, int cpus, Consumer<String> trace) {
        return load(object, engine, clock, cpus, trace, Optional.empty());
    }

    /** As above, as the next version of {@code previous} (hot reload: maps of the same definition are kept). */
    public static LoadedObject load(BpfObject object, ExtensionEngine engine, TimerClock clock, int cpus, Consumer<String> trace,
                                    Optional<LoadedObject> previous) {
        return load(object, engine, clock, cpus, trace, previous, 1_000_000);
    }

    /** As above, with an instruction budget of {@code budget} per invocation (a callback's included). */
    public static LoadedObject load(BpfObject object, ExtensionEngine engine, TimerClock clock, int cpus, Consumer<String> trace,
                                    Optional<LoadedObject> previous, long budget) {
        List<LoadedObject.Attach> attach = new ArrayList<>();
        for (BpfProgram p : object.programs()) {
            VerificationResult r = Verifier.verify(object, p, VerifierOptions.linux());
            attach.add(new LoadedObject.Attach(assertInstanceOf(VerificationResult.Verified.class, r, () -> p.name() + ": " + r)
                    .program(), LinuxProgramType.XDP));
        }
        return LoadedObject.load(object, attach, cpus, budget, Helpers.none(), trace, previous, List.of(), 0, engine,
                IsolationMode.NONE, clock);
    }

    /** Runs program {@code name} once on a CPU of {@code loaded}; returns r0. */
    public static long run(LoadedObject loaded, String name) {
        int cpu = loaded.acquire();
        try {
            return switch (loaded.run(cpu, loaded.programIndex(name), PACKET)) {
                case dev.warden.vm.ExecResult.Returned r -> r.r0();
                case dev.warden.vm.ExecResult.Faulted f -> throw new AssertionError(name + " faulted: " + f.fault());
            };
        } finally {
            loaded.release(cpu);
        }
    }

    /** Waits (bounded) until {@code condition} holds; fails naming {@code what} when it never does. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within " + WAIT_NANOS / 1_000_000 + " ms: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Signed 64-bit little-endian at {@code offset} of {@code bytes}. */
    public static long s64(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    public static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** rcs[slot]: a return code the programs recorded (slot 31: callback runs). */
    public static long rc(LoadedObject loaded, int slot) {
        return s64(loaded.map("rcs").orElseThrow().lookup(u32(slot)).orElseThrow(), 0);
    }

    /** {@code struct elem}'s field at {@code offset} (16 fired, 24 seen, 32 self_cancel) of {@code map}[{@code key}], if present. */
    public static Optional<Long> field(LoadedObject loaded, String map, int key, int offset) {
        return loaded.map(map).orElseThrow().lookup(u32(key)).map(v -> s64(v, offset));
    }

    public static final int FIRED = 16;
    public static final int SEEN = 24;
    public static final int SELF_CANCEL = 32;
    public static final int FIRED_SLOT = 31;
}
