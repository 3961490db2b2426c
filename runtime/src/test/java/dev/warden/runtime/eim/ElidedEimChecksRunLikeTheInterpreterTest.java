package dev.warden.runtime.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Helpers;
import dev.warden.vm.LoadedProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JIT fed by an EIM proof: a program verified against a class, compiled with the accesses
 * through its entry's pointer argument (and its stack) left unchecked ({@link BufferEntry},
 * {@link ProvedChecks#forEim}), runs exactly as the checking interpreter runs it: same result or
 * fault, same buffer afterwards. On random programs over a host object and on the benchmark
 * workloads with {@code bench/workloads/bench.eim}; and the elision holds only where the runtime's
 * region covers the verifier's bounds.
 */
class ElidedEimChecksRunLikeTheInterpreterTest {
    static final Path WORKLOADS = Path.of("../bench/workloads");
    static final ExecOptions OPTIONS = ExecOptions.defaults().withHelpers(Helpers.none());
    /** sizeof(Buffer) in bench.eim. */
    static final int BUFFER = 4096;

    static EimPlatform platform(ParseResult parsed, String className) {
        return switch (EimPlatform.forClass(parsed, className)) {
            case EimPlatform.Built.Ok ok -> ok.platform();
            case EimPlatform.Built.Failed f -> throw new AssertionError(f.message());
        };
    }

    /** Runs {@code proof} on a copy of {@code bytes} in the interpreter and in the elided JIT; both must agree. */
    private static void compare(BufferEntry jit, LoadedProgram interp, byte[] bytes, String why) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(bytes.length, 8);
            MemorySegment b = arena.allocate(bytes.length, 8);
            a.copyFrom(MemorySegment.ofArray(bytes));
            b.copyFrom(MemorySegment.ofArray(bytes));
            ExecResult expected = interp.run(a, Access.READ_WRITE);
            ExecResult actual = jit.run(b);
            assertEquals(render(expected), render(actual), why);
            assertTrue(Arrays.equals(a.toArray(ValueLayout.JAVA_BYTE), b.toArray(ValueLayout.JAVA_BYTE)), "buffer differs: " + why);
        }
    }

    private static String render(ExecResult r) {
        return switch (r) {
            case ExecResult.Returned ret -> "returned " + ret.r0();
            case ExecResult.Faulted f -> "fault " + f.fault().kind() + " at pc " + f.fault().pc();
        };
    }

    @Test
    void randomProgramsAClassAcceptsRunAlikeWithTheirHostChecksElided() throws Exception {
        ParseResult parsed = Eim.parse("fuzz.eim", EimAcceptedProgramsStayInTheirGrantsFuzzTest.POLICY, Path.of("."));
        assertFalse(parsed.hasErrors(), parsed.diagnostics()::toString);
        int accepted = 0;
        int hostElided = 0;
        for (String className : List.of("readHead", "readWriteAll")) {
            EimPlatform eim = platform(parsed, className);
            for (int seed = 0; seed < 300; seed++) {
                String asm = EimAcceptedProgramsStayInTheirGrantsFuzzTest.generate(new SplittableRandom(seed * 17L + 3));
                Program p = Assembler.assemble(asm);
                if (!(Verifier.verify(p, VerifierOptions.linux(), eim) instanceof VerificationResult.Verified v)) {
                    continue;
                }
                accepted++;
                VerifiedProgram proof = v.program();
                try (BufferEntry jit = BufferEntry.load(proof, OPTIONS, BufferEntry.Checks.ELIDE_PROVED);
                     LoadedProgram interp = new Interpreter().load(p, OPTIONS)) {
                    hostElided += jit.checksElided();
                    SplittableRandom inputs = new SplittableRandom(seed);
                    for (int run = 0; run < 6; run++) {
                        // sizeof(Buf) = 64, or longer: an elided access stays in the first 64 bytes either way.
                        byte[] bytes = new byte[64 + (run % 2) * inputs.nextInt(1, 64)];
                        inputs.nextBytes(bytes);
                        compare(jit, interp, bytes, className + " seed " + seed + " run " + run + "\n" + asm);
                    }
                }
            }
        }
        System.out.println("EIM elision differential: " + accepted + " accepted programs, " + hostElided + " checks elided");
        // Not vacuous: many programs run, and their accesses through r1 lose their checks.
        assertTrue(accepted >= 50, "accepted " + accepted);
        assertTrue(hostElided >= accepted, "elided " + hostElided);
    }

    @Test
    void theBenchmarkWorkloadsRunAlikeVerifiedAgainstBenchEim() throws Exception {
        ParseResult parsed = Eim.parse(WORKLOADS.resolve("bench.eim"));
        assertFalse(parsed.hasErrors(), parsed.diagnostics()::toString);
        EimPlatform eim = platform(parsed, "bufferOnly");
        BpfObject object = ElfReader.read(WORKLOADS.resolve("workloads.bpf.o"));
        int elided = 0;
        for (String name : List.of("sum_loop", "fnv1a", "state_machine", "bubble_sort")) {
            BpfProgram program = object.program("wl_" + name).orElseThrow();
            Termination t = name.equals("sum_loop") ? Termination.RUNTIME : Termination.PROOF;
            VerificationResult r = Verifier.verify(object, program, VerifierOptions.linux().withTermination(t), eim);
            VerifiedProgram proof = assertInstanceOf(VerificationResult.Verified.class, r, name + ": " + r).program();
            try (BufferEntry jit = BufferEntry.load(proof, OPTIONS, BufferEntry.Checks.ELIDE_PROVED);
                 LoadedProgram interp = new Interpreter().load(proof.program(), OPTIONS)) {
                assertEquals(jit.checksTotal(), jit.checksElided(), name + ": every access is through *data or the stack");
                elided += jit.checksElided();
                SplittableRandom rnd = new SplittableRandom(name.hashCode());
                for (int run = 0; run < 3; run++) {
                    byte[] bytes = new byte[BUFFER];
                    rnd.nextBytes(bytes);
                    // The sum loop runs n times, n its first word: keep n small for the interpreter.
                    MemorySegment.ofArray(bytes).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, rnd.nextLong(100_000));
                    compare(jit, interp, bytes, name + " run " + run);
                }
            }
        }
        assertTrue(elided > 150, "elided " + elided);
    }

    @Test
    void anArgumentRegionSmallerThanItsTypeOrReadOnlyKeepsTheChecksItWouldNeed() throws Exception {
        EimPlatform eim = platform(Eim.parse(WORKLOADS.resolve("bench.eim")), "bufferOnly");
        VerifiedProgram proof = assertInstanceOf(VerificationResult.Verified.class, Verifier.verify(Assembler.assemble("""
                r0 = *(u8 *)(r1 + 4095)
                *(u8 *)(r1 + 0) = r0
                exit
                """), VerifierOptions.linux(), eim)).program();
        ProvedChecks typed = ProvedChecks.forEim(proof, ProvedChecks.typedArguments(eim));
        assertTrue(typed.provedSafe(0) && typed.provedSafe(1));
        assertEquals(2, typed.elided());
        // One byte short of sizeof(Buffer): the load at 4095 could fault, so nothing is elided.
        ProvedChecks shorter = ProvedChecks.forEim(proof, Map.of("data", new ProvedChecks.ArgumentRegion(4095, Access.READ_WRITE)));
        assertEquals(0, shorter.elided());
        // Read-only: the load goes, the store keeps its check (it would fault READ_ONLY).
        ProvedChecks readOnly = ProvedChecks.forEim(proof, Map.of("data", new ProvedChecks.ArgumentRegion(4096, Access.READ_ONLY)));
        assertTrue(readOnly.provedSafe(0));
        assertFalse(readOnly.provedSafe(1));
        // Not laid out at all: every check stays.
        assertEquals(0, ProvedChecks.forEim(proof, Map.of()).elided());

        // The runner refuses what the elided code could not survive, before running it.
        try (BufferEntry jit = BufferEntry.load(proof, OPTIONS, BufferEntry.Checks.ELIDE_PROVED);
             BufferEntry checked = BufferEntry.load(proof, OPTIONS, BufferEntry.Checks.KEEP_ALL)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jit.run(new byte[4095]));
            assertTrue(e.getMessage().contains("points r1 to 4096 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> jit.run(new byte[5000])); // len <= sizeof(Buffer)
            assertEquals(0, checked.checksElided());
            assertEquals(2, checked.checksTotal());
            byte[] in = new byte[4096];
            in[4095] = 42;
            assertEquals("returned 42", render(jit.run(in)));
            assertEquals("returned 42", render(checked.run(in)));
        }
    }

    @Test
    void aLinuxProofIsNoEimProof() throws Exception {
        VerifiedProgram linux = assertInstanceOf(VerificationResult.Verified.class,
                Verifier.verify(Assembler.assemble("r0 = 0\nexit\n"), VerifierOptions.linux().withType(
                        VerifierOptions.linux().platform().type("xdp").orElseThrow()))).program();
        assertThrows(IllegalArgumentException.class, () -> BufferEntry.load(linux, OPTIONS, BufferEntry.Checks.ELIDE_PROVED));
        assertThrows(IllegalArgumentException.class, () -> ProvedChecks.forEim(linux, Map.of()));
    }

    @Test
    void aProgramThatCallsOutIsNotRunOnABuffer() throws Exception {
        // The class grants helper 5 (ktime); a buffer run has no helper with Linux's semantics,
        // whose return constraints the proof may have assumed.
        ParseResult parsed = Eim.parse("calls.eim", """
                typedef u8 Buf[64];
                Function_Capability(name = "now", helper = 5, prototype = (void) -> u64)
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Buf *data, u64 len) -> u64)
                Extension_Class(name = "c", extension_entry = "e", allowed = { read(data), now })
                """, Path.of("."));
        assertFalse(parsed.hasErrors(), parsed.diagnostics()::toString);
        VerifiedProgram proof = assertInstanceOf(VerificationResult.Verified.class, Verifier.verify(
                Assembler.assemble("call 5\nr0 = 0\nexit\n"), VerifierOptions.linux(), platform(parsed, "c"))).program();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BufferEntry.load(proof, OPTIONS, BufferEntry.Checks.ELIDE_PROVED));
        assertTrue(e.getMessage().contains("pc 0: calls helper 5"), e.getMessage());
    }

}
