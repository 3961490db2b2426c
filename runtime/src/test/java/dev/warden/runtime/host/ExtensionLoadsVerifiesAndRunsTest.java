package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.Privilege;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.platform.ArgKind;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.RetKind;
import dev.warden.vm.Access;
import dev.warden.vm.ExecResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The host API's load path: parse, verify, compile, attach; entries, host functions, host state, errors. */
class ExtensionLoadsVerifiesAndRunsTest {
    static final Path XDP_COUNTER = Path.of("..", "examples", "xdp_counter.o");

    static byte[] tcpPacket() {
        byte[] tcp = new byte[54];
        tcp[12] = 0x08; // EtherType IPv4
        tcp[23] = 6;    // IP protocol TCP
        return tcp;
    }

    static long r0(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
    }

    static long u64(byte[] b) {
        return MemorySegment.ofArray(b).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static BpfObject object(String... programs) throws Exception {
        List<BpfProgram> ps = new ArrayList<>();
        for (int i = 0; i < programs.length; i += 2) {
            ps.add(new BpfProgram(programs[i], "xdp", Assembler.assemble(programs[i + 1]), List.of(), List.of(), List.of()));
        }
        return new BpfObject(List.of(), ps, List.of(), "GPL");
    }

    @Test
    void theXdpCounterExampleLoadsVerifiedAndCounts() throws Exception {
        ExtensionSpec spec = ExtensionSpec.of().withEntry(new EntryPoint("count", "xdp_counter", LinuxProgramType.XDP)).withCpus(2);
        try (Extension ext = Extensions.load(XDP_COUNTER, spec, VerificationPolicy.linux())) {
            assertEquals(2, r0(ext.invoke("count", tcpPacket())), "XDP_PASS");
            assertEquals(2, r0(ext.invoke("count", tcpPacket())));
            assertEquals(2, r0(ext.invoke("count", new byte[14])), "too short: not counted");
            assertEquals(2, u64(ext.map("proto_count").orElseThrow().lookup(u32(6)).orElseThrow()));
            assertTrue(ext.map("absent").isEmpty());
            assertThrows(IllegalArgumentException.class, () -> ext.entry("absent"));
        }
    }

    @Test
    void aProgramTheVerifierRejectsIsNotAttachedAndTheErrorSaysWhere() throws Exception {
        BpfObject o = object("bad", "r0 = *(u64 *)(r10 + 8)\nexit\n");
        LoadException e = assertThrows(LoadException.class, () -> Extensions.load(o, "bad.o",
                ExtensionSpec.of().withEntry(EntryPoint.of("bad", LinuxProgramType.XDP)), VerificationPolicy.linux()));
        assertEquals(1, e.errors().size(), e.getMessage());
        assertTrue(e.errors().getFirst().startsWith("bad.o: program bad pc 0"), e.getMessage());
    }

    @Test
    void missingProgramsMapsAndFilesAreLocatedErrors() throws Exception {
        BpfObject o = object("ok", "r0 = 1\nexit\n");
        LoadException missing = assertThrows(LoadException.class, () -> Extensions.load(o, "ok.o",
                ExtensionSpec.of().withEntry(EntryPoint.of("nope", LinuxProgramType.XDP)), VerificationPolicy.linux()));
        assertTrue(missing.getMessage().contains("ok.o: entry nope: the object has no program or section called nope"),
                missing.getMessage());
        LoadException noArray = assertThrows(LoadException.class, () -> Extensions.load(o, "ok.o",
                ExtensionSpec.of().withEntry(EntryPoint.of("ok", LinuxProgramType.XDP))
                        .withTailCall("jumps", 0, EntryPoint.of("ok", LinuxProgramType.XDP)), VerificationPolicy.linux()));
        assertTrue(noArray.getMessage().contains("no program array called jumps"), noArray.getMessage());
        LoadException file = assertThrows(LoadException.class, () -> Extensions.load(Path.of("no-such.o"),
                ExtensionSpec.of().withEntry(EntryPoint.of("ok", LinuxProgramType.XDP)), VerificationPolicy.linux()));
        assertTrue(file.getMessage().startsWith("no-such.o: cannot read"), file.getMessage());
    }

    /** Linux's helpers plus the host's prototypes: what an EIM class will provide. */
    static VerificationPolicy withHostPrototypes(HelperPrototype... extra) {
        Platform linux = Platform.linux();
        List<HelperPrototype> helpers = new ArrayList<>(linux.helpers());
        helpers.addAll(List.of(extra));
        return VerificationPolicy.linux(new VerifierOptions(new Platform(helpers, linux.types()), Optional.empty(),
                Privilege.PRIVILEGED, Termination.PROOF, VerifierOptions.DEFAULT_MAX_INSTRUCTIONS, 0));
    }

    static long add(long a, long b) {
        return a + b;
    }

    @Test
    void hostFunctionsAreCalledWithTheirArgumentsAndReadHostState() throws Exception {
        HelperPrototype add = new HelperPrototype(1000, "host_add", List.of(ArgKind.SCALAR, ArgKind.SCALAR), RetKind.INTEGER,
                Optional.empty(), -1);
        HelperPrototype copy = new HelperPrototype(1001, "host_copy_state", List.of(ArgKind.PTR_TO_UNINIT_MEM, ArgKind.CONST_SIZE),
                RetKind.INTEGER, Optional.empty(), -1);
        BpfObject o = object("sum", "r1 = 2\nr2 = 40\ncall 1000\nexit\n",
                "state", "r1 = r10\nr1 += -8\nr2 = 8\ncall 1001\nr0 = *(u64 *)(r10 - 8)\nexit\n");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment state = arena.allocate(8, 8);
            state.set(ValueLayout.JAVA_LONG, 0, 0x1234_5678_9abcL);
            long[] stateAddress = new long[1];
            ExtensionSpec spec = ExtensionSpec.of()
                    .withEntry(EntryPoint.of("sum", LinuxProgramType.XDP))
                    .withEntry(EntryPoint.of("state", LinuxProgramType.XDP))
                    .withFunction(1000, "host_add", HostFunction.of(MethodHandles.lookup().findStatic(
                            ExtensionLoadsVerifiesAndRunsTest.class, "add", MethodType.methodType(long.class, long.class, long.class))))
                    // Reads the host state through the extension's memory view: it is a region of every CPU.
                    .withFunction(1001, "host_copy_state", (mem, r1, r2, r3, r4, r5) -> {
                        mem.write(r1, mem.read(stateAddress[0], (int) r2));
                        return 0;
                    })
                    .withState("config", state, Access.READ_ONLY)
                    .withCpus(2);
            try (Extension ext = Extensions.load(o, "host.o", spec, withHostPrototypes(add, copy))) {
                stateAddress[0] = ext.stateAddress("config");
                assertEquals(42, r0(ext.invoke("sum", new byte[0])));
                assertEquals(0x1234_5678_9abcL, r0(ext.invoke("state", new byte[0])));
            }
            // Without the prototypes the verifier does not know the host functions: nothing is attached.
            LoadException e = assertThrows(LoadException.class, () -> Extensions.load(o, "host.o", spec, VerificationPolicy.linux()));
            assertTrue(e.getMessage().contains("host.o: program sum pc 2"), e.getMessage());
        }
    }

    @Test
    void aHostFunctionFailureIsAFaultAtTheCall() throws Exception {
        HelperPrototype fail = new HelperPrototype(1002, "host_fail", List.of(), RetKind.INTEGER, Optional.empty(), -1);
        BpfObject o = object("f", "r0 = 0\ncall 1002\nexit\n");
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("f", LinuxProgramType.XDP))
                .withFunction(1002, "host_fail", (mem, r1, r2, r3, r4, r5) -> {
                    throw new HostFunction.HostFunctionFailure("no such user");
                }).withCpus(1);
        try (Extension ext = Extensions.load(o, "f.o", spec, withHostPrototypes(fail))) {
            ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, ext.invoke("f", new byte[0]));
            assertEquals(1, f.fault().pc());
            assertTrue(f.fault().message().contains("host function host_fail: no such user"), f.fault().message());
        }
    }

    /** An object of {@code entry}, a program "target" returning 3, and the program array "jumps" (2 slots). */
    static BpfObject withTailTarget(BpfProgram entry) throws Exception {
        dev.warden.isa.elf.BpfMap jumps = new dev.warden.isa.elf.BpfMap(0, "jumps", dev.warden.isa.elf.MapKind.BTF, 3, 4, 4, 2, 0,
                new byte[0]);
        BpfProgram target = new BpfProgram("target", "xdp", Assembler.assemble("r0 = 3\nexit\n"), List.of(), List.of(), List.of());
        return new BpfObject(List.of(), List.of(entry, target), List.of(jumps), "GPL");
    }

    @Test
    void tailCallTargetsFromTheSpecAreVerifiedAndReached() throws Exception {
        BpfProgram entry = new BpfProgram("entry", "xdp", Assembler.assemble(
                "r2 = map[idx:0] ll\nr3 = 1\ncall 12\nr0 = 99\nexit\n"), List.of(), List.of(), List.of());
        BpfObject o = withTailTarget(entry);
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("entry", LinuxProgramType.XDP))
                .withTailCall("jumps", 1, EntryPoint.of("target", LinuxProgramType.XDP)).withCpus(2);
        try (Extension ext = Extensions.load(o, "tail.o", spec, VerificationPolicy.linux())) {
            assertEquals(3, r0(ext.invoke("entry", new byte[0])));
            assertArrayEquals(u32(1), ext.map("jumps").orElseThrow().entries().getFirst().value(), "slot 1 holds program 1");
            ext.map("jumps").orElseThrow().clearProgram(1);
            assertEquals(99, r0(ext.invoke("entry", new byte[0])));
        }
    }

    @Test
    void aTailCallFromASubprogramIsLoadedAndReturnsTheTargetsR0ToTheCaller() throws Exception {
        // Refused at load until the engines implemented Linux's semantics (TailCallsFromSubprogramsTest):
        // the target (r0 = 3) takes the subprogram's place and the entry goes on with its result.
        BpfProgram entry = new BpfProgram("entry", "xdp", Assembler.assemble(
                "call local sub\nr0 += 1\nexit\nsub:\nr2 = map[idx:0] ll\nr3 = 1\ncall 12\nr0 = 0\nexit\n"), List.of(), List.of(), List.of());
        BpfObject o = withTailTarget(entry);
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("entry", LinuxProgramType.XDP))
                .withTailCall("jumps", 1, EntryPoint.of("target", LinuxProgramType.XDP)).withCpus(1);
        try (Extension ext = Extensions.load(o, "subtail.o", spec, VerificationPolicy.linux())) {
            assertEquals(4, r0(ext.invoke("entry", new byte[0])));
            ext.map("jumps").orElseThrow().clearProgram(1);
            assertEquals(1, r0(ext.invoke("entry", new byte[0])), "no jump: the subprogram returns 0");
        }
    }

    @Test
    void aDetachedExtensionRefusesInvocations() throws Exception {
        BpfObject o = object("one", "r0 = 1\nexit\n");
        Extension ext = Extensions.load(o, "one.o", ExtensionSpec.of().withEntry(EntryPoint.of("one", LinuxProgramType.XDP))
                .withCpus(1), VerificationPolicy.linux());
        assertEquals(1, r0(ext.invoke("one", new byte[0])));
        ext.detach();
        assertThrows(IllegalStateException.class, () -> ext.invoke("one", new byte[0]));
        ext.close(); // idempotent
    }

    @Test
    void bpfLoopRunsInAVerifiedCompiledExtension() throws Exception {
        // The callback stores its index (a sum would not let the verifier's fixpoint stabilise).
        String asm = dev.warden.runtime.linux.LinuxMapTypesTestAccess.LOOP.replace("LOOPS", "10").replace("FLAGS", "0")
                .replace("r3 = *(u64 *)(r2 + 0)", "r3 = 0");
        BpfObject o = object("loop", asm);
        try (Extension ext = Extensions.load(o, "loop.o", ExtensionSpec.of().withEntry(EntryPoint.of("loop", LinuxProgramType.XDP))
                .withCpus(1), VerificationPolicy.linux())) {
            assertEquals(6_007, r0(ext.invoke("loop", new byte[0])), "last index 6, 7 iterations");
        }
    }

    @Test
    void traceLinesGoToTheHostsSinkFromEveryCpu() throws Exception {
        // "n=%d" and its NUL on the stack, then bpf_trace_printk(fmt, 5, 42).
        BpfObject o = object("trace", """
                *(u32 *)(r10 - 8) = 0x64253d6e
                *(u8 *)(r10 - 4) = 0
                r1 = r10
                r1 += -8
                r2 = 5
                r3 = 42
                call 6
                r0 = 2
                exit
                """);
        java.util.Queue<String> lines = new java.util.concurrent.ConcurrentLinkedQueue<>();
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("trace", LinuxProgramType.XDP)).withTrace(lines::add)
                .withCpus(2);
        try (Extension ext = Extensions.load(o, "trace.o", spec, VerificationPolicy.linux())) {
            Thread other = Thread.ofPlatform().start(() -> ext.invoke("trace", new byte[0]));
            assertEquals(2, r0(ext.invoke("trace", new byte[0])));
            other.join();
            assertEquals(List.of("n=42", "n=42"), List.copyOf(lines));
        }
    }
}
