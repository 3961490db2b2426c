package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerifierOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KFlex through the host API: an EIM class's {@code memory < M} gives its extensions a heap (here
 * 4 KiB, the largest power of two below M), which persists across invocations on every CPU; and
 * {@link ExtensionSpec#withTimeBudget} stops an extension that loops forever (verified with runtime
 * termination) at a back edge, invocation after invocation, instead of hanging the host's thread.
 */
class ClassMemoryGivesAHeapAndTimeBudgetsCancelTest {
    static final String POLICY = """
            Extension_Entry(name = "tick", extension_entry = "tick", prototype = (void) -> int)
            Extension_Class(name = "counter", extension_entry = "tick", allowed = { memory < 5000, instructions < inf })
            Extension_Class(name = "plain", extension_entry = "tick", allowed = { instructions < inf })
            """;

    @TempDir
    Path dir;

    static BpfObject object(String asm) throws Exception {
        return new BpfObject(List.of(), List.of(new BpfProgram("tick", "eim/tick", Assembler.assemble(asm), List.of(), List.of(),
                List.of())), List.of(), "GPL");
    }

    EimClassPolicy policy(String className) throws Exception {
        Path p = dir.resolve("kflex.eim");
        Files.writeString(p, POLICY);
        return EimClassPolicy.forClass(p, className, VerifierOptions.linux().withTermination(Termination.RUNTIME));
    }

    @Test
    void theClassesHeapKeepsItsCountAcrossInvocationsAndCpus() throws Exception {
        // The root object's first word counts invocations; the low 32 bits of the old count are returned.
        BpfObject o = object("""
                call 65026
                r6 = r0
                r0 = *(u32 *)(r6 + 0)
                r1 = *(u64 *)(r6 + 0)
                r1 += 1
                *(u64 *)(r6 + 0) = r1
                exit
                """);
        try (Extension ext = Extensions.load(o, "counter.o",
                ExtensionSpec.of().withEntry(new EntryPoint("tick", "tick", LinuxProgramType.XDP)).withCpus(2), policy("counter"))) {
            for (int i = 0; i < 10; i++) {
                assertEquals(new ExecResult.Returned(i), ext.invoke("tick", new byte[0]), "invocation " + i);
            }
        }
        // Without memory < M the class gives no heap: the allocator's helpers are unknown to it.
        LoadException e = org.junit.jupiter.api.Assertions.assertThrows(LoadException.class, () -> Extensions.load(o, "counter.o",
                ExtensionSpec.of().withEntry(new EntryPoint("tick", "tick", LinuxProgramType.XDP)).withCpus(1), policy("plain")));
        assertTrue(e.getMessage().contains("pc 0"), e.getMessage());
    }

    @Test
    void aTimeBudgetStopsALoopThatNeverEnds() throws Exception {
        BpfObject o = object("""
                r0 = 0
                loop:
                r0 += 1
                goto loop
                """);
        try (Extension ext = Extensions.load(o, "spin.o", ExtensionSpec.of().withEntry(new EntryPoint("tick", "tick", LinuxProgramType.XDP))
                .withCpus(1).withBudget(Long.MAX_VALUE).withTimeBudget(Duration.ofMillis(10)), policy("plain"))) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, ext.invoke("tick", new byte[0]));
                assertEquals(FaultKind.CANCELLED, f.fault().kind(), f.toString());
                assertEquals(2, f.fault().pc(), "at the back edge");
                assertTrue(System.nanoTime() - start < 2_000_000_000L, "soon after its 10 ms");
            }
        }
    }
}
