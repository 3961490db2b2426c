package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One extension invoked from many threads at once, and replaced while they run. */
@Timeout(180)
class ExtensionServesManyThreadsAndReloadsAtomicallyTest {
    static final int THREADS = 8;

    /** The isolation of the extensions here (the default); {@link ExtensionsServeManyThreadsUnderMprotectTest} reruns them under the fallback. */
    static java.util.function.UnaryOperator<ExtensionSpec> isolated = s -> s;

    static long r0(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
    }

    @Test
    void theXdpCounterCountsEveryPacketFromEightThreadsOnFourCpus() throws Exception {
        ExtensionSpec spec = isolated.apply(ExtensionSpec.of())
                .withEntry(EntryPoint.of("xdp_counter", LinuxProgramType.XDP)).withCpus(4);
        try (Extension ext = Extensions.load(ExtensionLoadsVerifiesAndRunsTest.XDP_COUNTER, spec, VerificationPolicy.linux())) {
            Extension.Entry entry = ext.entry("xdp_counter");
            int runs = 5000;
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            AtomicBoolean done = new AtomicBoolean();
            // The host reads the counter while the threads count: it only ever grows.
            Thread reader = Thread.ofPlatform().start(() -> {
                long last = 0;
                while (!done.get()) {
                    long now = ext.map("proto_count").orElseThrow().lookup(new byte[] {6, 0, 0, 0})
                            .map(v -> MemorySegment.ofArray(v).get(ValueLayout.JAVA_LONG_UNALIGNED, 0)).orElse(0L);
                    if (now < last) {
                        failures.add(new AssertionError("the count went down: " + now + " after " + last));
                    }
                    last = now;
                }
            });
            for (int t = 0; t < THREADS; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < runs; i++) {
                            assertEquals(2, r0(ext.invoke(entry, ExtensionLoadsVerifiesAndRunsTest.tcpPacket())));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            done.set(true);
            reader.join();
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
            byte[] v = ext.map("proto_count").orElseThrow().lookup(new byte[] {6, 0, 0, 0}).orElseThrow();
            assertEquals((long) THREADS * runs, MemorySegment.ofArray(v).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
    }

    static final BpfMap HITS = new BpfMap(0, "hits", MapKind.BTF, 2, 4, 8, 1, 0, new byte[0]);

    /** A version that counts its runs in "hits" and returns {@code version}. */
    static BpfObject version(int version) throws Exception {
        String asm = """
                *(u32 *)(r10 - 4) = 0
                r2 = r10
                r2 += -4
                r1 = map[idx:0] ll
                call 1
                if r0 == 0 goto out
                r1 = 1
                lock *(u64 *)(r0 + 0) += r1
                out:
                r0 = VERSION
                exit
                """.replace("VERSION", Integer.toString(version));
        BpfProgram p = new BpfProgram("filter", "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
        return new BpfObject(List.of(), List.of(p), List.of(HITS), "GPL");
    }

    @Test
    void replacingWhileEightThreadsInvokeLosesNoInvocationAndSwitchesAtOnce() throws Exception {
        ExtensionSpec spec = isolated.apply(ExtensionSpec.of()).withEntry(EntryPoint.of("filter", LinuxProgramType.XDP)).withCpus(2);
        try (Extension ext = Extensions.load(version(1), "v1.o", spec, VerificationPolicy.linux())) {
            Extension.Entry entry = ext.entry("filter");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch running = new CountDownLatch(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        running.countDown();
                        while (!stop.get()) {
                            long r = r0(ext.invoke(entry, new byte[0]));
                            assertTrue(r >= 1 && r <= 3, "returned " + r);
                            calls.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            running.await();
            Thread.sleep(100);
            ext.replace(version(2), "v2.o");
            // Every invocation that starts now runs version 2.
            assertEquals(2, r0(ext.invoke(entry, new byte[0])));
            calls.incrementAndGet();
            Thread.sleep(100);
            ext.replace(version(3), "v3.o");
            assertEquals(3, r0(ext.invoke(entry, new byte[0])));
            calls.incrementAndGet();
            Thread.sleep(100);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
            // "hits" has the same definition in every version, so it was kept: it counted every call.
            byte[] hits = ext.map("hits").orElseThrow().lookup(new byte[4]).orElseThrow();
            assertEquals(calls.get(), MemorySegment.ofArray(hits).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertTrue(calls.get() > THREADS, "the threads ran: " + calls.get());
        }
    }

    @Test
    void aFailedReplaceKeepsTheRunningVersion() throws Exception {
        ExtensionSpec spec = isolated.apply(ExtensionSpec.of()).withEntry(EntryPoint.of("filter", LinuxProgramType.XDP)).withCpus(1);
        try (Extension ext = Extensions.load(version(1), "v1.o", spec, VerificationPolicy.linux())) {
            BpfProgram bad = new BpfProgram("filter", "xdp", Assembler.assemble("r0 = *(u64 *)(r10 + 8)\nexit\n"), List.of(),
                    List.of(), List.of());
            LoadException e = assertThrows(LoadException.class,
                    () -> ext.replace(new BpfObject(List.of(), List.of(bad), List.of(), "GPL"), "bad.o"));
            assertTrue(e.getMessage().startsWith("bad.o: program filter pc 0"), e.getMessage());
            assertEquals(1, r0(ext.invoke("filter", new byte[0])));
        }
    }
}
