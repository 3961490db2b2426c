package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.BtfType;
import dev.warden.verifier.platform.KernelBtf;
import dev.warden.verifier.platform.Platform;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Kernel objects read through BTF-typed pointers, on the Linux platform: iterator and tracing
 * contexts typed by their target, helper results typed by the platform data, reads inside the
 * struct only, null checks on pointers the kernel calls non-null analysed on both sides. Tests that
 * need the running kernel's BTF skip themselves without it; the one about a missing BTF runs anywhere.
 */
class KernelObjectsTest {

    private static KernelBtf kernel() {
        Optional<KernelBtf> k = KernelBtf.system();
        assumeTrue(k.isPresent(), "no readable " + KernelBtf.SYSTEM);
        return k.get();
    }

    /** The byte offset of a member of a kernel struct (looking into anonymous unions, as __bpf_md_ptr declares them). */
    private static long offset(KernelBtf k, String struct, String member) {
        BtfType.Struct s = (BtfType.Struct) k.btf().byId(k.composite(struct).orElseThrow()).orElseThrow();
        for (BtfType.Member m : s.members()) {
            if (m.name().equals(member)) {
                return m.byteOffset();
            }
            if (m.name().isEmpty() && k.btf().resolve(m.type()).orElseThrow() instanceof BtfType.Union u
                    && u.members().stream().anyMatch(x -> x.name().equals(member))) {
                return m.byteOffset();
            }
        }
        throw new AssertionError(struct + " has no member " + member);
    }

    private static VerificationResult verify(String section, String asm, VerifierOptions options) {
        BpfProgram p = new BpfProgram("prog", section, Fixture.assemble(asm), List.of(), List.of(), List.of());
        return Verifier.verify(new BpfObject(List.of(), List.of(p), List.of(), "GPL"), p, options);
    }

    private static void accepted(String section, String asm) {
        if (verify(section, asm, VerifierOptions.linux()) instanceof VerificationResult.Rejected r) {
            fail("expected acceptance, got:\n" + String.join("\n", r.violations().stream().map(v -> v + "\n    " + v.state()).toList()));
        }
    }

    private static Violation rejected(String section, String asm, VerifierOptions options, int pc, ObligationKind kind,
                                      String fragment) {
        VerificationResult.Rejected r = assertInstanceOf(VerificationResult.Rejected.class, verify(section, asm, options));
        Violation v = r.violations().getFirst();
        String all = String.join("\n", r.violations().stream().map(Violation::toString).toList());
        assertEquals(pc, v.pc(), all);
        assertEquals(kind, v.kind(), all);
        assertTrue(v.message().contains(fragment), "message '" + v.message() + "' lacks '" + fragment + "'");
        return v;
    }

    @Test
    void anIteratorsTaskIsReadAfterItsNullCheck() {
        long pid = offset(kernel(), "task_struct", "pid");
        String body = """
                r2 = *(u64 *)(r1 + 8)
                %s
                r0 = *(u32 *)(r2 + %d)
                out:
                r0 = 0
                exit
                """;
        accepted("iter/task", body.formatted("if r2 == 0 goto out", pid));
        rejected("iter/task", body.formatted("r3 = 0", pid), VerifierOptions.linux(), 2, ObligationKind.NON_NULL, "may be null");
    }

    @Test
    void anIteratorsSeqFileStaysTrustedAndGoesToSeqWrite() {
        long seq = offset(kernel(), "bpf_iter_meta", "seq");
        String body = """
                r6 = *(u64 *)(r1 + 0)
                %s
                r2 = r10
                r2 += -8
                *(u64 *)(r10 - 8) = r6
                r3 = 8
                call 127
                r0 = 0
                exit
                """;
        // ctx->meta->seq is trusted while meta is (the kernel's BTF_TYPE_SAFE_TRUSTED list).
        accepted("iter/task", body.formatted("r1 = *(u64 *)(r6 + " + seq + ")"));
        // The meta itself is not a seq_file.
        rejected("iter/task", body.formatted("r1 = r6"), VerifierOptions.linux(), 6, ObligationKind.HELPER_ARGUMENT,
                "must point to struct seq_file");
    }

    @Test
    void aNullCheckOnATracingArgumentIsARealBranch() {
        kernel();
        // do_unlinkat(int dfd, struct filename *name): the kernel calls name non-null, but the
        // function may be called with NULL; the NULL side of the check must be analysed too.
        rejected("fentry/do_unlinkat", """
                r2 = *(u64 *)(r1 + 8)
                if r2 != 0 goto out
                r0 = *(u64 *)(r2 + 0)
                out:
                r0 = 0
                exit
                """, VerifierOptions.linux(), 2, ObligationKind.NON_NULL, "NULL");
    }

    @Test
    void constantArithmeticStaysInsideTheTypedStruct() {
        KernelBtf k = kernel();
        long tgid = offset(k, "task_struct", "tgid");
        accepted("fentry/do_nanosleep", """
                call 158
                r0 += %d
                r1 = *(u32 *)(r0 + 0)
                r0 = 0
                exit
                """.formatted(tgid));
        // Past the struct's end, after the same arithmetic.
        long size = k.btf().sizeOf(k.composite("task_struct").orElseThrow()).orElseThrow();
        rejected("fentry/do_nanosleep", """
                call 158
                r0 += %d
                r1 = *(u32 *)(r0 + 0)
                r0 = 0
                exit
                """.formatted(size - 2), VerifierOptions.linux(), 2, ObligationKind.VALID_ACCESS, "outside the struct");
    }

    @Test
    void aLoadedPointerIsReadableButNotGivenToHelpers() {
        KernelBtf k = kernel();
        long parent = offset(k, "task_struct", "real_parent");
        long pid = offset(k, "task_struct", "pid");
        accepted("fentry/do_nanosleep", """
                call 158
                r1 = *(u64 *)(r0 + %d)
                r1 = *(u64 *)(r1 + %d)
                r1 = *(u32 *)(r1 + %d)
                r0 = 0
                exit
                """.formatted(parent, parent, pid));
        rejected("fentry/do_nanosleep", """
                call 158
                r1 = *(u64 *)(r0 + %d)
                r2 = r10
                r2 += -32
                r3 = 32
                r4 = 0
                call 141
                r0 = 0
                exit
                """.formatted(parent), VerifierOptions.linux(), 6, ObligationKind.HELPER_ARGUMENT, "untrusted");
    }

    @Test
    void aKernelObjectIsNotAHelpersMemoryArgument() {
        kernel();
        // bpf_trace_printk(fmt, size) reads fmt directly, not as a probe read.
        rejected("fentry/do_nanosleep", """
                call 158
                r1 = r0
                r2 = 8
                call 6
                r0 = 0
                exit
                """, VerifierOptions.linux(), 3, ObligationKind.HELPER_ARGUMENT, "must be memory");
    }

    @Test
    void withoutATargetBtfNothingIsReadThroughAKernelObject() {
        VerifierOptions noBtf = new VerifierOptions(Platform.linux().withKernelBtf(Optional.empty()), Optional.empty(),
                Privilege.PRIVILEGED, Termination.PROOF, VerifierOptions.DEFAULT_MAX_INSTRUCTIONS, 0);
        rejected("fentry/do_nanosleep", """
                call 158
                r1 = *(u32 *)(r0 + 0)
                r0 = 0
                exit
                """, noBtf, 1, ObligationKind.TYPE, "no target BTF");
    }
}
