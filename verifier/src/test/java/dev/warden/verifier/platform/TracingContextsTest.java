package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.Btf;
import dev.warden.isa.elf.CoreRelocator;
import dev.warden.isa.elf.ElfReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tracing contexts built from BTF prototypes: one slot per argument, the return value where visible. */
class TracingContextsTest {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static final Path KSNOOP = Path.of("../../shared/testdata/real-objects/bcc/clang-21_-O2_ksnoop.bpf.o");

    private static Btf kernel() throws Exception {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        return CoreRelocator.readBtf(VMLINUX);
    }

    private static List<String> names(ContextLayout c) {
        return c.fields().stream().map(ContextField::name).toList();
    }

    @Test
    void aBpfFunctionsPointerArgumentIsATypedSlot() throws Exception {
        assumeTrue(Files.isRegularFile(KSNOOP), "real objects not present at " + KSNOOP.toAbsolutePath());
        Btf btf = ElfReader.read(KSNOOP).btf().orElseThrow();
        ContextLayout c = TracingContexts.of(btf, TracingContexts.Attach.FENTRY, "kprobe_entry").orElseThrow();
        assertEquals(8, c.size());
        assertEquals(FieldKind.BTF_ID, c.fields().getFirst().kind());
        ContextLayout exit = TracingContexts.of(btf, TracingContexts.Attach.FEXIT, "kprobe_entry").orElseThrow();
        assertEquals(16, exit.size(), "argument and int return value");
        assertEquals(FieldKind.SCALAR, exit.fieldContaining(8, 8).orElseThrow().kind());
        assertTrue(TracingContexts.of(btf, TracingContexts.Attach.FENTRY, "no_such_function").isEmpty());
    }

    @Test
    void fentryOnTcpConnectSeesSocketAddressAndLength() throws Exception {
        ContextLayout c = TracingContexts.of(kernel(), TracingContexts.Attach.FENTRY, "tcp_v4_connect").orElseThrow();
        assertEquals(List.of("sk", "uaddr", "addr_len"), names(c));
        assertEquals(FieldKind.BTF_ID, c.fields().get(0).kind());
        assertEquals(FieldKind.BTF_ID, c.fields().get(1).kind());
        assertEquals(FieldKind.SCALAR, c.fields().get(2).kind());
        assertTrue(c.fieldContaining(24, 8).isEmpty(), "no fourth argument");
        ContextLayout exit = TracingContexts.of(kernel(), TracingContexts.Attach.FEXIT, "tcp_v4_connect").orElseThrow();
        assertEquals(List.of("sk", "uaddr", "addr_len", "retval"), names(exit));
    }

    @Test
    void tpBtfDropsTheTracepointsDataPointer() throws Exception {
        // btf_trace_sched_switch is void (*)(void *, bool preempt, struct task_struct *prev,
        // struct task_struct *next, unsigned int prev_state); typedef prototypes carry no names.
        ContextLayout c = TracingContexts.of(kernel(), TracingContexts.Attach.TP_BTF, "sched_switch").orElseThrow();
        assertEquals(List.of(FieldKind.SCALAR, FieldKind.BTF_ID, FieldKind.BTF_ID, FieldKind.SCALAR),
                c.fields().stream().map(ContextField::kind).toList());
        assertEquals(32, c.size());
    }

    @Test
    void lsmHooksSeeTheirArgumentsAndTheReturnValueSoFar() throws Exception {
        ContextLayout c = TracingContexts.of(kernel(), TracingContexts.Attach.LSM, "file_open").orElseThrow();
        assertEquals(List.of("file", "retval"), names(c));
    }
}
