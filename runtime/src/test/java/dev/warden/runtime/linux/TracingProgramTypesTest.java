package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.isa.elf.MapType;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.verifier.platform.Platform;
import dev.warden.vm.Access;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The tracing program types run on a context the user gives, on both engines; their contexts are the verifier's. */
class TracingProgramTypesTest {
    static final BpfMap HASH = new BpfMap(0, "hash", MapKind.BTF, MapType.HASH, 8, 8, 8, 0, new byte[0]);

    static Stream<Engine> engines() {
        return Stream.of(new Interpreter(), new JitEngine());
    }

    static ExecResult run(Engine engine, String type, String asm, byte[] context) throws Exception {
        return run(engine, type, type, asm, context);
    }

    static ExecResult run(Engine engine, String type, String section, String asm, byte[] context) throws Exception {
        BpfProgram p = new BpfProgram("prog", section, Assembler.assemble(asm), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(HASH), "GPL");
        try (LinuxEnvironment env = LinuxEnvironment.load(o, p, LinuxProgramType.named(type).orElseThrow(),
                LinuxEnvironment.DEFAULT_BUDGET, engine)) {
            return env.run(LinuxInput.ofPacket(context), MapsBefore.FROM_INPUT);
        }
    }

    static long r0(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
    }

    static FaultKind fault(ExecResult r) {
        return assertInstanceOf(ExecResult.Faulted.class, r, () -> "expected a fault, got " + r).fault().kind();
    }

    static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    @Test
    void everyTracingContextHasTheVerifiersSizeAndIsReadOnlyWhereItsFieldsAre() {
        for (String name : List.of("kprobe", "tracepoint", "raw_tracepoint", "perf_event", "fentry", "fexit", "tp_btf")) {
            LinuxProgramType t = LinuxProgramType.named(name).orElseThrow();
            var layout = Platform.linux().type(name).orElseThrow().context();
            assertEquals(layout.size(), t.contextSize(), name);
            assertEquals(Access.READ_ONLY, t.contextAccess(), name);
            assertTrue(!t.hasPacket(), name);
        }
        assertEquals(168, LinuxProgramType.KPROBE.contextSize());
        assertEquals(184, LinuxProgramType.PERF_EVENT.contextSize());
        assertEquals(96, LinuxProgramType.RAW_TRACEPOINT.contextSize());
    }

    @Test
    void sectionNamesAndAliasesPickTheTypeAsXdpAndTcDo() {
        assertEquals(LinuxProgramType.KPROBE, LinuxProgramType.forSection("kprobe/do_unlinkat").orElseThrow());
        assertEquals(LinuxProgramType.KPROBE, LinuxProgramType.forSection("kretprobe/do_unlinkat").orElseThrow());
        assertEquals(LinuxProgramType.KPROBE, LinuxProgramType.forSection("uprobe//bin/bash:readline").orElseThrow());
        assertEquals(LinuxProgramType.KPROBE, LinuxProgramType.named("uretprobe").orElseThrow());
        assertEquals(LinuxProgramType.TRACEPOINT, LinuxProgramType.forSection("tracepoint/syscalls/sys_enter_openat").orElseThrow());
        assertEquals(LinuxProgramType.TRACEPOINT, LinuxProgramType.forSection("tp/sched/sched_switch").orElseThrow());
        assertEquals(LinuxProgramType.RAW_TRACEPOINT, LinuxProgramType.forSection("raw_tracepoint/sys_enter").orElseThrow());
        assertEquals(LinuxProgramType.RAW_TRACEPOINT, LinuxProgramType.forSection("raw_tp/sys_enter").orElseThrow());
        assertEquals(LinuxProgramType.FENTRY, LinuxProgramType.forSection("fentry/do_unlinkat").orElseThrow());
        assertEquals(LinuxProgramType.FEXIT, LinuxProgramType.forSection("fexit/do_unlinkat").orElseThrow());
        assertEquals(LinuxProgramType.TP_BTF, LinuxProgramType.forSection("tp_btf/sched_switch").orElseThrow());
        assertEquals(LinuxProgramType.PERF_EVENT, LinuxProgramType.forSection("perf_event").orElseThrow());
        assertEquals(LinuxProgramType.XDP, LinuxProgramType.forSection("xdp").orElseThrow());
        assertTrue(LinuxProgramType.named("lsm").isEmpty(), "a type this runtime does not run is not named");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aKprobeReadsTheRegistersTheUserGaveAndTheRestIsZero(Engine engine) throws Exception {
        byte[] regs = new byte[168];
        ByteBuffer.wrap(regs).order(ByteOrder.LITTLE_ENDIAN).putLong(112, 0x1234_5678_9abcL); // di: the first argument
        String asm = """
                r0 = *(u64 *)(r1 + 112)
                r2 = *(u64 *)(r1 + 160)
                r0 += r2
                exit
                """;
        assertEquals(0x1234_5678_9abcL, r0(run(engine, "kprobe", asm, regs)));
        assertEquals(0, r0(run(engine, "kprobe", asm, new byte[0])), "the default context is zero");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aKprobeContextIsReadOnlyAndEndsAtItsSize(Engine engine) throws Exception {
        assertEquals(FaultKind.READ_ONLY, fault(run(engine, "kprobe", "r2 = 1\n*(u64 *)(r1 + 112) = r2\nr0 = 0\nexit", new byte[0])));
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run(engine, "kprobe", "r0 = *(u64 *)(r1 + 168)\nexit", new byte[0])));
        assertEquals(0, r0(run(engine, "kprobe", "r0 = *(u64 *)(r1 + 160)\nexit", new byte[0])));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aTracepointRecordFillsTheStartOfAContextAsLargeAsTheVerifierLetsAProgramRead(Engine engine) throws Exception {
        byte[] record = new byte[16];
        record[8] = 42; // the first field after the 8-byte common header
        assertEquals(42, r0(run(engine, "tracepoint", "r0 = *(u8 *)(r1 + 8)\nexit", record)));
        assertEquals(0, r0(run(engine, "tracepoint", "r0 = *(u64 *)(r1 + 2040)\nexit", record)), "the last readable u64");
    }

    @Test
    void aContextLongerThanTheTypesIsRefused() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(new Interpreter(), "raw_tracepoint", "r0 = 0\nexit", new byte[97]));
        assertTrue(e.getMessage().contains("96 bytes"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void probeReadCopiesFromTheExtensionsOwnMemory(Engine engine) throws Exception {
        // Copy pt_regs.di (8 bytes of the context) to the stack with bpf_probe_read_kernel.
        byte[] regs = new byte[168];
        ByteBuffer.wrap(regs).order(ByteOrder.LITTLE_ENDIAN).putLong(112, 77);
        String asm = """
                r3 = r1
                r3 += 112
                r1 = r10
                r1 += -8
                r2 = 8
                call 113
                if r0 != 0 goto out
                r0 = *(u64 *)(r10 - 8)
                out:
                exit
                """;
        assertEquals(77, r0(run(engine, "kprobe", asm, regs)));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void probeReadOfAnyOtherAddressIsEfaultWithTheDestinationZeroedNeverAHostRead(Engine engine) throws Exception {
        // di holds an address of this very process (a real host object's): the probe read must not follow it.
        java.lang.foreign.MemorySegment secret = java.lang.foreign.Arena.global().allocate(8);
        secret.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 0x5ec7e7L);
        for (int helper : new int[] {4, 112, 113}) {
            byte[] regs = new byte[168];
            ByteBuffer.wrap(regs).order(ByteOrder.LITTLE_ENDIAN).putLong(112, secret.address());
            String asm = """
                    r2 = -1
                    *(u64 *)(r10 - 8) = r2
                    r3 = *(u64 *)(r1 + 112)
                    r1 = r10
                    r1 += -8
                    r2 = 8
                    call %d
                    r1 = *(u64 *)(r10 - 8)
                    if r1 != 0 goto bad
                    exit
                    bad:
                    r0 = 1
                    exit
                    """.formatted(helper);
            assertEquals(-14, r0(run(engine, "kprobe", asm, regs)), "helper " + helper);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void probeReadStrStopsAtTheNulOrTheSizeAndFaultsToEfault(Engine engine) throws Exception {
        // The string "hi" sits in the tracepoint record at offset 8; read it into the stack with sizes 8 and 2.
        byte[] record = new byte[16];
        record[8] = 'h';
        record[9] = 'i';
        String asm = """
                r3 = r1
                r3 += 8
                r1 = r10
                r1 += -8
                r2 = %d
                call 115
                r1 = *(u64 *)(r10 - 8)
                r0 <<= 32
                r0 |= r1
                exit
                """;
        long whole = r0(run(engine, "tracepoint", asm.formatted(8), record));
        assertEquals(3, whole >> 32, "'h', 'i' and the NUL");
        assertEquals('h' | 'i' << 8, whole & 0xffff_ffffL);
        long cut = r0(run(engine, "tracepoint", asm.formatted(2), record));
        assertEquals(2, cut >> 32, "two bytes: 'h' and the NUL in place of 'i'");
        assertEquals('h', cut & 0xffff_ffffL);
        // From an address outside every region: -EFAULT and the destination zeroed.
        String outside = """
                r2 = -1
                *(u64 *)(r10 - 8) = r2
                r3 = 4096
                r1 = r10
                r1 += -8
                r2 = 8
                call 114
                r1 = *(u64 *)(r10 - 8)
                r0 += r1
                exit
                """;
        assertEquals(-14, r0(run(engine, "tracepoint", outside, record)));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aProbeReadIntoTheReadOnlyContextIsAFault(Engine engine) throws Exception {
        String asm = "r3 = r10\nr3 += -8\nr2 = 8\ncall 113\nexit";
        assertEquals(FaultKind.READ_ONLY, fault(run(engine, "kprobe", asm, new byte[0])));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aRawTracepointReadsItsArgumentsAndTheTaskIsAKernelHalfNumberPerPid(Engine engine) throws Exception {
        assertEquals(5, r0(run(engine, "raw_tracepoint", "r0 = *(u64 *)(r1 + 8)\nexit", longs(0, 5))));
        long task = r0(run(engine, "raw_tracepoint", "call 35\nexit", new byte[0]));
        assertTrue(task < 0, "in the kernel half of the address space: never an address of this process");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void fentryArgumentsCountTheSlotsGivenAndFexitsLastSlotIsTheReturnValue(Engine engine) throws Exception {
        String count = "call 185\nexit";
        assertEquals(3, r0(run(engine, "fentry", count, longs(1, 2, 3))));
        assertEquals(2, r0(run(engine, "fexit", count, longs(1, 2, 3))));
        String arg = """
                r6 = r1
                r2 = %d
                r3 = r10
                r3 += -8
                call 183
                if r0 != 0 goto out
                r0 = *(u64 *)(r10 - 8)
                out:
                exit
                """;
        assertEquals(30, r0(run(engine, "fentry", arg.formatted(2), longs(10, 20, 30))));
        assertEquals(-22, r0(run(engine, "fentry", arg.formatted(3), longs(10, 20, 30))));
        String ret = """
                r2 = r10
                r2 += -8
                call 184
                if r0 != 0 goto out
                r0 = *(u64 *)(r10 - 8)
                out:
                exit
                """;
        assertEquals(99, r0(run(engine, "fexit", ret, longs(10, 99))));
        assertEquals(-95, r0(run(engine, "fentry", ret, longs(10, 99))), "no return value at entry: -EOPNOTSUPP");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void funcIpIsTheRegistersIpStacksAreEfaultAndTheCookieIsZero(Engine engine) throws Exception {
        byte[] regs = new byte[168];
        ByteBuffer.wrap(regs).order(ByteOrder.LITTLE_ENDIAN).putLong(128, 0xffff_ffff_8100_0000L);
        assertEquals(0xffff_ffff_8100_0000L, r0(run(engine, "kprobe", "call 173\nexit", regs)));
        assertEquals(0, r0(run(engine, "kprobe", "call 174\nexit", regs)));
        String stack = """
                r2 = r10
                r2 += -16
                r3 = 16
                r4 = 0
                call 67
                r1 = *(u64 *)(r10 - 16)
                r0 += r1
                exit
                """;
        assertEquals(-14, r0(run(engine, "kprobe", "r1 = 1\n*(u64 *)(r10 - 16) = r1\n" + stack, regs)),
                "no call chain: -EFAULT, the buffer zeroed");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void getCurrentTaskBtfIsNotProvided(Engine engine) throws Exception {
        assertEquals(FaultKind.UNKNOWN_HELPER, fault(run(engine, "fentry", "call 158\nexit", new byte[0])));
    }

    @Test
    void theWitnessSearchDrawsContextsOfTheTypesSize() throws Exception {
        // Faults only when the last argument is all ones: the sweep's 64-byte prefixes never set it, and
        // packet-sized inputs (up to 256 bytes) do not fit a raw tracepoint's 96 bytes; contexts drawn for
        // the type do.
        String asm = """
                r2 = *(u64 *)(r1 + 88)
                if r2 != -1 goto out
                r0 = *(u64 *)(r1 + 96)
                out:
                r0 = 0
                exit
                """;
        BpfProgram p = new BpfProgram("prog", "raw_tp/sys_enter", Assembler.assemble(asm), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(), "GPL");
        java.util.Optional<String> w = LinuxWitnessReplayer.defaults().findFault(o, p, "raw_tracepoint", 2);
        assertTrue(w.isPresent(), "no witness found");
        assertTrue(w.get().contains("OUT_OF_BOUNDS"), w.get());
    }

    @Test
    void aTracingRunHasAnEmptyPacket() throws Exception {
        BpfProgram p = new BpfProgram("prog", "kprobe", Assembler.assemble("r0 = 0\nexit"), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(), "GPL");
        try (LinuxEnvironment env = LinuxEnvironment.load(o, p, LinuxProgramType.KPROBE)) {
            env.run(LinuxInput.ofPacket(new byte[8]), MapsBefore.FROM_INPUT);
            assertArrayEquals(new byte[0], env.packet());
        }
    }
}
