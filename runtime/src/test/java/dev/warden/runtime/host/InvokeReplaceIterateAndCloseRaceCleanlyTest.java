package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.MapEntry;
import dev.warden.vm.ExecResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Host misuse under concurrency: six threads invoke an extension whose program inserts and
 * deletes random keys of a small hash map, one thread iterates that map through a
 * {@link HostMap}, one replaces the extension over and over, and the main thread closes it while
 * all of them are going. Every invocation returns the program's result or, once detached, throws
 * {@link IllegalStateException} saying so; every iteration sees whole entries of the map's sizes
 * or, once the memory is freed, the same exception; a replace racing the close either switches
 * versions or is refused as detached. Nothing else is thrown and the JVM survives, with and
 * without the protection-key fallback.
 */
@Timeout(300)
class InvokeReplaceIterateAndCloseRaceCleanlyTest {
    static final BpfMap HASH = new BpfMap(0, "churn", MapKind.BTF, 1, 4, 8, 8, 0, new byte[0]);

    /** Inserts a random key (0..15) with a random value, deletes another random key, returns 2. */
    static final String CHURN = """
            call 7
            r6 = r0
            r0 &= 15
            *(u32 *)(r10 - 4) = r0
            *(u64 *)(r10 - 16) = r6
            r1 = map[idx:0] ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 0
            call 2
            call 7
            r0 &= 15
            *(u32 *)(r10 - 4) = r0
            r1 = map[idx:0] ll
            r2 = r10
            r2 += -4
            call 3
            r0 = 2
            exit
            """;

    static boolean detached(IllegalStateException e) {
        return e.getMessage() != null && e.getMessage().contains("detached");
    }

    @ParameterizedTest
    @EnumSource(value = IsolationMode.class, names = {"NONE", "MPROTECT"})
    void everyThreadEndsWithAResultOrTheDetachedRefusal(IsolationMode mode) throws Exception {
        BpfProgram p = new BpfProgram("churn", "xdp", Assembler.assemble(CHURN), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(HASH), "GPL");
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("churn", LinuxProgramType.XDP)).withCpus(4).withIsolation(mode);
        Extension ext = Extensions.load(o, "churn.o", spec, VerificationPolicy.linux());
        HostMap map = ext.map("churn").orElseThrow();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean closed = new AtomicBoolean();
        AtomicLong runs = new AtomicLong();
        AtomicLong iterations = new AtomicLong();
        AtomicLong replaces = new AtomicLong();
        CountDownLatch going = new CountDownLatch(8);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            threads.add(Thread.ofPlatform().start(() -> loop(going, closed, unexpected, () -> {
                ExecResult r = ext.invoke("churn", new byte[0]);
                assertEquals(new ExecResult.Returned(2), r);
                runs.incrementAndGet();
            })));
        }
        threads.add(Thread.ofPlatform().start(() -> loop(going, closed, unexpected, () -> {
            for (MapEntry e : map.entries()) {
                assertEquals(4, e.key().length);
                assertEquals(8, e.value().length);
            }
            iterations.incrementAndGet();
        })));
        threads.add(Thread.ofPlatform().start(() -> loop(going, closed, unexpected, () -> {
            try {
                ext.replace(o, "churn.o");
            } catch (LoadException e) {
                throw new AssertionError(e);
            }
            replaces.incrementAndGet();
        })));
        going.await();
        Thread.sleep(1500);
        ext.close();
        closed.set(true);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(unexpected.isEmpty(), "unexpected: " + unexpected);
        assertTrue(runs.get() > 0 && iterations.get() > 0 && replaces.get() > 0,
                "all raced: " + runs + " runs, " + iterations + " iterations, " + replaces + " replaces");
    }

    /** Runs {@code body} until the extension refuses it as detached (after close) or something unexpected is thrown. */
    private static void loop(CountDownLatch going, AtomicBoolean closed, ConcurrentLinkedQueue<Throwable> unexpected, Runnable body) {
        going.countDown();
        while (true) {
            try {
                body.run();
            } catch (IllegalStateException e) {
                if (detached(e)) {
                    return;
                }
                unexpected.add(e);
                return;
            } catch (Throwable e) {
                unexpected.add(e);
                return;
            }
            if (closed.get()) {
                // One more round after close must be refused, never run.
                try {
                    body.run();
                    unexpected.add(new AssertionError("ran after close"));
                } catch (IllegalStateException e) {
                    if (!detached(e)) {
                        unexpected.add(e);
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
                return;
            }
        }
    }
}
