package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.runtime.linux.ExtensionEngine;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import dev.warden.vm.FaultKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Programs the verifier accepts that try to keep the host busy, loaded through the host API (so
 * they are verified for real) and run in both engines: {@code bpf_loop} with Linux's largest count
 * (2^23) and a callback that itself loops, while a ring buffer reservation is held; a chain of
 * tail calls as long as Linux allows, each program long. The time budget stops the loop promptly
 * and the reservation is discarded; the instruction budget counts across the whole tail-call
 * chain; the chain stops at Linux's 33 tail calls; the maps serve the next run.
 */
class VerifiedRunawaysStayWithinTheirBudgetsTest {
    static final BpfMap RING = new BpfMap(0, "ring", MapKind.BTF, 27, 0, 0, 4096, 0, new byte[0]);
    static final BpfMap JUMPS = new BpfMap(0, "jumps", MapKind.BTF, 3, 4, 4, 4, 0, new byte[0]);
    static final BpfMap COUNT = new BpfMap(1, "count", MapKind.BTF, 2, 4, 8, 1, 0, new byte[0]);

    /**
     * Reserves 8 bytes of {@code ring} and writes {@code r9} (the loop count) there, runs bpf_loop
     * with that count over a callback that counts to 1000 in a loop of its own (about 3,000
     * instructions an iteration: 2^23 iterations would take minutes), then submits. Returns 1.
     */
    static String loopHoldingAReservation(long count) {
        return """
                r9 = COUNT
                r1 = map[idx:0] ll
                r2 = 8
                r3 = 0
                call 131
                if r0 == 0 goto +13
                r7 = r0
                *(u64 *)(r7 + 0) = r9
                r1 = r9
                r2 = func[pc+11] ll
                r3 = 0
                r4 = 0
                call 181
                r1 = r7
                r2 = 0
                call 132
                r0 = 1
                exit
                r0 = 0
                exit
                r3 = 0
                r3 += 1
                if r3 < 1000 goto -2
                r0 = 0
                exit
                """.replace("COUNT", Long.toString(count));
    }

    /** Counts itself in {@code count}, runs {@code body} additions, tail-calls slot 0 (itself), returns 2 when that fails. */
    static String hop(int body) {
        return """
                r6 = r1
                r7 = 0
                *(u32 *)(r10 - 4) = r7
                r1 = map[idx:1] ll
                r2 = r10
                r2 += -4
                call 1
                if r0 == 0 goto +3
                r1 = *(u64 *)(r0 + 0)
                r1 += 1
                *(u64 *)(r0 + 0) = r1
                r5 = 0
                """ + "r5 += 1\n".repeat(body) + """
                r1 = r6
                r2 = map[idx:0] ll
                r3 = 0
                call 12
                r0 = 2
                exit
                """;
    }

    /** Instructions one hop runs before its tail call jumps (the call included): 17 and the body. */
    static long hopLength(int body) {
        return 17 + body;
    }

    private static BpfObject object(String name, String asm, List<BpfMap> maps) throws Exception {
        BpfProgram p = new BpfProgram(name, "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
        return new BpfObject(List.of(), List.of(p), maps, "GPL");
    }

    private static Fault fault(ExecResult r) {
        return assertInstanceOf(ExecResult.Faulted.class, r, () -> "expected a fault, got " + r).fault();
    }

    private static long count(Extension ext) {
        byte[] v = ext.map("count").orElseThrow().lookup(new byte[4]).orElseThrow();
        return ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void theLargestBpfLoopIsCancelledPromptlyAndItsReservationDiscarded(ExtensionEngine engine) throws Exception {
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("loop", LinuxProgramType.XDP)).withCpus(1)
                .withEngine(engine).withBudget(Long.MAX_VALUE).withTimeBudget(Duration.ofMillis(20));
        try (Extension ext = Extensions.load(object("loop", loopHoldingAReservation(1 << 23), List.of(RING)), "loop.o", spec,
                VerificationPolicy.linux())) {
            long start = System.nanoTime();
            Fault f = fault(ext.invoke("loop", new byte[0]));
            long took = System.nanoTime() - start;
            assertEquals(FaultKind.CANCELLED, f.kind(), f.toString());
            assertTrue(took < 2_000_000_000L, "stopped soon after its 20 ms: " + took / 1_000_000 + " ms");
            HostMap ring = ext.map("ring").orElseThrow();
            assertEquals(List.of(), ring.poll(), "the reservation was discarded");
        }
        // The same extension with a short loop, reloaded: the ring takes and delivers a record.
        try (Extension ext = Extensions.load(object("loop", loopHoldingAReservation(3), List.of(RING)), "loop.o", spec,
                VerificationPolicy.linux())) {
            assertEquals(new ExecResult.Returned(1), ext.invoke("loop", new byte[0]));
            List<byte[]> records = ext.map("ring").orElseThrow().poll();
            assertEquals(1, records.size());
            assertEquals(3, ByteBuffer.wrap(records.getFirst()).order(ByteOrder.LITTLE_ENDIAN).getLong());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void theLargestBpfLoopRunsOutOfInstructionsWithoutATimeBudget(ExtensionEngine engine) throws Exception {
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("loop", LinuxProgramType.XDP)).withCpus(1)
                .withEngine(engine).withBudget(5_000_000);
        try (Extension ext = Extensions.load(object("loop", loopHoldingAReservation(1 << 23), List.of(RING)), "loop.o", spec,
                VerificationPolicy.linux())) {
            Fault f = fault(ext.invoke("loop", new byte[0]));
            assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind(), f.toString());
            assertEquals(List.of(), ext.map("ring").orElseThrow().poll(), "the reservation was discarded");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void aChainOfTailCallsStopsAtLinuxsThirtyThree(ExtensionEngine engine) throws Exception {
        int body = 20_000;
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("hop", LinuxProgramType.XDP)).withCpus(1)
                .withEngine(engine).withTailCall("jumps", 0, EntryPoint.of("hop", LinuxProgramType.XDP));
        try (Extension ext = Extensions.load(object("hop", hop(body), List.of(JUMPS, COUNT)), "hop.o", spec, VerificationPolicy.linux())) {
            assertEquals(new ExecResult.Returned(2), ext.invoke("hop", new byte[0]));
            assertEquals(34, count(ext), "the entry and 33 tail calls; the 34th tail call fails and the program returns");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void theInstructionBudgetCountsAcrossTheTailCallChain(ExtensionEngine engine) throws Exception {
        int body = 20_000;
        // Enough for ten programs of the chain and half of the eleventh: a budget per program would run all 34.
        long budget = 10 * hopLength(body) + body / 2;
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("hop", LinuxProgramType.XDP)).withCpus(1)
                .withEngine(engine).withBudget(budget).withTailCall("jumps", 0, EntryPoint.of("hop", LinuxProgramType.XDP));
        try (Extension ext = Extensions.load(object("hop", hop(body), List.of(JUMPS, COUNT)), "hop.o", spec, VerificationPolicy.linux())) {
            Fault f = fault(ext.invoke("hop", new byte[0]));
            assertEquals(FaultKind.BUDGET_EXHAUSTED, f.kind(), f.toString());
            assertEquals(11, count(ext), "the eleventh program counted itself and ran out in its body");
        }
    }
}
