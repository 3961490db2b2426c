package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.MapValuesAreWriteProtectedOutsideRunsTest.assertReadOnly;
import static dev.warden.runtime.linux.MapValuesAreWriteProtectedOutsideRunsTest.r0;
import static dev.warden.runtime.linux.MapValuesAreWriteProtectedOutsideRunsTest.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.jit.JitEngine;
import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.PageProtection;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 §4 for queues and stacks, per engine: their ring of values lies under the extension key
 * too, so under the {@code MPROTECT} fallback its page is read-only between runs and after the
 * host's push and pop (read from {@code /proc/self/maps}), while a run's push and pop helpers and
 * the host's own push and pop still write it. The program pushes 7 (dropping the oldest when
 * full), pops, and returns what it popped: the oldest value for a queue, 7 for a stack.
 */
class QueueAndStackValuesAreWriteProtectedOutsideRunsTest {
    static final String PUSH_THEN_POP = """
            *(u64 *)(r10 - 8) = 7
            r2 = r10
            r2 += -8
            r3 = 2
            r1 = map[idx:0] ll
            call 87
            if r0 != 0 goto failed
            r2 = r10
            r2 += -16
            r1 = map[idx:0] ll
            call 88
            if r0 != 0 goto failed
            r0 = *(u64 *)(r10 - 16)
            exit
            failed:
            r0 = -1
            exit
            """;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int type : new int[] {LinuxMap.QUEUE, LinuxMap.STACK}) {
            out.add(Arguments.of(type, new Interpreter()));
            out.add(Arguments.of(type, new JitEngine()));
        }
        return out.stream();
    }

    static LinuxEnvironment pushThenPop(int type, Engine engine, IsolationMode mode) throws Exception {
        BpfProgram p = new BpfProgram("push_then_pop", "xdp", Assembler.assemble(PUSH_THEN_POP), List.of(), List.of(), List.of());
        BpfMap m = new BpfMap(0, "values", MapKind.BTF, type, 0, 8, 4, 0, new byte[0]);
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(m), "GPL");
        return LinuxEnvironment.load(o, p, LinuxProgramType.XDP, LinuxEnvironment.DEFAULT_BUDGET, engine, mode);
    }

    static long ring(HostMap map) {
        return ((QueueStackMap) map.map()).storageAddress();
    }

    @ParameterizedTest(name = "type {0} on {1}")
    @MethodSource("cases")
    void underTheMprotectFallbackTheRingIsReadOnlyBetweenRunsAndRunsAndTheHostStillWriteIt(int type, Engine engine)
            throws Exception {
        boolean queue = type == LinuxMap.QUEUE;
        try (LinuxEnvironment env = pushThenPop(type, engine, IsolationMode.MPROTECT)) {
            assertEquals(IsolationMode.MPROTECT, env.isolation());
            HostMap map = env.map("values").orElseThrow();
            assertEquals(7, r0(env.run(new byte[0])), "a run pushes into and pops from an empty map");
            long ring = ring(map);
            assertNotEquals(0, ring, "the first push allocated the ring");
            assertReadOnly(ring, "between runs");

            assertEquals(0, map.push(u64(100), HostMap.ANY), "the host's push opens its own scope");
            assertReadOnly(ring, "after a host push");
            assertEquals(queue ? 100 : 7, r0(env.run(new byte[0])), "the run pops the oldest (queue) or newest (stack)");
            assertReadOnly(ring, "after a run that pushed and popped");
            assertEquals(queue ? 7 : 100, u64(map.peek().orElseThrow()), "peek is a read");
            assertEquals(queue ? 7 : 100, u64(map.pop().orElseThrow()));
            assertTrue(map.pop().isEmpty());
            assertReadOnly(ring, "after host pops");

            // Fill it, then let a run's BPF_EXIST push drop the oldest: the ring wraps around.
            for (long v = 1; v <= 4; v++) {
                assertEquals(0, map.push(u64(v), HostMap.ANY));
            }
            assertEquals(-Errno.E2BIG, map.push(u64(5), HostMap.ANY), "full");
            assertEquals(queue ? 2 : 7, r0(env.run(new byte[0])));
            List<Long> left = env.maps().get("values").stream().map(e -> u64(e.value())).toList();
            assertEquals(queue ? List.of(3L, 4L, 7L) : List.of(4L, 3L, 2L), left, "listed in pop order");
            assertEquals(ring, ring(map), "the same ring throughout");
            assertReadOnly(ring, "after the ring wrapped");
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(value = IsolationMode.class, names = {"NONE", "MPROTECT"})
    void aRingTooLargeForTheProcessMakesPushesFailWithEnomemNotTheLoad(IsolationMode mode) throws Exception {
        BpfProgram p = new BpfProgram("p", "xdp", Assembler.assemble("r0 = 0\nexit\n"), List.of(), List.of(), List.of());
        // 2^32 - 1 values of 1 MiB: 4 PiB, past any address space here.
        BpfMap m = new BpfMap(0, "huge", MapKind.BTF, LinuxMap.QUEUE, 0, 1 << 20, 0xffff_ffffL, 0, new byte[0]);
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(m), "GPL");
        try (LinuxEnvironment env = LinuxEnvironment.load(o, p, LinuxProgramType.XDP, LinuxEnvironment.DEFAULT_BUDGET,
                new Interpreter(), mode)) {
            assertEquals(0, r0(env.run(new byte[0])), "the object loads and runs");
            HostMap huge = env.map("huge").orElseThrow();
            assertEquals(-Errno.ENOMEM, huge.push(new byte[1 << 20], HostMap.ANY));
            assertTrue(huge.pop().isEmpty());
        }
    }

    @ParameterizedTest(name = "type {0} on {1}")
    @MethodSource("cases")
    void withoutIsolationTheRingStaysWritable(int type, Engine engine) throws Exception {
        try (LinuxEnvironment env = pushThenPop(type, engine, IsolationMode.NONE)) {
            assertEquals(7, r0(env.run(new byte[0])));
            long ring = ring(env.map("values").orElseThrow());
            assertTrue(PageProtection.of(ring).startsWith("rw"), PageProtection.of(ring));
        }
    }
}
