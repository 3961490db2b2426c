package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The map types beyond arrays and hashes, with the helpers that use them, in both engines: LPM
 * trie, queue and stack (87-89), ring buffer (130-134), program array with bpf_tail_call (12),
 * spin locks (93, 94). Expected values and error codes are Linux's.
 */
class LinuxMapTypesTest {
    static final BpfMap LPM = new BpfMap(0, "lpm", MapKind.BTF, 11, 8, 8, 16, 1, new byte[0]);
    static final BpfMap QUEUE = new BpfMap(1, "queue", MapKind.BTF, 22, 0, 8, 2, 0, new byte[0]);
    static final BpfMap RING = new BpfMap(2, "ring", MapKind.BTF, 27, 0, 0, 4096, 0, new byte[0]);
    static final BpfMap JUMPS = new BpfMap(3, "jumps", MapKind.BTF, 3, 4, 4, 4, 0, new byte[0]);
    static final BpfMap COUNT = new BpfMap(4, "count", MapKind.BTF, 2, 4, 8, 1, 0, new byte[0]);
    static final BpfMap LOCKED = new BpfMap(5, "locked", MapKind.BTF, 2, 4, 16, 1, 0, new byte[0]);
    static final BpfMap STACK = new BpfMap(6, "stack", MapKind.BTF, 23, 0, 8, 2, 0, new byte[0]);

    static final long E2BIG = -7;
    static final long ENOENT = -2;
    static final long EINVAL = -22;
    static final long EEXIST = -17;
    static final long ENOSPC = -28;

    static Stream<Engine> engines() {
        return Stream.of(new Interpreter(), new JitEngine());
    }

    /** How the environments of these tests isolate their maps; {@link LinuxMapTypesUnderMprotectTest} runs them all under the fallback. */
    static dev.warden.mpk.IsolationMode isolation = ExtensionKey.defaultMode();

    /** An environment for the first of {@code programs} ("name: asm" pairs), all in one object. */
    static LinuxEnvironment env(Engine engine, String... programs) throws Exception {
        List<BpfProgram> ps = new ArrayList<>();
        for (int i = 0; i < programs.length; i += 2) {
            ps.add(new BpfProgram(programs[i], "xdp", Assembler.assemble(programs[i + 1]), List.of(), List.of(), List.of()));
        }
        BpfObject o = new BpfObject(List.of(), ps, List.of(LPM, QUEUE, RING, JUMPS, COUNT, LOCKED, STACK), "GPL");
        return LinuxEnvironment.load(o, ps.get(0), LinuxProgramType.XDP, LinuxEnvironment.DEFAULT_BUDGET, engine, isolation);
    }

    static long r0(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    static byte[] lpmKey(int prefix, int a, int b, int c, int d) {
        return new byte[] {(byte) prefix, 0, 0, 0, (byte) a, (byte) b, (byte) c, (byte) d};
    }

    static final String LPM_LOOKUP = """
            *(u32 *)(r10 - 8) = PREFIX
            *(u32 *)(r10 - 4) = ADDRESS
            r2 = r10
            r2 += -8
            r1 = map[idx:0] ll
            call 1
            if r0 == 0 goto none
            r0 = *(u64 *)(r0 + 0)
            exit
            none:
            r0 = 0
            exit
            """;

    static long lpmLookup(Engine engine, LinuxEnvironment env, int prefix, int a, int b, int c, int d) throws Exception {
        String asm = LPM_LOOKUP.replace("PREFIX", Integer.toString(prefix))
                .replace("ADDRESS", Integer.toString(a | b << 8 | c << 16 | d << 24));
        try (LinuxEnvironment e = env(engine, "lookup", asm)) {
            for (MapEntry entry : env.maps().get("lpm")) {
                e.map("lpm").orElseThrow().update(entry.key(), entry.value(), HostMap.ANY);
            }
            return r0(e.run(new byte[0]));
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void lpmTrieFindsTheLongestMatchingPrefix(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "nop", "r0 = 0\nexit\n")) {
            HostMap lpm = env.map("lpm").orElseThrow();
            assertEquals(0, lpm.update(lpmKey(8, 10, 0, 0, 0), u64(1), HostMap.ANY));
            assertEquals(0, lpm.update(lpmKey(16, 10, 1, 0, 0), u64(2), HostMap.ANY));
            assertEquals(0, lpm.update(lpmKey(0, 0, 0, 0, 0), u64(3), HostMap.ANY));
            assertEquals(EEXIST, lpm.update(lpmKey(16, 10, 1, 9, 9), u64(4), HostMap.NOEXIST), "same /16 prefix");
            assertEquals(ENOENT, lpm.update(lpmKey(24, 10, 1, 2, 0), u64(4), HostMap.EXIST));
            assertEquals(EINVAL, lpm.update(lpmKey(33, 10, 1, 2, 0), u64(4), HostMap.ANY), "prefix over 32 bits");
            assertEquals(EINVAL, lpm.update(lpmKey(8, 10, 0, 0, 0), u64(4), 4), "unknown flag");

            assertEquals(2, lpmLookup(engine, env, 32, 10, 1, 2, 3));
            assertEquals(1, lpmLookup(engine, env, 32, 10, 2, 0, 0));
            assertEquals(3, lpmLookup(engine, env, 32, 11, 0, 0, 0), "the /0 default route");
            assertEquals(1, lpmLookup(engine, env, 15, 10, 1, 2, 3), "the key's prefix length bounds the match");

            assertEquals(0, lpm.delete(lpmKey(0, 0, 0, 0, 0)));
            assertEquals(ENOENT, lpm.delete(lpmKey(0, 0, 0, 0, 0)));
            assertEquals(0, lpmLookup(engine, env, 32, 11, 0, 0, 0));
            assertArrayEquals(u64(2), lpm.lookup(lpmKey(32, 10, 1, 200, 200)).orElseThrow());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void lpmTrieRefusesInsertionsBeyondMaxEntries(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "nop", "r0 = 0\nexit\n")) {
            HostMap lpm = env.map("lpm").orElseThrow();
            for (int i = 0; i < 16; i++) {
                assertEquals(0, lpm.update(lpmKey(32, 10, 0, 0, i), u64(i), HostMap.ANY));
            }
            assertEquals(ENOSPC, lpm.update(lpmKey(32, 10, 0, 0, 99), u64(0), HostMap.ANY));
            assertEquals(0, lpm.update(lpmKey(32, 10, 0, 0, 3), u64(7), HostMap.ANY), "replacing needs no room");
        }
    }

    static final String PUSH = """
            *(u64 *)(r10 - 8) = VALUE
            r2 = r10
            r2 += -8
            r1 = map[idx:MAP] ll
            r3 = FLAGS
            call 87
            exit
            """;

    static final String POP = """
            r2 = r10
            r2 += -8
            r1 = map[idx:MAP] ll
            call HELPER
            if r0 != 0 goto out
            r0 = *(u64 *)(r10 - 8)
            out:
            exit
            """;

    static long push(Engine engine, LinuxEnvironment env, int map, long value, long flags) throws Exception {
        return run(engine, env, PUSH.replace("MAP", Integer.toString(map)).replace("VALUE", Long.toString(value))
                .replace("FLAGS", Long.toString(flags)));
    }

    static long pop(Engine engine, LinuxEnvironment env, int map, int helper) throws Exception {
        return run(engine, env, POP.replace("MAP", Integer.toString(map)).replace("HELPER", Integer.toString(helper)));
    }

    /** Runs {@code asm} on the environment's maps (loaded into the environment's engine for this run). */
    static long run(Engine engine, LinuxEnvironment env, String asm) throws Exception {
        return r0(env.runProgram(Assembler.assemble(asm)));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void queuesAndStacksKeepLinuxsOrderFlagsAndErrors(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "nop", "r0 = 0\nexit\n")) {
            assertEquals(ENOENT, pop(engine, env, 1, 88), "pop of an empty queue");
            assertEquals(0, push(engine, env, 1, 10, 0));
            assertEquals(0, push(engine, env, 1, 20, 0));
            assertEquals(E2BIG, push(engine, env, 1, 30, 0), "full");
            assertEquals(EINVAL, push(engine, env, 1, 30, 1), "BPF_NOEXIST is no push flag");
            assertEquals(0, push(engine, env, 1, 30, 2), "BPF_EXIST drops the oldest");
            assertEquals(20, pop(engine, env, 1, 89), "peek");
            assertEquals(20, pop(engine, env, 1, 88));
            assertEquals(30, pop(engine, env, 1, 88));
            assertEquals(ENOENT, pop(engine, env, 1, 88));

            HostMap stack = env.map("stack").orElseThrow();
            assertEquals(0, stack.push(u64(1), HostMap.ANY));
            assertEquals(0, push(engine, env, 6, 2, 0));
            assertEquals(E2BIG, stack.push(u64(3), HostMap.ANY));
            assertEquals(0, stack.push(u64(3), HostMap.EXIST), "drops the oldest, 1");
            assertEquals(3, pop(engine, env, 6, 88), "last in, first out");
            assertArrayEquals(u64(2), stack.pop().orElseThrow());
            assertTrue(stack.pop().isEmpty());
        }
    }

    static final String RESERVE = """
            r1 = map[idx:2] ll
            r2 = SIZE
            r3 = 0
            call 131
            if r0 == 0 goto fail
            *(u32 *)(r0 + 0) = 0x11
            *(u32 *)(r0 + 8) = 0x33
            r1 = r0
            r2 = 0
            call HELPER
            r0 = 1
            exit
            fail:
            r0 = 0
            exit
            """;

    @ParameterizedTest
    @MethodSource("engines")
    void ringBufferRecordsReachTheHostInOrder(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "nop", "r0 = 0\nexit\n")) {
            HostMap ring = env.map("ring").orElseThrow();
            assertEquals(1, run(engine, env, RESERVE.replace("SIZE", "12").replace("HELPER", "132")));
            assertEquals(24, run(engine, env, "r1 = map[idx:2] ll\nr2 = 0\ncall 134\nexit\n"), "available: 8 + 12 rounded to 8");
            assertEquals(4096, run(engine, env, "r1 = map[idx:2] ll\nr2 = 1\ncall 134\nexit\n"), "ring size");
            assertEquals(1, run(engine, env, RESERVE.replace("SIZE", "12").replace("HELPER", "133")), "reserved, then discarded");
            String output = "*(u64 *)(r10 - 8) = 0x05060708\nr1 = map[idx:2] ll\nr2 = r10\nr2 += -8\nr3 = 8\nr4 = FLAGS\ncall 130\nexit\n";
            assertEquals(0, run(engine, env, output.replace("FLAGS", "0")));
            assertEquals(EINVAL, run(engine, env, output.replace("FLAGS", "4")));

            List<byte[]> records = ring.poll();
            assertEquals(2, records.size(), "the discarded record is skipped");
            assertArrayEquals(new byte[] {0x11, 0, 0, 0, 0, 0, 0, 0, 0x33, 0, 0, 0}, records.get(0));
            assertArrayEquals(u64(0x05060708L), records.get(1));
            assertTrue(ring.poll().isEmpty());
            assertEquals(0, run(engine, env, "r1 = map[idx:2] ll\nr2 = 0\ncall 134\nexit\n"), "consumed");
            assertEquals(64, run(engine, env, "r1 = map[idx:2] ll\nr2 = 2\ncall 134\nexit\n"), "consumer position: 24 + 24 + (8 + 8)");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void ringBufferRefusesWhatDoesNotFitAndDiscardsWhatAFaultingRunLeft(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "nop", "r0 = 0\nexit\n")) {
            HostMap ring = env.map("ring").orElseThrow();
            assertEquals(0, run(engine, env, RESERVE.replace("SIZE", "4089").replace("HELPER", "132")), "8 + 4089 > 4096");
            assertEquals(1, run(engine, env, RESERVE.replace("SIZE", "4088").replace("HELPER", "132")), "exactly the ring");
            assertEquals(0, run(engine, env, RESERVE.replace("SIZE", "1").replace("HELPER", "132")), "full until consumed");
            assertEquals(1, ring.poll().size());
            // Reserve, then fault before submitting: the reservation must not block the ring forever.
            ExecResult faulted = env.runProgram(Assembler.assemble(
                    "r1 = map[idx:2] ll\nr2 = 16\nr3 = 0\ncall 131\nr0 = *(u64 *)(r0 + 16000)\nexit\n"));
            assertEquals(FaultKind.OUT_OF_BOUNDS, assertInstanceOf(ExecResult.Faulted.class, faulted).fault().kind());
            assertEquals(1, run(engine, env, RESERVE.replace("SIZE", "12").replace("HELPER", "132")));
            assertEquals(1, ring.poll().size(), "the faulting run's record was discarded, the next one delivered");
        }
    }

    static final String TAIL_CALL = """
            r6 = r1
            r1 = r6
            r2 = map[idx:3] ll
            r3 = SLOT
            call 12
            r0 = 99
            exit
            """;

    @ParameterizedTest
    @MethodSource("engines")
    void tailCallsJumpToTheProgramInTheSlotOrFallThrough(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "entry", TAIL_CALL.replace("SLOT", "1"), "target",
                "r0 = *(u32 *)(r1 + 4)\nr1 = *(u32 *)(r1 + 0)\nr0 -= r1\nr0 += 7000\nexit\n")) {
            assertEquals(99, r0(env.run(new byte[3])), "empty slot: the program continues");
            HostMap jumps = env.map("jumps").orElseThrow();
            jumps.setProgram(1, "target");
            assertEquals(7003, r0(env.run(new byte[3])), "the target runs on the same context (packet of 3 bytes)");
            jumps.clearProgram(1);
            assertEquals(99, r0(env.run(new byte[3])));
            assertThrows(IllegalArgumentException.class, () -> jumps.setProgram(1, "absent"));
            assertThrows(IllegalArgumentException.class, () -> jumps.setProgram(4, "target"));
        }
        try (LinuxEnvironment env = env(engine, "entry", TAIL_CALL.replace("SLOT", "100"), "target", "r0 = 7\nexit\n")) {
            env.map("jumps").orElseThrow().setProgram(0, "target");
            assertEquals(99, r0(env.run(new byte[0])), "index beyond max_entries");
        }
    }

    static final String COUNT_AND_RECURSE = """
            r6 = r1
            *(u32 *)(r10 - 4) = 0
            r2 = r10
            r2 += -4
            r1 = map[idx:4] ll
            call 1
            if r0 == 0 goto skip
            r1 = 1
            lock *(u64 *)(r0 + 0) += r1
            skip:
            r1 = r6
            r2 = map[idx:3] ll
            r3 = 0
            call 12
            r0 = 99
            exit
            """;

    @ParameterizedTest
    @MethodSource("engines")
    void anInvocationMakesAtMost33TailCalls(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "self", COUNT_AND_RECURSE)) {
            env.map("jumps").orElseThrow().setProgram(0, "self");
            assertEquals(99, r0(env.run(new byte[0])));
            assertArrayEquals(u64(34), env.map("count").orElseThrow().lookup(u32(0)).orElseThrow(),
                    "the entry and 33 tail calls, as Linux's MAX_TAIL_CALL_CNT");
            assertEquals(99, r0(env.run(new byte[0])), "the count is per invocation");
            assertArrayEquals(u64(68), env.map("count").orElseThrow().lookup(u32(0)).orElseThrow());
        }
    }

    static final String LOCKED_INCREMENT = """
            *(u32 *)(r10 - 4) = 0
            r2 = r10
            r2 += -4
            r1 = map[idx:5] ll
            call 1
            if r0 == 0 goto out
            r6 = r0
            r1 = r6
            call 93
            r1 = *(u64 *)(r6 + 8)
            r1 += 1
            *(u64 *)(r6 + 8) = r1
            r1 = r6
            call 94
            r0 = *(u64 *)(r6 + 8)
            out:
            exit
            """;

    @ParameterizedTest
    @MethodSource("engines")
    void spinLocksLockAndARunThatFaultsReleasesItsLock(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "inc", LOCKED_INCREMENT)) {
            assertEquals(1, r0(env.run(new byte[0])));
            assertEquals(2, r0(env.run(new byte[0])));
            // Take the lock, then fault while holding it.
            ExecResult f = env.runProgram(Assembler.assemble(LOCKED_INCREMENT.replace("call 94", "r0 = *(u64 *)(r6 + 64)")));
            assertEquals(FaultKind.OUT_OF_BOUNDS, assertInstanceOf(ExecResult.Faulted.class, f).fault().kind());
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertEquals(4, r0(env.run(new byte[0]))),
                    "the faulting run's lock was released");
            ExecResult twice = env.runProgram(Assembler.assemble(LOCKED_INCREMENT.replace("call 94", "r1 = r6\ncall 93")));
            assertEquals(FaultKind.HELPER_FAILED, assertInstanceOf(ExecResult.Faulted.class, twice).fault().kind());
            ExecResult unheld = env.runProgram(Assembler.assemble(LOCKED_INCREMENT.replace("call 93", "r0 = 0")));
            assertEquals(FaultKind.HELPER_FAILED, assertInstanceOf(ExecResult.Faulted.class, unheld).fault().kind());
        }
    }

    static final String LOOP = """
            *(u64 *)(r10 - 8) = 0
            r1 = LOOPS
            r2 = func[pc+10] ll
            r3 = r10
            r3 += -8
            r4 = FLAGS
            call 181
            r6 = r0
            r0 = *(u64 *)(r10 - 8)
            r0 *= 1000
            r0 += r6
            exit
            r3 = *(u64 *)(r2 + 0)
            r3 += r1
            *(u64 *)(r2 + 0) = r3
            r0 = 0
            if r1 != 6 goto +1
            r0 = 1
            exit
            """;

    @ParameterizedTest
    @MethodSource("engines")
    void bpfLoopCallsTheCallbackUntilItStopsOrTheCountIsDone(Engine engine) throws Exception {
        try (LinuxEnvironment env = env(engine, "nop", "r0 = 0\nexit\n")) {
            assertEquals(21_007, run(engine, env, LOOP.replace("LOOPS", "10").replace("FLAGS", "0")),
                    "indices 0..6 summed through the caller's stack, 7 iterations (the callback stopped it)");
            assertEquals(10_005, run(engine, env, LOOP.replace("LOOPS", "5").replace("FLAGS", "0")));
            assertEquals(0, run(engine, env, LOOP.replace("LOOPS", "0").replace("FLAGS", "0")));
            assertEquals(EINVAL, run(engine, env, LOOP.replace("LOOPS", "3").replace("FLAGS", "1")), "flags must be 0");
            assertEquals(E2BIG, run(engine, env, LOOP.replace("LOOPS", "8388609").replace("FLAGS", "0")), "over 2^23");
            // A callback that faults faults the run at its own pc.
            ExecResult f = env.runProgram(Assembler.assemble(LOOP.replace("LOOPS", "3").replace("FLAGS", "0")
                    .replace("r3 = *(u64 *)(r2 + 0)", "r3 = *(u64 *)(r2 + 8)")));
            assertEquals(13, assertInstanceOf(ExecResult.Faulted.class, f).fault().pc());
        }
    }
}
