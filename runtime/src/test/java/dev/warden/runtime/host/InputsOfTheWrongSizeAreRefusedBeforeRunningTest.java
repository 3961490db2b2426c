package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs a host gets wrong: a packet larger than any packet buffer, a tracing context larger than
 * the context the program was verified against, arguments for an entry that takes none. Each is an
 * {@link IllegalArgumentException} before anything runs, and the extension serves the next,
 * correct invocation on the same CPU.
 */
class InputsOfTheWrongSizeAreRefusedBeforeRunningTest {
    @Test
    void aPacketLargerThanTheBufferIsRefused() throws Exception {
        BpfProgram p = new BpfProgram("len", "xdp", Assembler.assemble("""
                r2 = *(u32 *)(r1 + 4)
                r1 = *(u32 *)(r1 + 0)
                r0 = r2
                r0 -= r1
                exit
                """), List.of(), List.of(), List.of());
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("len", LinuxProgramType.XDP)).withCpus(1);
        try (Extension ext = Extensions.load(new BpfObject(List.of(), List.of(p), List.of(), "GPL"), "len.o", spec,
                VerificationPolicy.linux())) {
            assertThrows(IllegalArgumentException.class, () -> ext.invoke("len", new byte[16 << 20]));
            assertEquals(new ExecResult.Returned(1500), ext.invoke("len", new byte[1500]));
        }
    }

    @Test
    void aTracingContextLargerThanItsTypeIsRefused() throws Exception {
        BpfProgram p = new BpfProgram("probe", "kprobe/x", Assembler.assemble("r0 = *(u64 *)(r1 + 0)\nexit\n"), List.of(), List.of(),
                List.of());
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("probe", LinuxProgramType.KPROBE)).withCpus(1);
        try (Extension ext = Extensions.load(new BpfObject(List.of(), List.of(p), List.of(), "GPL"), "probe.o", spec,
                VerificationPolicy.linux())) {
            assertThrows(IllegalArgumentException.class, () -> ext.invoke("probe", new byte[1 << 20]));
            byte[] regs = new byte[8];
            regs[0] = 42;
            assertEquals(new ExecResult.Returned(42), ext.invoke("probe", regs));
        }
    }

    @Test
    void argumentsForALinuxEntryAreRefused() throws Exception {
        BpfProgram p = new BpfProgram("one", "xdp", Assembler.assemble("r0 = 1\nexit\n"), List.of(), List.of(), List.of());
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("one", LinuxProgramType.XDP)).withCpus(1);
        try (Extension ext = Extensions.load(new BpfObject(List.of(), List.of(p), List.of(), "GPL"), "one.o", spec,
                VerificationPolicy.linux())) {
            assertThrows(IllegalStateException.class, () -> ext.invoke("one", EntryArguments.none()));
            assertEquals(new ExecResult.Returned(1), ext.invoke("one", new byte[0]));
        }
    }
}
