package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verifier refuses a helper the program's type may not call (Linux 6.18's per-type helper
 * tables, linux-helper-availability.txt), and a sockmap update or delete from a type the kernel
 * forbids it in. Each expectation was checked against the running 6.18 kernel by
 * scripts/probe-helper-availability.py or read from its sources (the data file says which).
 */
class HelperAvailabilityTest {
    private static final Platform LINUX = Platform.linux();
    private static final List<BpfMap> MAPS = List.of(
            new BpfMap(0, "counts", MapKind.BTF, 1, 4, 8, 1024, 0, new byte[0]),
            new BpfMap(1, "socks", MapKind.BTF, 15, 4, 8, 16, 0, new byte[0]));

    /** bpf_skb_load_bytes(ctx, 0, fp-8, 8): r1 is the context on entry. */
    private static final String SKB_LOAD_BYTES = """
            r2 = 0
            r3 = r10
            r3 += -8
            r4 = 8
            call 26
            r0 = 0
            exit
            """;

    private static final String XDP_ADJUST_HEAD = """
            r2 = 0
            call 44
            r0 = 0
            exit
            """;

    private static final String GET_CURRENT_PID_TGID = """
            call 14
            r0 = 0
            exit
            """;

    @Test
    void skbLoadBytesFromTcIsAccepted() {
        accepted(SKB_LOAD_BYTES, "tc");
    }

    @Test
    void skbLoadBytesFromXdpIsRejectedNamingTheHelperAndTheType() {
        Violation v = rejected(SKB_LOAD_BYTES, "xdp", 4, ObligationKind.KNOWN_CALL);
        assertTrue(v.message().contains("bpf_skb_load_bytes (helper 26) is not available to xdp programs"), v.message());
        assertTrue(v.message().contains("context struct xdp_md"), v.message());
        assertTrue(v.message().contains("__sk_buff"), "says which contexts it takes: " + v.message());
    }

    @Test
    void xdpAdjustHeadFromTcIsRejectedAndFromXdpAccepted() {
        Violation v = rejected(XDP_ADJUST_HEAD, "tc", 1, ObligationKind.KNOWN_CALL);
        assertTrue(v.message().contains("bpf_xdp_adjust_head (helper 44) is not available to tc programs"), v.message());
        accepted(XDP_ADJUST_HEAD, "xdp");
    }

    @Test
    void mapLookupIsAvailableToEveryProgramType() {
        for (ProgramType t : LINUX.types()) {
            long ret = t.returnRange().map(r -> Math.max(r.min(), 0)).orElse(0L);
            accepted("""
                    r1 = 0
                    *(u32 *)(r10 - 4) = r1
                    r2 = r10
                    r2 += -4
                    r1 = map[idx:0] ll
                    call 1
                    r0 = %d
                    exit
                    """.formatted(ret), t.name());
        }
    }

    @Test
    void getCurrentPidTgidIsABaseHelperFor618PrivilegedLoadersButNotForLircMode2() {
        // Since Linux 6.10 bpf_base_func_proto (kernel/bpf/helpers.c) hands bpf_get_current_pid_tgid to
        // every program type that falls back to it, before its capability checks; the 6.18 kernel here
        // accepted it from XDP. lirc_mode2 has its own list without it.
        accepted(GET_CURRENT_PID_TGID, "xdp");
        accepted(GET_CURRENT_PID_TGID, "kprobe");
        rejected(GET_CURRENT_PID_TGID, "lirc_mode2", 0, ObligationKind.KNOWN_CALL);
    }

    @Test
    void aProgramOfUnknownTypeIsNotCheckedAgainstTypeTables() {
        VerificationResult r = verify(XDP_ADJUST_HEAD, VerifierOptions.linux(), "unknown_section");
        if (r instanceof VerificationResult.Rejected rej) {
            assertTrue(rej.violations().stream().noneMatch(v -> v.kind() == ObligationKind.KNOWN_CALL), rej.violations().toString());
        }
    }

    private static final String SOCKMAP_DELETE = """
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            r1 = map[idx:1] ll
            call 3
            r0 = %d
            exit
            """;

    @Test
    void sockmapDeleteIsAllowedFromSockopsAndTcButNotFromKprobe() {
        accepted(SOCKMAP_DELETE.formatted(1), "sockops");
        accepted(SOCKMAP_DELETE.formatted(0), "tc");
        Violation v = rejected(SOCKMAP_DELETE.formatted(0), "kprobe", 6, ObligationKind.HELPER_ARGUMENT);
        assertTrue(v.message().contains("map socks of type sockmap, which map_delete_elem may not take from kprobe programs"),
                v.message());
    }

    private static final String SOCKMAP_UPDATE_FROM_STACK = """
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            *(u64 *)(r10 - 16) = r1
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 0
            r1 = map[idx:1] ll
            call 2
            r0 = %d
            exit
            """;

    @Test
    void sockmapUpdateIsRefusedFromSockopsAndNeedsASocketEverywhere() {
        Violation v = rejected(SOCKMAP_UPDATE_FROM_STACK.formatted(1), "sockops", 10, ObligationKind.HELPER_ARGUMENT);
        assertTrue(v.message().contains("may not take from sockops programs"), v.message());
        Violation w = rejected(SOCKMAP_UPDATE_FROM_STACK.formatted(0), "tc", 10, ObligationKind.HELPER_ARGUMENT);
        assertTrue(w.message().contains("must be a non-null socket"), w.message());
    }

    @Test
    void sockmapUpdateWithALookedUpSocketFromTcIsAccepted() {
        accepted("""
                r6 = r1
                r1 = 0
                *(u64 *)(r10 - 16) = r1
                *(u32 *)(r10 - 8) = r1
                *(u32 *)(r10 - 20) = r1
                r1 = r6
                r2 = r10
                r2 += -16
                r3 = 12
                r4 = -1
                r5 = 0
                call 84
                if r0 == 0 goto +10
                r7 = r0
                r2 = r10
                r2 += -20
                r3 = r7
                r4 = 0
                r1 = map[idx:1] ll
                call 2
                r1 = r7
                call 86
                r0 = 0
                exit
                """, "tc");
    }

    private static VerificationResult verify(String asm, VerifierOptions options, String section) {
        BpfProgram p = new BpfProgram("prog", section, Fixture.assemble(asm), List.of(), List.of(), List.of());
        return Verifier.verify(new BpfObject(List.of(), List.of(p), MAPS, "GPL"), p, options);
    }

    private static VerificationResult verify(String asm, String type) {
        ProgramType t = LINUX.type(type).orElseThrow(() -> new AssertionError("no program type " + type));
        return verify(asm, VerifierOptions.linux().withType(t), t.sectionPrefixes().isEmpty() ? type : t.sectionPrefixes().getFirst());
    }

    private static void accepted(String asm, String type) {
        if (verify(asm, type) instanceof VerificationResult.Rejected rej) {
            fail(type + ": expected acceptance, got:\n" + String.join("\n", rej.violations().stream().map(Violation::toString).toList()));
        }
    }

    private static Violation rejected(String asm, String type, int pc, ObligationKind kind) {
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, verify(asm, type), type + ": expected a rejection");
        String all = String.join("\n", rej.violations().stream().map(Violation::toString).toList());
        Violation v = rej.violations().getFirst();
        assertEquals(pc, v.pc(), all);
        assertEquals(kind, v.kind(), all);
        return v;
    }
}
