package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.ExtensionEngine;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the runtime would otherwise have to clean up or survive is refused by the verifier before
 * anything runs, through the host API: a ring buffer reservation neither submitted nor discarded at
 * exit, a spin lock held on one path to exit, a chain of nine bpf-to-bpf frames. Eight frames of
 * 512 bytes each load and run in both engines.
 */
class ProgramsThatWouldHoldOnOrOverflowAreRefusedAtLoadTest {
    static final BpfMap RING = VerifiedRunawaysStayWithinTheirBudgetsTest.RING;

    private static BpfObject object(String asm, List<BpfMap> maps) throws Exception {
        BpfProgram p = new BpfProgram("p", "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
        return new BpfObject(List.of(), List.of(p), maps, "GPL");
    }

    private static ExtensionSpec spec(ExtensionEngine engine) {
        return ExtensionSpec.of().withEntry(EntryPoint.of("p", LinuxProgramType.XDP)).withCpus(1).withEngine(engine);
    }

    private static String refusal(BpfObject o) {
        LoadException e = assertThrows(LoadException.class, () -> Extensions.load(o, "hostile.o", spec(ExtensionEngine.JIT),
                VerificationPolicy.linux()).close());
        assertTrue(e.errors().stream().allMatch(l -> l.startsWith("hostile.o: program p pc ")), "located: " + e.errors());
        return String.join("\n", e.errors());
    }

    @Test
    void aReservationLeftAtExitIsRefused() throws Exception {
        String asm = """
                r1 = map[idx:0] ll
                r2 = 8
                r3 = 0
                call 131
                if r0 == 0 goto +2
                r1 = 7
                *(u64 *)(r0 + 0) = r1
                r0 = 1
                exit
                """;
        String errors = refusal(object(asm, List.of(RING)));
        assertEquals("hostile.o: program p pc 9: the reference acquired at pc 4 may not be released on this path to exit", errors);
    }

    @Test
    void aSpinLockHeldAtExitIsRefused() throws Exception {
        Path p = Path.of("..", "verifier", "src", "test", "c", "kobj_locks.o");
        Assumptions.assumeTrue(Files.isReadable(p), "the verifier's test object " + p + " is missing");
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("exit_while_locked", LinuxProgramType.TC)).withCpus(1);
        LoadException e = assertThrows(LoadException.class, () -> Extensions.load(p, spec, VerificationPolicy.linux()).close());
        assertTrue(e.errors().stream().anyMatch(l -> l.contains("program exit_while_locked pc ") && l.contains("kobj_locks.c")),
                "located, with its source line: " + e.errors());
        // Its well-behaved sibling loads: the refusal is about the lock.
        try (Extension ext = Extensions.load(p, ExtensionSpec.of().withEntry(EntryPoint.of("count_locked", LinuxProgramType.TC))
                .withCpus(1), VerificationPolicy.linux())) {
            assertEquals(new ExecResult.Returned(0), ext.invoke("count_locked", new byte[64]));
        }
    }

    /** {@code frames} frames (the entry and nested calls), each storing at {@code r10 - bytes}; the deepest returns 7. */
    static String chainOfFrames(int frames, int bytes) {
        StringBuilder asm = new StringBuilder();
        for (int f = 0; f < frames; f++) {
            if (f > 0) {
                asm.append("f").append(f).append(":\n");
            }
            asm.append("r1 = 0\n*(u64 *)(r10 - ").append(bytes).append(") = r1\n");
            asm.append(f < frames - 1 ? "call local f" + (f + 1) + "\n" : "r0 = 7\n").append("exit\n");
        }
        return asm.toString();
    }

    /**
     * Eight frames of 512 bytes each (4 KiB in all) are accepted, unlike Linux ("combined stack size
     * of 8 calls is 4096. Too large"): Warden's verifier gives each frame its own 512 bytes by
     * decision (docs/verifier.md, Stack), and the runtime gives each of the 8 frames its own 512
     * bytes, so the deepest chain of the largest frames runs in both engines.
     */
    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void eightFramesOf512BytesRunOnTheirOwnStacks(ExtensionEngine engine) throws Exception {
        try (Extension ext = Extensions.load(object(chainOfFrames(8, 512), List.of()), "deep.o", spec(engine),
                VerificationPolicy.linux())) {
            assertEquals(new ExecResult.Returned(7), ext.invoke("p", new byte[0]));
        }
    }

    @Test
    void aNinthFrameIsRefused() throws Exception {
        String errors = refusal(object(chainOfFrames(9, 512), List.of()));
        assertEquals("hostile.o: program p pc 30: calls nest more than 8 deep", errors);
    }
}
