package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.HelperPrograms.run;
import static dev.warden.runtime.linux.HelperPrograms.stackString;
import static dev.warden.runtime.linux.HelperPrograms.u32;
import static dev.warden.runtime.linux.HelperPrograms.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.MapKind;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The clocks, map, socket and routing helpers of {@link GeneralHelpers} on both engines, with
 * Linux's results and error codes (formatting and string parsing: {@link FormattingHelpersTest}).
 */
class GeneralHelpersTest {
    static final long START = LinuxInput.ofPacket(new byte[0]).clockStart();

    static java.util.stream.Stream<Engine> engines() {
        return HelperPrograms.engines();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void eachClockReadsTheVirtualClockOneStepLater(Engine e) {
        long now = START + GeneralHelpers.CLOCK_STEP;
        assertEquals(new ExecResult.Returned(now), run(e, "call 125\nexit\n"), "boot time is the monotonic clock");
        assertEquals(new ExecResult.Returned(now - now % GeneralHelpers.TICK_NS), run(e, "call 160\nexit\n"), "coarse");
        assertEquals(new ExecResult.Returned(now + 37_000_000_000L), run(e, "call 208\nexit\n"), "TAI");
        assertEquals(new ExecResult.Returned((1L << 32) - 75_000 + now / 4_000_000), run(e, "call 118\nexit\n"), "jiffies");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void theClocksAreMonotoneAndConsistent(Engine e) {
        // t1 = ktime_get_ns, boot, coarse, jiffies, t2 = ktime_get_ns: t1 < boot < t2, coarse <= t2,
        // (jiffies - INITIAL_JIFFIES) * TICK == coarse for reads in the same tick; 1 when all hold.
        String asm = """
                call 5
                r6 = r0
                call 125
                r7 = r0
                call 160
                r8 = r0
                call 118
                r9 = r0
                call 5
                r1 = 0
                if r7 <= r6 goto +9
                if r7 >= r0 goto +8
                if r8 > r0 goto +7
                r2 = 0x100000000 ll
                r9 -= r2
                r9 += 75000
                r9 *= 4000000
                if r9 != r8 goto +1
                r1 = 1
                r0 = r1
                exit
                """;
        assertEquals(new ExecResult.Returned(1), run(e, asm));
    }

    static final BpfMap PERCPU = new BpfMap(0, "percpu", MapKind.BTF, LinuxMap.PERCPU_ARRAY, 4, 8, 4, 0, new byte[0]);
    static final BpfMap ARRAY = new BpfMap(0, "array", MapKind.BTF, LinuxMap.ARRAY, 4, 8, 4, 0, new byte[0]);
    static final BpfMap HASH = new BpfMap(0, "hash", MapKind.BTF, LinuxMap.HASH, 4, 8, 8, 0, new byte[0]);

    /** Looks up key 1 on CPU {@code CPU}; stores 42 there; returns lookup_elem's value (or 99 when the lookup finds nothing). */
    static final String PERCPU_LOOKUP = """
            *(u32 *)(r10 - 4) = 1
            r1 = map[idx:0] ll
            r2 = r10
            r2 += -4
            r3 = CPU
            call 195
            if r0 == 0 goto +8
            *(u64 *)(r0 + 0) = 42
            r1 = map[idx:0] ll
            r2 = r10
            r2 += -4
            call 1
            r0 = *(u64 *)(r0 + 0)
            exit
            r0 = 99
            exit
            """;

    @ParameterizedTest
    @MethodSource("engines")
    void lookupPercpuElemReachesACpusValueAndNoCpuBeyond(Engine e) {
        assertEquals(new ExecResult.Returned(42),
                run(e, PERCPU_LOOKUP.replace("CPU", "0"), LinuxProgramType.TC, List.of(PERCPU), Map.of()).result());
        assertEquals(new ExecResult.Returned(99),
                run(e, PERCPU_LOOKUP.replace("CPU", "1"), LinuxProgramType.TC, List.of(PERCPU), Map.of()).result(),
                "one CPU: CPU 1 is beyond nr_cpu_ids");
        assertEquals(new ExecResult.Returned(42),
                run(e, PERCPU_LOOKUP.replace("CPU", "0x100000000 ll"), LinuxProgramType.TC, List.of(PERCPU), Map.of()).result(),
                "the CPU argument is a u32: 2^32 is CPU 0");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void lookupPercpuElemOfAPlainMapIsAFault(Engine e) {
        ExecResult r = run(e, PERCPU_LOOKUP.replace("CPU", "0"), LinuxProgramType.TC, List.of(ARRAY), Map.of()).result();
        assertEquals(FaultKind.HELPER_FAILED, assertInstanceOf(ExecResult.Faulted.class, r).fault().kind());
    }

    /**
     * for_each_map_elem over map 0 with FLAGS; the callback adds each value to a u64 sum in the
     * context and stops after key STOP. Returns visited * 1000000 + sum.
     */
    static final String FOR_EACH = """
            r1 = map[idx:0] ll
            r2 = func[pc+12] ll
            *(u64 *)(r10 - 8) = 0
            r3 = r10
            r3 += -8
            r4 = FLAGS
            call 164
            r6 = r0
            r6 *= 1000000
            r1 = *(u64 *)(r10 - 8)
            r6 += r1
            r0 = r6
            exit
            r5 = *(u64 *)(r3 + 0)
            r0 = *(u64 *)(r4 + 0)
            r0 += r5
            *(u64 *)(r4 + 0) = r0
            r0 = 0
            r5 = *(u32 *)(r2 + 0)
            if r5 != STOP goto +1
            r0 = 1
            exit
            """;

    static Map<String, List<MapEntry>> values(String map, long... v) {
        java.util.List<MapEntry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            entries.add(new MapEntry(u32(i), u64(v[i])));
        }
        return Map.of(map, entries);
    }

    static ExecResult forEach(Engine e, BpfMap map, String flags, int stop, Map<String, List<MapEntry>> seed) {
        return run(e, FOR_EACH.replace("FLAGS", flags).replace("STOP", Integer.toString(stop)), LinuxProgramType.TC,
                List.of(map), seed).result();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void forEachMapElemVisitsEveryArrayIndexUntilTheCallbackStops(Engine e) {
        assertEquals(new ExecResult.Returned(4_000_000 + 1111), forEach(e, ARRAY, "0", 99, values("array", 1, 10, 100, 1000)));
        assertEquals(new ExecResult.Returned(3_000_000 + 111), forEach(e, ARRAY, "0", 2, values("array", 1, 10, 100, 1000)),
                "the callback's 1 stops the loop; the element it stopped at counts");
        assertEquals(new ExecResult.Returned(4_000_000 + 7), forEach(e, PERCPU, "0", 99, values("percpu", 7)),
                "a per-CPU array: this CPU's values");
        assertEquals(new ExecResult.Returned(-22_000_000), forEach(e, ARRAY, "1", 99, values("array", 1)), "flags: -EINVAL");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void forEachMapElemVisitsTheElementsOfAHash(Engine e) {
        assertEquals(new ExecResult.Returned(0), forEach(e, HASH, "0", 99, Map.of()), "an empty hash: no callback");
        assertEquals(new ExecResult.Returned(3_000_000 + 555), forEach(e, HASH, "0", 99, values("hash", 5, 50, 500)));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void forEachMapElemGivesAReadOnlyKey(Engine e) {
        String writesKey = FOR_EACH.replace("r5 = *(u32 *)(r2 + 0)", "*(u32 *)(r2 + 0) = 3");
        ExecResult r = run(e, writesKey.replace("FLAGS", "0").replace("STOP", "99"), LinuxProgramType.TC, List.of(ARRAY),
                values("array", 1)).result();
        assertEquals(FaultKind.READ_ONLY, assertInstanceOf(ExecResult.Faulted.class, r).fault().kind(), r.toString());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void theSocketIsTheTestRunsAndThereIsNoRoute(Engine e) {
        assertNotEquals(new ExecResult.Returned(0), run(e, "call 46\nexit\n"), "a socket has a non-zero cookie");
        assertEquals(run(e, "call 46\nexit\n"), run(e, "call 46\ncall 46\nexit\n"), "and keeps it");
        assertEquals(new ExecResult.Returned(0), run(e, "call 47\nexit\n"), "root's socket");
        assertEquals(new ExecResult.Returned(0), run(e, "call 17\nexit\n"), "no net_cls class");
        assertEquals(new ExecResult.Returned(0), run(e, "call 24\nexit\n"), "no route, no realm");
        assertEquals(new ExecResult.Returned(0), run(e, "call 42\nexit\n"), "one NUMA node");
        assertEquals(new ExecResult.Returned(ProcessCgroup.id()), run(e, "call 79\nexit\n"));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void redirectNeighFollowsLinuxsArgumentRules(Engine e) {
        String call = "r1 = 3\nr2 = 0\nr3 = PLEN\nr4 = FLAGS\ncall 152\nexit\n";
        assertEquals(new ExecResult.Returned(7), run(e, call.replace("PLEN", "0").replace("FLAGS", "0")));
        assertEquals(new ExecResult.Returned(2), run(e, call.replace("PLEN", "16").replace("FLAGS", "0")), "short params");
        assertEquals(new ExecResult.Returned(2), run(e, call.replace("PLEN", "0").replace("FLAGS", "1")), "flags");
        String withParams = stackString("0123456789abcdef0123456789abcde", 32)
                + "r1 = 3\nr2 = r10\nr2 += -32\nr3 = 32\nr4 = 0\ncall 152\nexit\n";
        assertEquals(new ExecResult.Returned(7), run(e, withParams));
        String paramsOffTheStack = "r1 = 3\nr2 = r10\nr2 += -16\nr3 = 32\nr4 = 0\ncall 152\nexit\n";
        assertEquals(FaultKind.OUT_OF_BOUNDS, assertInstanceOf(ExecResult.Faulted.class, run(e, paramsOffTheStack)).fault().kind());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aForEachCallbackMayChangeTheValues(Engine e) {
        String doubles = FOR_EACH.replace("r0 = *(u64 *)(r4 + 0)\n", "r0 = *(u64 *)(r4 + 0)\nr5 *= 2\n*(u64 *)(r3 + 0) = r5\n");
        HelperPrograms.Run r = run(e, doubles.replace("FLAGS", "0").replace("STOP", "99"), LinuxProgramType.TC, List.of(ARRAY),
                values("array", 1, 2, 3, 4));
        assertEquals(new ExecResult.Returned(4_000_000 + 20), r.result());
        assertArrayEquals(u64(8), r.maps().get("array").get(3).value());
    }
}
