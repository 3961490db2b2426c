package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.vm.ExecResult;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression (found by the kernel differential, ProgramsWithMapsAgreeWithTheKernelTest):
 * {@code bpf_perf_event_output} returns what Linux returns with no perf event open in the slot,
 * not 0: -ENOENT, -E2BIG past the array, -EINVAL for unknown flags, -EFAULT for more packet bytes
 * than the packet has.
 */
class PerfEventOutputFindsNoEventTest {
    static final BpfMap EVENTS = new BpfMap(0, "events", MapKind.BTF, 4, 4, 4, 4, 0, new byte[0]);

    @ParameterizedTest
    @CsvSource({"0, -2", "3, -2", "4, -7", "0xffffffff, -2", "0x1000000000000000, -22", "0x0000000a00000000, -2",
            "0x0000004100000000, -14"})
    void resultWithoutAnOpenEvent(String flags, long expected) throws Exception {
        assertEquals(new ExecResult.Returned(expected), run(LinuxProgramType.XDP, flags, new byte[64]));
    }

    /** The tracing types' version (kernel/trace/bpf_trace.c) appends no packet: any flag beyond the index is -EINVAL. */
    @ParameterizedTest
    @CsvSource({"0, -2", "4, -7", "0xffffffff, -2", "0x0000000a00000000, -22", "0x1000000000000000, -22"})
    void aKprobesResultWithoutAnOpenEvent(String flags, long expected) throws Exception {
        assertEquals(new ExecResult.Returned(expected), run(LinuxProgramType.KPROBE, flags, new byte[0]));
    }

    private static ExecResult run(LinuxProgramType type, String flags, byte[] input) throws Exception {
        String asm = """
                *(u64 *)(r10 - 8) = 7
                r3 = FLAGS ll
                r4 = r10
                r4 += -8
                r5 = 8
                r2 = map[idx:0] ll
                call 25
                exit
                """.replace("FLAGS", Long.toString(Long.decode(flags)));
        BpfProgram p = new BpfProgram("out", type.name(), Assembler.assemble(asm), List.of(), List.of(), List.of());
        try (LinuxEnvironment env = LinuxEnvironment.load(new BpfObject(List.of(), List.of(p), List.of(EVENTS), "GPL"), p, type)) {
            return env.run(input);
        }
    }
}
