package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a tail call from a bpf-to-bpf subprogram does here today, the same in both engines: a tail
 * call that would jump (a filled slot, under the limit) ends the run with a located
 * {@code HELPER_FAILED} fault, since Linux's semantics (the subprogram's frame unwound, the
 * target's r0 returned to the subprogram's caller, the count shared by the chain) are not
 * implemented; one that would not jump returns {@code -ENOENT} and the subprogram goes on, as in
 * Linux. The same tail call from the entry function jumps (LinuxMapTypesTest).
 */
class TailCallsFromSubprogramsTest {
    /** Entry: calls the subprogram at pc 3 and adds 1000 to its result. The subprogram tail-calls slot 1. */
    static final String ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS = """
            call local sub
            r0 += 1000
            exit
            sub:
            r2 = map[idx:3] ll
            r3 = 1
            call 12
            exit
            """;

    @ParameterizedTest
    @MethodSource("dev.warden.runtime.linux.LinuxMapTypesTest#engines")
    void aTailCallThatWouldJumpFromASubprogramFaultsAtTheCallAndOneThatWouldNotGoesOn(Engine engine) throws Exception {
        try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS, "target",
                "r0 = 7\nexit\n")) {
            assertEquals(1000 + LinuxMapTypesTest.ENOENT, LinuxMapTypesTest.r0(env.run(new byte[0])),
                    "empty slot: the helper returns -ENOENT and the subprogram returns it");
            env.map("jumps").orElseThrow().setProgram(1, "target");
            ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, env.run(new byte[0]), engine.name());
            assertEquals(FaultKind.HELPER_FAILED, f.fault().kind(), f.toString());
            assertEquals(6, f.fault().pc(), "at the helper call of the subprogram");
            assertTrue(f.fault().message().contains("bpf_tail_call from a bpf-to-bpf subprogram is not supported"), f.toString());
        }
    }

    @Test
    void bothEnginesAgree() throws Exception {
        String[] outcomes = new String[2];
        int i = 0;
        for (Engine engine : LinuxMapTypesTest.engines().toList()) {
            try (LinuxEnvironment env = LinuxMapTypesTest.env(engine, "entry", ENTRY_CALLS_SUBPROGRAM_THAT_TAIL_CALLS, "target",
                    "r0 = 7\nexit\n")) {
                env.map("jumps").orElseThrow().setProgram(1, "target");
                outcomes[i++] = env.run(new byte[0]).toString();
            }
        }
        assertEquals(outcomes[0], outcomes[1]);
    }
}
