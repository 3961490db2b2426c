package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tail calls from bpf-to-bpf subprograms, with Linux's semantics (since 5.10), in both engines: a
 * tail call that jumps replaces the subprogram's frame with the target, whose r0 the subprogram's
 * caller gets (its r6-r9 and frame intact); one that does not jump returns {@code -ENOENT} and the
 * subprogram goes on. The count (33) and the instruction budget are the invocation's; the target's
 * outermost frame is the subprogram's slot, so a chain that would need a 9th frame faults
 * {@code CALL_DEPTH}. Until this round such a jump faulted {@code HELPER_FAILED} (not supported);
 * this test pinned that and now pins the semantics.
 */
class TailCallsFromSubprogramsTest {
    /** Entry: calls the subprogram at pc 3 and adds 1000 to its result. The subprogram tail-calls slot 1. */
    static final String ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS = """
            call local sub
            r0 += 1000
            exit
            """ + subprogramTailCalling(1);

    /** A subprogram {@code sub} that tail-calls slot {@code slot} of {@code jumps} and returns what the helper returned. */
    static String subprogramTailCalling(int slot) {
        return "sub:\nr2 = map[idx:3] ll\nr3 = " + slot + "\ncall 12\nexit\n";
    }

    /**
     * Entry: keeps 5 in r6 and 42 on its stack, calls a subprogram that scribbles on its own
     * stack and r6-r9 and tail-calls slot 1, then adds r6 and its stack slot to the result.
     */
    static final String CALLER_STATE_SURVIVES = """
            r6 = 5
            r7 = 42
            *(u64 *)(r10 - 8) = r7
            call local sub
            r0 += r6
            r1 = *(u64 *)(r10 - 8)
            r0 += r1
            exit
            sub:
            r6 = 100
            r7 = 200
            *(u64 *)(r10 - 8) = r7
            r2 = map[idx:3] ll
            r3 = 1
            call 12
            r0 = 99
            exit
            """;

    /** A target that uses its own stack and registers before returning 7. */
    static final String TARGET_RETURNS_7 = """
            r6 = 1
            r7 = 2
            *(u64 *)(r10 - 8) = r6
            r0 = 7
            exit
            """;

    /** Forty times: a subprogram that tail-calls slot 1 (a target returning 1); sums the results. */
    static final String FORTY_TAIL_CALLS_FROM_A_SUBPROGRAM = """
            r6 = 0
            r7 = 40
            loop:
            call local sub
            r6 += r0
            r7 -= 1
            if r7 != 0 goto loop
            r0 = r6
            exit
            """ + subprogramTailCalling(1);

    /** Calls a subprogram that tail-calls slot 0, this program: each round needs one more frame. */
    static final String RECURSES_THROUGH_TAIL_CALLS = """
            call local sub
            r0 += 1
            exit
            """ + subprogramTailCalling(0);

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void aJumpingTailCallReturnsTheTargetsR0ToTheSubprogramsCallerAndOneThatDoesNotJumpGoesOn(Engine engine) throws Exception {
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS, "target",
                TARGET_RETURNS_7)) {
            assertEquals(1000 + LinuxMapTypesTest.ENOENT, LinuxMapTypesTest.r0(env.run(new byte[0])),
                    "empty slot: the helper returns -ENOENT and the subprogram returns it");
            env.map("jumps").orElseThrow().setProgram(1, "target");
            assertEquals(1007, LinuxMapTypesTest.r0(env.run(new byte[0])),
                    "the target's r0 is the subprogram's result, and the entry goes on after the call");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void theCallersRegistersAndFrameSurviveTheTargetAndTheSubprogramDoesNotGoOn(Engine engine) throws Exception {
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", CALLER_STATE_SURVIVES, "target", TARGET_RETURNS_7)) {
            env.map("jumps").orElseThrow().setProgram(1, "target");
            assertEquals(7 + 5 + 42, LinuxMapTypesTest.r0(env.run(new byte[0])));
            env.map("jumps").orElseThrow().clearProgram(1);
            assertEquals(99 + 5 + 42, LinuxMapTypesTest.r0(env.run(new byte[0])), "no jump: the subprogram goes on");
        }
    }

    /**
     * Entry: calls a subprogram that tail-calls slot 1, then reads the first packet byte where the
     * context's {@code data} says the packet starts now, and returns it (no bounds check: the
     * runtime's regions are what is tested).
     */
    static final String CALLER_READS_THE_PACKET_AFTER_THE_TARGET = """
            r6 = r1
            call local sub
            r2 = *(u32 *)(r6 + 0)
            r0 = *(u8 *)(r2 + 0)
            exit
            """ + subprogramTailCalling(1);

    /** Grows the packet by 4 bytes at its head (into the headroom) and writes 77 there. */
    static final String TARGET_GROWS_THE_PACKET_HEAD = """
            r6 = r1
            r2 = -4
            call 44
            r2 = *(u32 *)(r6 + 0)
            r3 = 77
            *(u8 *)(r2 + 0) = r3
            r0 = 0
            exit
            """;

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void aPacketTheTargetMovedIsWhereTheCallerFindsIt(Engine engine) throws Exception {
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", CALLER_READS_THE_PACKET_AFTER_THE_TARGET, "target",
                TARGET_GROWS_THE_PACKET_HEAD)) {
            env.map("jumps").orElseThrow().setProgram(1, "target");
            assertEquals(77, LinuxMapTypesTest.r0(env.run(new byte[64])),
                    "the caller reads the byte the target wrote at the packet's new start");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void theCountOf33IsTheInvocations(Engine engine) throws Exception {
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", FORTY_TAIL_CALLS_FROM_A_SUBPROGRAM, "target",
                "r0 = 1\nexit\n")) {
            env.map("jumps").orElseThrow().setProgram(1, "target");
            assertEquals(33 * 1 + 7 * LinuxMapTypesTest.ENOENT, LinuxMapTypesTest.r0(env.run(new byte[0])));
            assertEquals(33 * 1 + 7 * LinuxMapTypesTest.ENOENT, LinuxMapTypesTest.r0(env.run(new byte[0])),
                    "the next invocation counts afresh");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void theTargetsOwnTailCallIsFollowedAndItsR0ReachesTheSubprogramsCaller(Engine engine) throws Exception {
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS, "middle", """
                r2 = map[idx:3] ll
                r3 = 2
                call 12
                r0 = 55
                exit
                """, "last", "r0 = 9\nexit\n")) {
            env.map("jumps").orElseThrow().setProgram(1, "middle");
            assertEquals(1055, LinuxMapTypesTest.r0(env.run(new byte[0])), "slot 2 empty: middle goes on");
            env.map("jumps").orElseThrow().setProgram(2, "last");
            assertEquals(1009, LinuxMapTypesTest.r0(env.run(new byte[0])));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void aChainThatWouldNeedANinthFrameFaultsAtTheLocalCall(Engine engine) throws Exception {
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "self", RECURSES_THROUGH_TAIL_CALLS)) {
            env.map("jumps").orElseThrow().setProgram(0, "self");
            ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, env.run(new byte[0]), engine.name());
            assertEquals(FaultKind.CALL_DEPTH, f.fault().kind(), f.toString());
            assertEquals(0, f.fault().pc(), "the call of the eighth copy, whose frame is the eighth");
            assertTrue(f.fault().message().startsWith("in program 0, a tail call's target: local call"), f.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void theBudgetIsTheInvocationsAndAFaultInTheTargetIsLocatedThere(Engine engine) throws Exception {
        // entry: call (1); sub: lddw, mov, call (3); target: 5 instructions; entry: add, exit (2) = 11.
        assertEquals(1007, LinuxMapTypesTest.r0(runWithBudget(engine, 11)));
        ExecResult.Faulted atEntryExit = assertInstanceOf(ExecResult.Faulted.class, runWithBudget(engine, 10));
        assertEquals(FaultKind.BUDGET_EXHAUSTED, atEntryExit.fault().kind(), atEntryExit.toString());
        assertEquals(2, atEntryExit.fault().pc(), "the entry's exit");
        ExecResult.Faulted inTarget = assertInstanceOf(ExecResult.Faulted.class, runWithBudget(engine, 6));
        assertEquals(FaultKind.BUDGET_EXHAUSTED, inTarget.fault().kind(), inTarget.toString());
        assertEquals(2, inTarget.fault().pc(), "the target's third instruction");
        assertTrue(inTarget.fault().message().contains("in program 1, a tail call's target"), inTarget.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void aFaultInTheTargetEndsTheRunAtTheTargetsPc(Engine engine) throws Exception {
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS, "target", """
                r0 = 0
                r1 = *(u64 *)(r10 - 520)
                exit
                """)) {
            env.map("jumps").orElseThrow().setProgram(1, "target");
            ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, env.run(new byte[0]), engine.name());
            assertEquals(FaultKind.OUT_OF_BOUNDS, f.fault().kind(), f.toString());
            assertEquals(1, f.fault().pc(), "the target's load below its frame (the caller's frame is not its to read)");
            assertTrue(f.fault().message().contains("in program 1"), f.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void anEntryFunctionsTailCallGoesOnWithTheInvocationsBudgetToo(Engine engine) throws Exception {
        // entry: lddw, mov, call (3); target: 5 instructions = 8. Until this round the target started afresh.
        String entry = "r2 = map[idx:3] ll\nr3 = 1\ncall 12\nr0 = 99\nexit\n";
        assertEquals(7, LinuxMapTypesTest.r0(runWithBudget(engine, entry, 8)));
        ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, runWithBudget(engine, entry, 7));
        assertEquals(FaultKind.BUDGET_EXHAUSTED, f.fault().kind(), f.toString());
        assertEquals(4, f.fault().pc(), "the target's exit");
        assertTrue(f.fault().message().contains("the instruction budget of 7 ran out"), f.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void callxCannotReachTheTailCall(Engine engine) throws Exception {
        // Linux allows no helper call through callx (and Warden's verifier refuses callx): both
        // engines fault BAD_CALLX at the callx, in an entry function and in a subprogram, where
        // a direct call 12 would have run slot 1's target (r0 7, 1007).
        String fromEntry = "r2 = map[idx:3] ll\nr3 = 1\nr6 = 12\ncallx r6\nr0 = 99\nexit\n";
        String fromSubprogram = "call local sub\nr0 += 1000\nexit\nsub:\nr2 = map[idx:3] ll\nr3 = 1\nr6 = 12\ncallx r6\nexit\n";
        for (String[] c : new String[][] {{fromEntry, "4"}, {fromSubprogram, "7"}}) {
            try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", c[0], "target", TARGET_RETURNS_7)) {
                env.map("jumps").orElseThrow().setProgram(1, "target");
                ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, env.run(new byte[0]), engine.name() + "\n" + c[0]);
                assertEquals(FaultKind.BAD_CALLX, f.fault().kind(), f.toString());
                assertEquals(Integer.parseInt(c[1]), f.fault().pc(), f.toString());
                assertTrue(f.fault().message().contains("cannot be called through callx"), f.toString());
            }
        }
    }

    private static ExecResult runWithBudget(Engine engine, long budget) throws Exception {
        return runWithBudget(engine, ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS, budget);
    }

    private static ExecResult runWithBudget(Engine engine, String entry, long budget) throws Exception {
        List<BpfProgram> ps = new ArrayList<>();
        ps.add(new BpfProgram("entry", "xdp", Assembler.assemble(entry), List.of(), List.of(), List.of()));
        ps.add(new BpfProgram("target", "xdp", Assembler.assemble(TARGET_RETURNS_7), List.of(), List.of(), List.of()));
        BpfObject o = new BpfObject(List.of(), ps, List.of(LinuxMapTypesTest.LPM, LinuxMapTypesTest.QUEUE, LinuxMapTypesTest.RING,
                LinuxMapTypesTest.JUMPS), "GPL");
        try (LinuxEnvironment env = LinuxEnvironment.load(o, ps.get(0), LinuxProgramType.XDP, budget, engine)) {
            env.map("jumps").orElseThrow().setProgram(1, "target");
            return env.run(new byte[0]);
        }
    }

    /** A subprogram long enough that the JIT compiles it in chunks (docs/jit.md, Large programs) tail-calls at its end. */
    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void aSubprogramCompiledInChunksHandsOverToo(Engine engine) throws Exception {
        String body = "r4 += 1\n".repeat(1500);
        String entry = "call local sub\nr0 += 1000\nexit\nsub:\nr4 = 0\n" + body
                + "r2 = map[idx:3] ll\nr3 = 1\ncall 12\nr0 = r4\nexit\n";
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", entry, "target", TARGET_RETURNS_7)) {
            assertEquals(2500, LinuxMapTypesTest.r0(env.run(new byte[0])), "no jump: the subprogram's own r0");
            env.map("jumps").orElseThrow().setProgram(1, "target");
            assertEquals(1007, LinuxMapTypesTest.r0(env.run(new byte[0])));
        }
    }

    /**
     * With cancellation polls (how the host API loads a program given a time budget: the JIT then
     * hands its budget out in slices, see docs/jit.md), every outcome is the one without.
     */
    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void pollsChangeNoOutcome(Engine engine) throws Exception {
        Engine polled = new Engine() {
            @Override
            public String name() {
                return engine.name() + " polled";
            }

            @Override
            public dev.warden.vm.LoadedProgram load(dev.warden.isa.Program program, dev.warden.vm.ExecOptions options) {
                return engine.load(program, options.withCancellation(dev.warden.vm.Cancellation.POLLED));
            }
        };
        for (long budget : new long[] {1, 5, 6, 10, 11, LinuxEnvironment.DEFAULT_BUDGET}) {
            assertEquals(withoutAddresses(runWithBudget(engine, budget)), withoutAddresses(runWithBudget(polled, budget)), "budget " + budget);
        }
        try (LinuxEnvironment env = LinuxMapTypesTest.env(polled, "entry", FORTY_TAIL_CALLS_FROM_A_SUBPROGRAM, "target", "r0 = 1\nexit\n")) {
            env.map("jumps").orElseThrow().setProgram(1, "target");
            assertEquals(33 * 1 + 7 * LinuxMapTypesTest.ENOENT, LinuxMapTypesTest.r0(env.run(new byte[0])));
        }
    }

    /** Every scenario above, outcome by outcome (r0, or the fault's kind, pc and message): the engines agree. */
    @Test
    void bothEnginesAgree() throws Exception {
        List<List<String>> outcomes = new ArrayList<>();
        for (Engine engine : LinuxMapTypesTest.engines().toList()) {
            List<String> mine = new ArrayList<>();
            for (String[] scenario : List.of(
                    new String[] {ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS, TARGET_RETURNS_7},
                    new String[] {CALLER_STATE_SURVIVES, TARGET_RETURNS_7},
                    new String[] {FORTY_TAIL_CALLS_FROM_A_SUBPROGRAM, "r0 = 1\nexit\n"},
                    new String[] {ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS, "r1 = *(u64 *)(r10 - 520)\nexit\n"})) {
                try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", scenario[0], "target", scenario[1])) {
                    env.map("jumps").orElseThrow().setProgram(1, "target");
                    mine.add(withoutAddresses(env.run(new byte[0])));
                }
            }
            try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "self", RECURSES_THROUGH_TAIL_CALLS)) {
                env.map("jumps").orElseThrow().setProgram(0, "self");
                mine.add(withoutAddresses(env.run(new byte[0])));
            }
            for (long budget = 1; budget <= 11; budget++) {
                mine.add(runWithBudget(engine, budget).toString());
            }
            outcomes.add(mine);
        }
        assertEquals(outcomes.get(0), outcomes.get(1));
    }

    /** Each engine's memory lies elsewhere: a fault message's absolute addresses differ, nothing else may. */
    private static String withoutAddresses(ExecResult r) {
        return r.toString().replaceAll("0x[0-9a-f]+", "0x…");
    }
}
