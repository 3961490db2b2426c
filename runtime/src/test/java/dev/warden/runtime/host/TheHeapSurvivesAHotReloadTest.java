package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.warden.isa.elf.BpfObject;
import dev.warden.runtime.linux.KflexHeap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.LoadedObject;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerifierOptions;
import dev.warden.vm.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KFlex's heap is the extension's state, as its maps are: a hot reload whose new version's proofs
 * assume a heap of the same size keeps the heap, its objects and its allocator's state (under the
 * host API the class, and so the size, is the extension's for its whole life); a version that
 * assumes another size gets a fresh heap, and the old one stays mapped until the last version that
 * shares the maps' memory is closed.
 */
class TheHeapSurvivesAHotReloadTest {
    static final String POLICY = """
            Extension_Entry(name = "tick", extension_entry = "tick", prototype = (void) -> int)
            Extension_Class(name = "counter", extension_entry = "tick", allowed = { memory < 5000, instructions < inf })
            Extension_Class(name = "bigger", extension_entry = "tick", allowed = { memory < 10000, instructions < inf })
            """;

    /** Returns the root's count and adds {@code step} to it; allocates one 32-byte object per invocation. */
    static BpfObject counter(int step) throws Exception {
        return ClassMemoryGivesAHeapAndTimeBudgetsCancelTest.object("""
                r1 = 32
                call 65024
                call 65026
                r6 = r0
                r0 = *(u32 *)(r6 + 0)
                r1 = *(u64 *)(r6 + 0)
                r1 += %d
                *(u64 *)(r6 + 0) = r1
                exit
                """.formatted(step));
    }

    @TempDir
    Path dir;

    EimClassPolicy policy(String className) throws Exception {
        Path p = dir.resolve("kflex.eim");
        Files.writeString(p, POLICY);
        return EimClassPolicy.forClass(p, className, VerifierOptions.linux().withTermination(Termination.RUNTIME));
    }

    static ExtensionSpec spec() {
        return ExtensionSpec.of().withEntry(new EntryPoint("tick", "tick", LinuxProgramType.XDP)).withCpus(2);
    }

    @Test
    void aReloadKeepsTheHeapAndItsObjects() throws Exception {
        try (Extension ext = Extensions.load(counter(1), "v1.o", spec(), policy("counter"))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(new ExecResult.Returned(i), ext.invoke("tick", new byte[0]));
            }
            ext.replace(counter(100), "v2.o");
            assertEquals(new ExecResult.Returned(3), ext.invoke("tick", new byte[0]), "the count the first version left");
            assertEquals(new ExecResult.Returned(103), ext.invoke("tick", new byte[0]));
            ext.replace(counter(1), "v3.o");
            assertEquals(new ExecResult.Returned(203), ext.invoke("tick", new byte[0]));
        }
    }

    @Test
    void aVersionOfAnotherHeapSizeStartsAFreshHeapAndTheOldOneLivesAsLongAsTheMaps() throws Exception {
        ExtensionSpec spec = spec();
        LoadedObject first = Extensions.attach(counter(1), "v1.o", spec, policy("counter"), Optional.empty());
        LoadedObject same = null;
        LoadedObject bigger = null;
        try {
            int cpu = first.acquire();
            int program = first.programIndex("tick");
            assertEquals(new ExecResult.Returned(0), first.run(cpu, program, new byte[0]));
            assertEquals(new ExecResult.Returned(1), first.run(cpu, program, new byte[0]));
            first.release(cpu);
            KflexHeap heap = first.heap().orElseThrow();
            assertEquals(2, heap.liveObjects());

            same = Extensions.attach(counter(1), "v2.o", spec, policy("counter"), Optional.of(first));
            assertSame(heap, same.heap().orElseThrow(), "a heap of the same size is kept");

            bigger = Extensions.attach(counter(1), "v3.o", spec, policy("bigger"), Optional.of(same));
            KflexHeap fresh = bigger.heap().orElseThrow();
            assertNotSame(heap, fresh);
            assertEquals(8192, fresh.size());
            assertEquals(0, fresh.liveObjects());
            first.retire();
            first.close();
            same.retire();
            same.close();
            // The old heap is still a region of the maps' registry: its memory must still be there.
            assertEquals(2, heap.liveObjects());
            assertEquals(2, java.nio.ByteBuffer.wrap(heap.bytes(), (int) KflexHeap.ROOT_OFFSET, 8)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
            cpu = bigger.acquire();
            assertEquals(new ExecResult.Returned(0), bigger.run(cpu, bigger.programIndex("tick"), new byte[0]), "a fresh count");
            bigger.release(cpu);
        } finally {
            if (bigger != null) {
                bigger.retire();
                bigger.close();
            }
        }
    }
}
