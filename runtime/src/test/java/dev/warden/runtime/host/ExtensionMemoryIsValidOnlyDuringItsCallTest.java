package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.platform.ArgKind;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.RetKind;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A host function that keeps the {@link ExtensionMemory} it was given and uses it later: after
 * its call returned (the stack it points into belongs to the next run), from another thread, or
 * after the extension was closed (the stack's native memory is freed). Before, each read and
 * write went through: after close, to freed native memory. Now each is an
 * {@link IllegalStateException} that says the view is valid only during the call, on its thread.
 */
class ExtensionMemoryIsValidOnlyDuringItsCallTest {
    static final HelperPrototype KEEP = new HelperPrototype(1005, "host_keep", List.of(ArgKind.PTR_TO_MEM, ArgKind.CONST_SIZE),
            RetKind.INTEGER, Optional.empty(), -1);

    /** Stores 0x1122334455667788 on its stack and passes the host function a pointer to it. */
    static BpfObject object() throws Exception {
        return ExtensionLoadsVerifiesAndRunsTest.object("keep",
                "r1 = 0x11223344 ll\nr1 <<= 32\nr1 |= 0x55667788\n*(u64 *)(r10 - 8) = r1\nr1 = r10\nr1 += -8\nr2 = 8\ncall 1005\nexit\n");
    }

    record Kept(ExtensionMemory memory, long address) {}

    private static Extension load(AtomicReference<Kept> kept) throws Exception {
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("keep", LinuxProgramType.XDP)).withCpus(1)
                .withFunction(1005, "host_keep", (mem, r1, r2, r3, r4, r5) -> {
                    byte[] during = mem.read(r1, 8); // valid here
                    kept.set(new Kept(mem, r1));
                    return during[7];
                });
        return Extensions.load(object(), "keep.o", spec, ExtensionLoadsVerifiesAndRunsTest.withHostPrototypes(KEEP));
    }

    private static void refused(Runnable use) {
        IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
        assertTrue(e.getMessage().contains("only during the call"), e.getMessage());
    }

    @Test
    void aViewKeptPastItsCallIsRefused() throws Exception {
        AtomicReference<Kept> kept = new AtomicReference<>();
        try (Extension ext = load(kept)) {
            assertEquals(0x11, ExtensionLoadsVerifiesAndRunsTest.r0(ext.invoke("keep", new byte[0])), "read during the call");
            Kept k = kept.get();
            refused(() -> k.memory().read(k.address(), 8));
            refused(() -> k.memory().write(k.address(), new byte[8]));
        }
        Kept k = kept.get();
        refused(() -> k.memory().read(k.address(), 8)); // the stack's memory is freed now
        refused(() -> k.memory().write(k.address(), new byte[8]));
    }

    @Test
    void aViewHandedToAnotherThreadDuringTheCallIsRefusedThere() throws Exception {
        AtomicReference<Object> seen = new AtomicReference<>();
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("keep", LinuxProgramType.XDP)).withCpus(1)
                .withFunction(1005, "host_keep", (mem, r1, r2, r3, r4, r5) -> {
                    // Another thread, while the call is still going: it cannot know when the call ends.
                    seen.set(CompletableFuture.supplyAsync(() -> {
                        try {
                            return (Object) mem.read(r1, 8);
                        } catch (IllegalStateException e) {
                            return e;
                        }
                    }).join());
                    return mem.read(r1, 8)[0];
                });
        try (Extension ext = Extensions.load(object(), "keep.o", spec, ExtensionLoadsVerifiesAndRunsTest.withHostPrototypes(KEEP))) {
            assertEquals(0x88 - 256, ExtensionLoadsVerifiesAndRunsTest.r0(ext.invoke("keep", new byte[0])), "the calling thread reads");
        }
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, seen.get(), () -> "the other thread read " + seen.get());
        assertTrue(e.getMessage().contains("only during the call"), e.getMessage());
    }
}
