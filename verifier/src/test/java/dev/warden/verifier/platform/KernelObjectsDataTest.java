package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.BtfType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The kernel-object data and its BTF side: which structs helpers hand out and take
 * ({@code linux-btf-objects.txt}), field reads through a struct ({@link BtfFieldRead}), and contexts
 * typed by the attach target ({@link TypedContexts}). Tests that need the running kernel's BTF skip
 * themselves without it.
 */
class KernelObjectsDataTest {

    private static KernelBtf kernel() {
        Optional<KernelBtf> k = KernelBtf.system();
        assumeTrue(k.isPresent(), "no readable " + KernelBtf.SYSTEM);
        return k.get();
    }

    private static int helper(String name) {
        return Platform.linux().helpers().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow().id();
    }

    @Test
    void helperResultsAndArgumentsNameTheirStructs() {
        BtfObjects o = Platform.linux().btfObjects();
        assertEquals(Optional.of("task_struct"), o.returned(helper("get_current_task_btf")));
        assertEquals(Optional.of("tcp_sock"), o.returned(helper("skc_to_tcp_sock")));
        assertEquals(Optional.of("task_struct"), o.argument(helper("get_task_stack"), 0));
        assertEquals(Optional.of("path"), o.argument(helper("d_path"), 0));
        assertEquals(Optional.of("task_struct"), o.argument(helper("task_storage_get"), 1));
        assertTrue(o.sockCommon().contains("sock_common"));
        // Every helper that returns a BTF pointer of a fixed struct has a row (kptr_xchg's struct is the kptr's).
        for (HelperPrototype h : Platform.linux().helpers()) {
            if ((h.ret() == RetKind.BTF_ID || h.ret() == RetKind.BTF_ID_OR_NULL) && !h.name().equals("kptr_xchg")) {
                assertTrue(o.returned(h.id()).isPresent(), h.name() + " returns a BTF pointer but names no struct");
            }
        }
    }

    @Test
    void badRowsAreReportedWithTheirLine() {
        List<HelperPrototype> helpers = Platform.linux().helpers();
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> BtfObjectTable.parse("t", List.of(
                "# comment", "ret map_lookup_elem task_struct"), helpers));
        assertTrue(e.getMessage().contains("t:2") || e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("does not return a BTF pointer"), e.getMessage());
        assertThrows(PlatformDataException.class, () -> BtfObjectTable.parse("t", List.of("arg d_path 2 path"), helpers));
        assertThrows(PlatformDataException.class, () -> BtfObjectTable.parse("t", List.of("arg no_such_helper 1 path"), helpers));
    }

    @Test
    void everyStructTheDataNamesIsInTheKernelsBtf() {
        KernelBtf k = kernel();
        BtfObjects o = Platform.linux().btfObjects();
        for (String s : o.returns().values()) {
            // mptcp_sock exists only in kernels built with MPTCP.
            assertTrue(k.composite(s).isPresent() || s.equals("mptcp_sock"), "struct " + s + " is not in the kernel's BTF");
        }
        o.arguments().values().forEach(m -> m.values().forEach(s ->
                assertTrue(k.composite(s).isPresent(), "struct " + s + " is not in the kernel's BTF")));
    }

    @Test
    void readsOfATaskAreTypedByItsFields() {
        KernelBtf k = kernel();
        int task = k.composite("task_struct").orElseThrow();
        BtfType.Struct t = (BtfType.Struct) k.btf().byId(task).orElseThrow();
        long parent = member(t, "real_parent");
        long pid = member(t, "pid");
        assertEquals(new BtfFieldRead.Pointer(task), BtfFieldRead.of(k, task, parent, 8));
        assertInstanceOf(BtfFieldRead.Number.class, BtfFieldRead.of(k, task, parent, 4), "half a pointer is a number");
        assertInstanceOf(BtfFieldRead.Number.class, BtfFieldRead.of(k, task, pid, 4));
        assertInstanceOf(BtfFieldRead.Outside.class, BtfFieldRead.of(k, task, t.size() - 4, 8));
        assertInstanceOf(BtfFieldRead.Outside.class, BtfFieldRead.of(k, task, -8, 8));
    }

    private static long member(BtfType.Struct s, String name) {
        return s.members().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().byteOffset();
    }

    @Test
    void tracingAndIteratorContextsAreTypedByTheirTarget() {
        KernelBtf k = kernel();
        ProgramType fentry = Platform.linux().type("fentry").orElseThrow();
        ContextLayout c = TypedContexts.forSection(fentry, "fentry/do_unlinkat", () -> Optional.of(k)).context();
        assertEquals(FieldKind.SCALAR, c.fieldContaining(0, 8).orElseThrow().kind(), "int dfd");
        ContextField name = c.fieldContaining(8, 8).orElseThrow();
        assertEquals(FieldKind.BTF_ID, name.kind());
        assertEquals("filename", name.pointee());
        ProgramType iter = Platform.linux().type("iter").orElseThrow();
        ContextLayout it = TypedContexts.forSection(iter, "iter/task", () -> Optional.of(k)).context();
        assertEquals(List.of("meta", "task"), it.fields().stream().map(ContextField::name).toList());
        assertEquals(FieldKind.BTF_ID_OR_NULL, it.fields().get(1).kind());
        assertEquals("task_struct", it.fields().get(1).pointee());
        // Unknown targets and types that are not BTF-typed keep their platform context.
        assertEquals(fentry, TypedContexts.forSection(fentry, "fentry/no_such_function_here", () -> Optional.of(k)));
        ProgramType xdp = Platform.linux().type("xdp").orElseThrow();
        assertEquals(xdp, TypedContexts.forSection(xdp, "xdp", () -> Optional.of(k)));
        assertEquals(fentry, TypedContexts.forSection(fentry, "fentry/do_unlinkat", Optional::empty));
    }
}
