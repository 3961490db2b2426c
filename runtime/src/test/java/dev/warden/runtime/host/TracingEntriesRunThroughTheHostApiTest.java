package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.platform.KernelBtf;
import dev.warden.verifier.platform.Platform;
import dev.warden.vm.ExecResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host API takes tracing entries: the context's bytes go where a packet entry's packet goes. */
class TracingEntriesRunThroughTheHostApiTest {
    private static BpfObject object(String section, String asm) throws Exception {
        BpfProgram p = new BpfProgram("probe", section, Assembler.assemble(asm), List.of(), List.of(), List.of());
        return new BpfObject(List.of(), List.of(p), List.of(), "GPL");
    }

    @Test
    void aKprobeEntryIsVerifiedCompiledAndRunOnTheRegistersGiven() throws Exception {
        BpfObject o = object("kprobe/do_unlinkat", "r0 = *(u64 *)(r1 + 112)\nr0 += 1\nexit\n");
        byte[] regs = new byte[168];
        ByteBuffer.wrap(regs).order(ByteOrder.LITTLE_ENDIAN).putLong(112, 41);
        try (Extension ext = Extensions.load(o, "probe.o", ExtensionSpec.of().withEntry(EntryPoint.of("probe", LinuxProgramType.KPROBE)),
                VerificationPolicy.linux())) {
            assertEquals(42, assertInstanceOf(ExecResult.Returned.class, ext.invoke("probe", regs)).r0());
            assertEquals(1, assertInstanceOf(ExecResult.Returned.class, ext.invoke("probe", new byte[0])).r0());
        }
    }

    @Test
    void aStoreToTheReadOnlyRegistersIsRejectedAtLoad() throws Exception {
        BpfObject o = object("kprobe/x", "r2 = 0\n*(u64 *)(r1 + 112) = r2\nr0 = 0\nexit\n");
        LoadException e = assertThrows(LoadException.class, () -> Extensions.load(o, "probe.o",
                ExtensionSpec.of().withEntry(EntryPoint.of("probe", LinuxProgramType.KPROBE)), VerificationPolicy.linux()));
        assertTrue(e.getMessage().contains("pc 1"), e.getMessage());
    }

    @Test
    void aLoadThroughABtfTypedTaskIsRefusedAtLoadNotRunIntoAFault() throws Exception {
        // bpf_get_current_task_btf() gives a trusted task_struct pointer; reading task->pid through it
        // is a BPF_PROBE_MEM load in Linux, which this runtime cannot run.
        assumeTrue(Files.isReadable(KernelBtf.SYSTEM), "SKIPPED: no kernel BTF at " + KernelBtf.SYSTEM);
        assumeTrue(Platform.linux().kernelBtf().isPresent(), "SKIPPED: the platform reads no kernel BTF");
        BpfObject o = object("raw_tp/sys_enter", "call 158\nr0 = *(u32 *)(r0 + 0)\nr0 = 0\nexit\n");
        LoadException e = assertThrows(LoadException.class, () -> Extensions.load(o, "task.o",
                ExtensionSpec.of().withEntry(EntryPoint.of("probe", LinuxProgramType.RAW_TRACEPOINT)), VerificationPolicy.linux()));
        assertTrue(e.getMessage().contains("pc 1: loads through a BTF-typed kernel object pointer"), e.getMessage());
    }
}
