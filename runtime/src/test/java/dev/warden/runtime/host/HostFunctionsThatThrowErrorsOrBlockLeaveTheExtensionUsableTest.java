package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.linux.ExtensionEngine;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.RetKind;
import dev.warden.vm.ExecResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A host function is the host's own code running inside a run, on one of the extension's CPUs,
 * while the run holds a ring buffer reservation. When it throws an {@link Error} (a real stack
 * overflow, an {@code OutOfMemoryError}), the error leaves {@code invoke} unchanged, and the CPU,
 * the reservation and the isolation scope are given back: on an extension of one CPU the next
 * invocation runs at once and its record is delivered. An interrupt of the invoking thread is
 * neither swallowed nor acted on. A host function that blocks holds its CPU: {@code close()}
 * waits for it, invocations that start meanwhile are refused, and the blocked run then finishes.
 */
class HostFunctionsThatThrowErrorsOrBlockLeaveTheExtensionUsableTest {
    static final Duration LIMIT = Duration.ofSeconds(60);
    /** Threads of their own: the common pool may have a single thread on a small machine. */
    static final java.util.concurrent.Executor THREADS = r -> Thread.ofPlatform().daemon().start(r);
    static final HelperPrototype HOST = new HelperPrototype(1006, "host_step", List.of(), RetKind.INTEGER, Optional.empty(), -1);
    static final BpfMap RING = VerifiedRunawaysStayWithinTheirBudgetsTest.RING;

    /** Reserves 8 bytes, calls the host function, stores its result in the record, submits; returns the result. */
    static final String RESERVE_CALL_SUBMIT = """
            r1 = map[idx:0] ll
            r2 = 8
            r3 = 0
            call 131
            if r0 == 0 goto +9
            r6 = r0
            call 1006
            *(u64 *)(r6 + 0) = r0
            r7 = r0
            r1 = r6
            r2 = 0
            call 132
            r0 = r7
            exit
            r0 = 0
            exit
            """;

    /** What the host function does on each call. */
    interface Step {
        long run();
    }

    private static Extension load(ExtensionEngine engine, IsolationMode mode, AtomicReference<Step> step) throws Exception {
        BpfProgram p = new BpfProgram("p", "xdp", Assembler.assemble(RESERVE_CALL_SUBMIT), List.of(), List.of(), List.of());
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("p", LinuxProgramType.XDP)).withCpus(1)
                .withEngine(engine).withIsolation(mode)
                .withFunction(1006, "host_step", (mem, r1, r2, r3, r4, r5) -> step.get().run());
        return Extensions.load(new BpfObject(List.of(), List.of(p), List.of(RING), "GPL"), "host.o", spec,
                ExtensionLoadsVerifiesAndRunsTest.withHostPrototypes(HOST));
    }

    private static long recurse(long depth) {
        return depth < 0 ? depth : recurse(depth + 1) + 1;
    }

    private static void nextRunIsDelivered(Extension ext, AtomicReference<Step> step, long value) {
        step.set(() -> value);
        assertEquals(new ExecResult.Returned(value), assertTimeoutPreemptively(LIMIT, () -> ext.invoke("p", new byte[0])),
                "the CPU was given back");
        List<byte[]> records = ext.map("ring").orElseThrow().poll();
        assertEquals(1, records.size(), "only this run's record: the failed run's reservation was discarded");
        assertEquals(value, ByteBuffer.wrap(records.getFirst()).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    enum Setting {
        JIT_NONE(ExtensionEngine.JIT, IsolationMode.NONE),
        JIT_MPROTECT(ExtensionEngine.JIT, IsolationMode.MPROTECT),
        INTERPRETER_NONE(ExtensionEngine.INTERPRETER, IsolationMode.NONE);

        final ExtensionEngine engine;
        final IsolationMode mode;

        Setting(ExtensionEngine engine, IsolationMode mode) {
            this.engine = engine;
            this.mode = mode;
        }
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void errorsFromTheHostsOwnCodeLeaveInvokeAndGiveEverythingBack(Setting s) throws Exception {
        AtomicReference<Step> step = new AtomicReference<>();
        try (Extension ext = load(s.engine, s.mode, step)) {
            step.set(() -> recurse(0)); // a real stack overflow, deep in the host's code
            assertThrows(StackOverflowError.class, () -> ext.invoke("p", new byte[0]));
            nextRunIsDelivered(ext, step, 41);

            step.set(() -> {
                throw new OutOfMemoryError("the host's own allocation failed");
            });
            OutOfMemoryError oom = assertThrows(OutOfMemoryError.class, () -> ext.invoke("p", new byte[0]));
            assertEquals("the host's own allocation failed", oom.getMessage());
            nextRunIsDelivered(ext, step, 42);
        }
    }

    @Test
    void anInterruptOfTheInvokingThreadIsKeptAndChangesNothing() throws Exception {
        AtomicReference<Step> step = new AtomicReference<>(() -> 7);
        try (Extension ext = load(ExtensionEngine.JIT, IsolationMode.MPROTECT, step)) {
            Thread.currentThread().interrupt();
            try {
                assertEquals(new ExecResult.Returned(7), ext.invoke("p", new byte[0]));
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is still pending");
                step.set(() -> {
                    Thread.currentThread().interrupt(); // the host function interrupts itself
                    return 8;
                });
                assertEquals(new ExecResult.Returned(8), ext.invoke("p", new byte[0]));
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            assertEquals(2, ext.map("ring").orElseThrow().poll().size());
        }
    }

    @Test
    void closeWaitsForABlockedHostFunctionAndRefusesNewRunsMeanwhile() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Step> step = new AtomicReference<>(() -> {
            inside.countDown();
            try {
                return release.await(LIMIT.toSeconds(), TimeUnit.SECONDS) ? 9 : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -2;
            }
        });
        Extension ext = load(ExtensionEngine.JIT, IsolationMode.NONE, step);
        CompletableFuture<ExecResult> blocked = CompletableFuture.supplyAsync(() -> ext.invoke("p", new byte[0]), THREADS);
        assertTrue(inside.await(LIMIT.toSeconds(), TimeUnit.SECONDS));
        CompletableFuture<Void> closing = CompletableFuture.runAsync(ext::close, THREADS);
        // close() detaches first (the maps are no longer handed out), then waits for the blocked run.
        assertTimeoutPreemptively(LIMIT, () -> {
            while (true) {
                try {
                    ext.map("ring");
                    Thread.onSpinWait();
                } catch (IllegalStateException e) {
                    break;
                }
            }
        });
        IllegalStateException refused = assertTimeoutPreemptively(LIMIT,
                () -> assertThrows(IllegalStateException.class, () -> ext.invoke("p", new byte[0])));
        assertTrue(refused.getMessage().contains("detached"), refused.getMessage());
        assertTrue(!closing.isDone(), "close waits for the blocked run");
        release.countDown();
        assertEquals(new ExecResult.Returned(9), blocked.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
        closing.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }
}
