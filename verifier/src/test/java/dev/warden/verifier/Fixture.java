package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.isa.Program;
import dev.warden.isa.asm.AssemblyException;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.verifier.platform.ArgKind;
import dev.warden.verifier.platform.ContextField;
import dev.warden.verifier.platform.ContextLayout;
import dev.warden.verifier.platform.FieldKind;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.ProgramType;
import dev.warden.verifier.platform.RetKind;
import java.util.List;
import java.util.Optional;

/**
 * A small platform and object for the verifier's tests: an {@code xdp} type (data, data_end,
 * data_meta pointer fields, three scalar fields, return range [0, 4]), a {@code probe} type
 * without packet access, a few helpers (two with callbacks), and four maps:
 * 0 {@code counts} (hash, key 4, value 8), 1 {@code arr} (array, key 4, value 16),
 * 2 {@code .rodata} (8 bytes: 5, 0..., read-only), 3 {@code events} (ring buffer).
 */
final class Fixture {
    private Fixture() {}

    static final ProgramType XDP = new ProgramType("xdp", 6, List.of("xdp"), new ContextLayout("xdp_md", 24, List.of(
            new ContextField("data", 0, 4, FieldKind.PACKET, true, false, false),
            new ContextField("data_end", 4, 4, FieldKind.PACKET_END, true, false, false),
            new ContextField("data_meta", 8, 4, FieldKind.PACKET_META, true, false, false),
            new ContextField("ingress_ifindex", 12, 4, FieldKind.SCALAR, true, false, true),
            new ContextField("rx_queue_index", 16, 4, FieldKind.SCALAR, true, false, true),
            new ContextField("egress_ifindex", 20, 4, FieldKind.SCALAR, true, false, true))),
            Optional.of(new HelperPrototype.Range(0, 4)), true, true);

    static final ProgramType PROBE = new ProgramType("probe", 2, List.of("kprobe"), new ContextLayout("pt_regs", 168, List.of(
            new ContextField("regs", 0, 168, FieldKind.SCALAR, true, false, true))), Optional.empty(), false, false);

    static final Platform PLATFORM = new Platform(List.of(
            helper(1, "bpf_map_lookup_elem", List.of(ArgKind.CONST_MAP_PTR, ArgKind.PTR_TO_MAP_KEY), RetKind.MAP_VALUE_OR_NULL),
            helper(2, "bpf_map_update_elem", List.of(ArgKind.CONST_MAP_PTR, ArgKind.PTR_TO_MAP_KEY, ArgKind.PTR_TO_MAP_VALUE,
                    ArgKind.ANYTHING), RetKind.INTEGER),
            helper(3, "bpf_map_delete_elem", List.of(ArgKind.CONST_MAP_PTR, ArgKind.PTR_TO_MAP_KEY), RetKind.INTEGER),
            helper(4, "bpf_probe_read", List.of(ArgKind.PTR_TO_UNINIT_MEM, ArgKind.CONST_SIZE_OR_ZERO, ArgKind.ANYTHING),
                    RetKind.INTEGER),
            helper(5, "bpf_ktime_get_ns", List.of(), RetKind.INTEGER),
            helper(6, "bpf_trace_printk", List.of(ArgKind.PTR_TO_MEM, ArgKind.CONST_SIZE, ArgKind.ANYTHING), RetKind.INTEGER),
            new HelperPrototype(7, "bpf_get_prandom_u32", List.of(), RetKind.INTEGER,
                    Optional.of(new HelperPrototype.Range(0, 0xffffffffL)), -1),
            helper(12, "bpf_tail_call", List.of(ArgKind.PTR_TO_CTX, ArgKind.CONST_MAP_PTR, ArgKind.ANYTHING), RetKind.INTEGER),
            helper(164, "bpf_for_each_map_elem", List.of(ArgKind.CONST_MAP_PTR, ArgKind.PTR_TO_FUNC, ArgKind.PTR_TO_STACK_OR_NULL,
                    ArgKind.SCALAR), RetKind.INTEGER),
            helper(181, "bpf_loop", List.of(ArgKind.SCALAR, ArgKind.PTR_TO_FUNC, ArgKind.PTR_TO_STACK_OR_NULL, ArgKind.SCALAR),
                    RetKind.INTEGER),
            helper(131, "bpf_ringbuf_reserve", List.of(ArgKind.CONST_MAP_PTR, ArgKind.CONST_ALLOC_SIZE_OR_ZERO, ArgKind.ANYTHING),
                    RetKind.ALLOC_MEM_OR_NULL),
            new HelperPrototype(132, "bpf_ringbuf_submit", List.of(ArgKind.PTR_TO_ALLOC_MEM, ArgKind.ANYTHING), RetKind.VOID,
                    Optional.empty(), 0),
            new HelperPrototype(133, "bpf_ringbuf_discard", List.of(ArgKind.PTR_TO_ALLOC_MEM, ArgKind.ANYTHING), RetKind.VOID,
                    Optional.empty(), 0)),
            List.of(XDP, PROBE));

    static final List<BpfMap> MAPS = List.of(
            new BpfMap(0, "counts", MapKind.BTF, 1, 4, 8, 1024, 0, new byte[0]),
            new BpfMap(1, "arr", MapKind.BTF, 2, 4, 16, 16, 0, new byte[0]),
            new BpfMap(2, ".rodata", MapKind.GLOBAL_DATA, 2, 4, 8, 1, 0x80, new byte[] {5, 0, 0, 0, 0, 0, 0, 0}),
            new BpfMap(3, "events", MapKind.BTF, 27, 0, 0, 4096, 0, new byte[0]));

    private static HelperPrototype helper(int id, String name, List<ArgKind> args, RetKind ret) {
        return new HelperPrototype(id, name, args, ret, Optional.empty(), -1);
    }

    static VerifierOptions options() {
        return new VerifierOptions(PLATFORM, Optional.of(XDP), Privilege.PRIVILEGED, Termination.PROOF,
                VerifierOptions.DEFAULT_MAX_INSTRUCTIONS, 0);
    }

    static Program assemble(String asm) {
        try {
            return Assembler.assemble(asm);
        } catch (AssemblyException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static VerificationResult verify(String asm, VerifierOptions options) {
        BpfProgram p = new BpfProgram("prog", "xdp", assemble(asm), List.of(), List.of(), List.of());
        return Verifier.verify(new BpfObject(List.of(), List.of(p), MAPS, "GPL"), p, options);
    }

    static VerificationResult verify(String asm) {
        return verify(asm, options());
    }

    static VerifiedProgram accepted(String asm) {
        return accepted(asm, options());
    }

    static VerifiedProgram accepted(String asm, VerifierOptions options) {
        VerificationResult r = verify(asm, options);
        if (r instanceof VerificationResult.Rejected rej) {
            fail("expected acceptance, got:\n" + String.join("\n", rej.violations().stream().map(v -> v + "\n    " + v.state()).toList()));
        }
        return ((VerificationResult.Verified) r).program();
    }

    /** Asserts a rejection whose first violation is at {@code pc}, of {@code kind}, with {@code fragment} in its message. */
    static Violation rejected(String asm, int pc, ObligationKind kind, String fragment) {
        return rejected(asm, options(), pc, kind, fragment);
    }

    static Violation rejected(String asm, VerifierOptions options, int pc, ObligationKind kind, String fragment) {
        VerificationResult r = verify(asm, options);
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r, "expected a rejection");
        Violation v = rej.violations().getFirst();
        String all = String.join("\n", rej.violations().stream().map(Violation::toString).toList());
        assertEquals(pc, v.pc(), all);
        assertEquals(kind, v.kind(), all);
        assertTrue(v.message().contains(fragment), "message '" + v.message() + "' lacks '" + fragment + "'");
        return v;
    }
}
