package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Size;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.isa.random.GeneratedObject;
import dev.warden.isa.random.PointerProgramGenerator;
import dev.warden.jit.JitCompiler;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.state.Value;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.ProgramRefusedException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.instruction.InvokeInstruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JIT fed by the proof: a verified program compiled with the checks the proof made redundant
 * left out runs exactly as the checking interpreter runs it (same result, same fault, same maps
 * after each run), on random pointer programs and on the real objects the verifier accepts; and
 * an access the proof does not cover keeps its check.
 */
class ElidedChecksRunLikeTheInterpreterTest {
    private static final Path REAL = Path.of(System.getProperty("warden.shared", "../shared"), "testdata", "real-objects").normalize();

    /**
     * Runs both engines on the same inputs; returns the number of checks the JIT left out. A
     * second interpreter, open at the same time (so its memory lies elsewhere), tells which
     * observations depend on addresses (a program may store a pointer into a map or return one):
     * those are compared only where both interpreters agree.
     */
    private static int compare(BpfObject object, VerifiedProgram proof, LinuxProgramType type, long seed, int runs, String name) {
        RandomInputs inputs = new RandomInputs(seed, object.maps());
        RandomInputs same = new RandomInputs(seed, object.maps());
        RandomInputs again = new RandomInputs(seed, object.maps());
        boolean narrowPointerStores = storesLowBitsOfPointers(proof);
        try (LinuxEnvironment interp = LinuxEnvironment.load(object, proof.bpfProgram(), type);
             LinuxEnvironment interp2 = LinuxEnvironment.load(object, proof.bpfProgram(), type);
             LinuxEnvironment jit = LinuxEnvironment.loadVerified(object, proof, type, LinuxEnvironment.DEFAULT_BUDGET)) {
            for (int r = 0; r < runs; r++) {
                LinuxInput in = inputs.nextFor(type);
                ExecResult a = interp.run(in, MapsBefore.FROM_INPUT);
                ExecResult a2 = interp2.run(again.nextFor(type), MapsBefore.FROM_INPUT);
                ExecResult b = jit.run(same.nextFor(type), MapsBefore.FROM_INPUT);
                String why = name + " run " + r + "\n" + in.describe(interp.mapNames());
                if (render(a).equals(render(a2))) {
                    assertEquals(render(a), render(b), why);
                } else {
                    assertEquals(a.getClass(), b.getClass(), why);
                }
                if (!narrowPointerStores && interp.maps().toString().equals(interp2.maps().toString())) {
                    assertEquals(interp.maps().toString(), jit.maps().toString(), why);
                }
                if (interp.traceLog().equals(interp2.traceLog())) {
                    assertEquals(interp.traceLog(), jit.traceLog(), why);
                }
                inputs.learn(interp.missedKeys());
                same.learn(interp.missedKeys());
                again.learn(interp.missedKeys());
            }
            return jit.elision().orElseThrow().elided();
        }
    }

    /**
     * Whether the program may store fewer than 8 bytes of a pointer. Those bytes are the address's
     * low bits, which the two interpreters share (their allocations have the same page offsets)
     * but the JIT's layout need not: the second interpreter cannot tell that such map contents
     * depend on addresses, so they are not compared (the runs' outcomes still are).
     */
    private static boolean storesLowBitsOfPointers(VerifiedProgram proof) {
        Program p = proof.program();
        for (int i = 0; i < p.size(); i++) {
            if (p.get(i) instanceof Instruction.StoreReg st && st.size() != Size.DW) {
                var inv = proof.invariantAt(p.pcOf(i));
                if (inv.isPresent() && inv.get().register(st.src().number()) instanceof Value.Ptr) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String render(ExecResult r) {
        return switch (r) {
            case ExecResult.Returned ret -> "returned " + ret.r0();
            case ExecResult.Faulted f -> "fault " + f.fault().kind() + " at pc " + f.fault().pc();
        };
    }

    @Test
    void randomPointerProgramsTheVerifierAcceptsRunAlike() {
        PointerProgramGenerator gen = PointerProgramGenerator.defaults();
        int accepted = 0;
        int elided = 0;
        for (long seed = 0; seed < 150; seed++) {
            GeneratedObject g = gen.generate(seed);
            VerificationResult r = Verifier.verify(g.object(), g.program(),
                    VerifierOptions.linux().withType(VerifierOptions.linux().platform().type("xdp").orElseThrow()));
            if (r instanceof VerificationResult.Verified v) {
                accepted++;
                elided += compare(g.object(), v.program(), LinuxProgramType.XDP, seed, 16,
                        "seed " + seed + "\n" + Disassembler.listing(g.program().program()));
            }
        }
        assertTrue(accepted > 20, accepted + " programs accepted");
        assertTrue(elided > accepted, elided + " checks elided in " + accepted + " programs: the elision must do something");
    }

    @Test
    void realObjectsTheVerifierAcceptsRunAlike() throws Exception {
        assumeTrue(Files.isDirectory(REAL), "real objects not present at " + REAL.toAbsolutePath());
        int[] counts = runAccepted(objects(REAL));
        assertTrue(counts[0] > 0, "no accepted program of a type the runtime runs among the real objects");
        assertTrue(counts[1] > 0, "no check elided in " + counts[0] + " programs");
        System.out.println("real objects: " + counts[0] + " accepted programs (packet and tracing types) ran alike, " + counts[1] + " checks elided");
    }

    @Test
    void ownProgramsTheVerifierAcceptsRunAlike() throws Exception {
        // The verifier's own C programs (verifier/src/test/c), from this module's directory or the root.
        Path own = Stream.of(Path.of("../verifier/src/test/c"), Path.of("verifier/src/test/c"))
                .filter(p -> Files.isRegularFile(p.resolve("bpf_test.h"))).findFirst()
                .orElseThrow(() -> new AssertionError("verifier/src/test/c not found from " + Path.of("").toAbsolutePath()));
        int[] counts = runAccepted(objects(own));
        assertTrue(counts[0] > 0, "no accepted program of a type the runtime runs among the own programs");
        assertTrue(counts[1] > 0, "no check elided in " + counts[0] + " programs");
        System.out.println("own programs: " + counts[0] + " accepted programs (packet and tracing types) ran alike, " + counts[1] + " checks elided");
    }

    private static List<Path> objects(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    /** Verifies every program of {@code files} of a type this runtime runs (packet and tracing types); runs the accepted ones both ways. Returns {programs run, checks elided}. */
    private static int[] runAccepted(List<Path> files) throws Exception {
        int ran = 0;
        int elided = 0;
        for (Path f : files) {
            BpfObject o = ElfReader.read(Files.readAllBytes(f));
            for (BpfProgram p : o.programs()) {
                Optional<LinuxProgramType> type = LinuxProgramType.forSection(p.section());
                if (type.isEmpty()) {
                    continue;
                }
                VerificationResult r = Verifier.verify(o, p, VerifierOptions.linux());
                if (!(r instanceof VerificationResult.Verified v)) {
                    continue;
                }
                try {
                    elided += compare(o, v.program(), type.get(), f.hashCode(), 24, f.getFileName() + " " + p.name());
                    ran++;
                } catch (ProgramRefusedException e) {
                    // A program the JIT refuses (a limit of the JIT) is not run by either engine here.
                }
            }
        }
        return new int[] {ran, elided};
    }

    private static List<String> accessors(VerifiedProgram proof, ProvedChecks checks) {
        byte[] bytes = JitCompiler.generate(proof.program(), ExecOptions.defaults().helpers(), checks.elision()).classFile();
        return ClassFile.of().parse(bytes).methods().stream()
                .filter(m -> m.methodName().equalsString("f0")).findFirst().orElseThrow()
                .code().orElseThrow().elementStream()
                .filter(e -> e instanceof InvokeInstruction i && i.owner().asInternalName().equals("dev/warden/jit/JitCode"))
                .map(e -> ((InvokeInstruction) e).name().stringValue())
                .filter(n -> n.startsWith("ld") || n.startsWith("st") || n.startsWith("raw"))
                .toList();
    }

    private static VerifiedProgram verified(String type, String asm) throws Exception {
        BpfProgram p = new BpfProgram("prog", type, Assembler.assemble(asm), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(LinuxEnvironmentTest.ARRAY), "GPL");
        return assertInstanceOf(VerificationResult.Verified.class, Verifier.verify(o, p, VerifierOptions.linux())).program();
    }

    @Test
    void anAccessTheProofDoesNotCoverKeepsItsCheck() throws Exception {
        // pc 4 is never reached (r0 is 0), so the verifier proves nothing about it, but the JIT still
        // compiles it: it keeps its check. pc 1 (a context field) is proved and loses it.
        VerifiedProgram proof = verified("xdp", """
                r0 = 0
                r2 = *(u32 *)(r1 + 12)
                if r0 != 0 goto +1
                exit
                r3 = *(u64 *)(r1 + 999)
                exit
                """);
        assertTrue(proof.invariantAt(4).isEmpty());
        ProvedChecks checks = ProvedChecks.forLinux(proof, List.of(), Optional.of("xdp"));
        assertTrue(checks.provedSafe(1));
        assertFalse(checks.provedSafe(4));
        assertEquals(2, checks.total());
        assertEquals(1, checks.elided());
        assertEquals(List.of("raw32", "ld64"), accessors(proof, checks));
    }

    @Test
    void aProvedStoreIntoAContextTheRuntimeKeepsReadOnlyKeepsItsCheck() throws Exception {
        // tc may write skb->mark (offset 8): proved by the verifier. Where the runtime's context is
        // read-only the check stays (it would fault); where it is writable, as for tc, it goes.
        VerifiedProgram proof = verified("tc", """
                r2 = 1
                *(u32 *)(r1 + 8) = r2
                r0 = 0
                exit
                """);
        assertTrue(proof.accessProvedInBounds(1));
        assertTrue(ProvedChecks.of(proof, Access.READ_WRITE, i -> true).provedSafe(1));
        assertFalse(ProvedChecks.of(proof, Access.READ_ONLY, i -> true).provedSafe(1));
    }
}
