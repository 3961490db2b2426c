package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.platform.ArgKind;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.RetKind;
import dev.warden.vm.ExecResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A host function runs on the invoking thread, inside the run, holding one of the extension's
 * CPUs. Before, a host function that invoked its own extension when no other CPU was free spun
 * forever waiting for the CPU its own thread held, and one that detached or replaced its
 * extension waited forever for its own run to end. Now each throws
 * {@link IllegalStateException} at once; the exception leaves the outer {@code invoke} (as any
 * host function's exception does) and the extension keeps serving.
 */
class HostFunctionsThatReenterTheirExtensionFailInsteadOfHangingTest {
    static final Duration LIMIT = Duration.ofSeconds(60);
    static final HelperPrototype REENTER = new HelperPrototype(1003, "host_reenter", List.of(ArgKind.SCALAR), RetKind.INTEGER,
            Optional.empty(), -1);

    /** "outer" calls the host function with r1 = 7 and returns its result; "inner" returns 5. */
    static BpfObject object() throws Exception {
        return ExtensionLoadsVerifiesAndRunsTest.object("outer", "r1 = 7\ncall 1003\nexit\n", "inner", "r0 = 5\nexit\n");
    }

    /** What the host function does with the extension (set once the extension exists). */
    interface Reentry {
        long apply(Extension ext) throws Exception;
    }

    static Extension load(int cpus, AtomicReference<Extension> self, Reentry reentry) throws Exception {
        ExtensionSpec spec = ExtensionSpec.of()
                .withEntry(EntryPoint.of("outer", LinuxProgramType.XDP))
                .withEntry(EntryPoint.of("inner", LinuxProgramType.XDP))
                .withFunction(1003, "host_reenter", (mem, r1, r2, r3, r4, r5) -> {
                    try {
                        return reentry.apply(self.get());
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .withCpus(cpus);
        Extension ext = Extensions.load(object(), "reenter.o", spec, ExtensionLoadsVerifiesAndRunsTest.withHostPrototypes(REENTER));
        self.set(ext);
        return ext;
    }

    static long r0(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
    }

    /** "outer" throws at once, from its host function, saying why. */
    static void outerIsRefused(Extension ext) {
        IllegalStateException x = assertTimeoutPreemptively(LIMIT,
                () -> assertThrows(IllegalStateException.class, () -> ext.invoke("outer", new byte[0])));
        assertTrue(x.getMessage().contains("inside one of its own runs"), x.getMessage());
    }

    @Test
    void invokingTheOwnExtensionWithEveryCpuTakenThrowsInsteadOfSpinning() throws Exception {
        AtomicReference<Extension> self = new AtomicReference<>();
        try (Extension ext = load(1, self, e -> r0(e.invoke("inner", new byte[0])))) {
            outerIsRefused(ext);
            assertEquals(5, r0(ext.invoke("inner", new byte[0])), "the CPU was given back");
        }
    }

    @Test
    void withAFreeCpuTheNestedInvocationRuns() throws Exception {
        AtomicReference<Extension> self = new AtomicReference<>();
        try (Extension ext = load(2, self, e -> r0(e.invoke("inner", new byte[0])) + 1)) {
            assertEquals(6, assertTimeoutPreemptively(LIMIT, () -> r0(ext.invoke("outer", new byte[0]))));
        }
    }

    @Test
    void detachingFromInsideARunThrowsAndChangesNothing() throws Exception {
        AtomicReference<Extension> self = new AtomicReference<>();
        try (Extension ext = load(2, self, e -> {
            e.detach();
            return 0;
        })) {
            outerIsRefused(ext);
            assertEquals(5, r0(ext.invoke("inner", new byte[0])), "still attached");
        }
    }

    @Test
    void replacingFromInsideARunThrowsAndChangesNothing() throws Exception {
        AtomicReference<Extension> self = new AtomicReference<>();
        BpfObject next = ExtensionLoadsVerifiesAndRunsTest.object("outer", "r0 = 8\nexit\n", "inner", "r0 = 9\nexit\n");
        try (Extension ext = load(2, self, e -> {
            e.replace(next, "next.o");
            return 0;
        })) {
            outerIsRefused(ext);
            assertEquals(5, r0(ext.invoke("inner", new byte[0])), "the first version still serves");
            ext.replace(next, "next.o");
            assertEquals(9, r0(ext.invoke("inner", new byte[0])), "and can be replaced from outside");
        }
    }
}
