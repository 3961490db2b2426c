package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code bpf_tail_call} from a subprogram that jumps ends the subprogram with the target's r0 (Linux
 * since 5.10, and Warden's engines): the caller must see an unknown number after the call, not only
 * what the subprogram itself returns, and no packet pointer (the target may have moved the packet). Twin
 * programs, on the Linux platform: the same caller is accepted when the subprogram cannot tail-call
 * and rejected when it can.
 */
class TailCallsFromSubprogramsTest {
    private static final List<BpfMap> MAPS = List.of(
            new BpfMap(0, "jumps", MapKind.BTF, 3, 4, 4, 4, 0, new byte[0]),
            new BpfMap(1, "values", MapKind.BTF, 2, 4, 8, 4, 0, new byte[0]));

    /** The caller indexes an 8-byte map value with the subprogram's result, in bounds only if that is 3. */
    private static final String INDEX_BY_THE_RESULT = """
            r6 = r1
            *(u32 *)(r10 - 4) = 0
            r2 = r10
            r2 += -4
            r1 = map[idx:1] ll
            call 1
            if r0 == 0 goto out
            r7 = r0
            r1 = r6
            call local sub
            r7 += r0
            r0 = *(u8 *)(r7 + 0)
            out:
            r0 = 2
            exit
            sub:
            %s
            r0 = 3
            exit
            """;

    private static final String TAIL_CALL = """
            r2 = map[idx:0] ll
            r3 = 0
            call 12
            """;

    /** The caller keeps a checked packet pointer across the call and reads through it afterwards. */
    private static final String PACKET_POINTER_ACROSS_THE_CALL = """
            r6 = r1
            r7 = *(u32 *)(r6 + 0)
            r8 = *(u32 *)(r6 + 4)
            r2 = r7
            r2 += 8
            if r2 > r8 goto out
            r1 = r6
            call local sub
            r0 = *(u8 *)(r7 + 0)
            out:
            r0 = 2
            exit
            sub:
            %s
            r0 = 0
            exit
            """;

    /** A subprogram {@code sub} that tail-calls slot 0 and returns 0. */
    private static final String SUBPROGRAM = "sub:\n" + TAIL_CALL + "r0 = 0\nexit\n";

    /** The entry's frame reaches {@code fp-%d}; it calls a subprogram that tail-calls. */
    static final String CALLER_STACK = """
            r2 = 42
            *(u64 *)(r10 - %d) = r2
            call local sub
            r0 = 0
            exit
            """ + SUBPROGRAM;

    /** Two frames below the tail call: the entry's (128 bytes) and a middle function's (fp-%d, rounded up to 16). */
    static final String TWO_FRAMES_BELOW = """
            *(u64 *)(r10 - 128) = r1
            call local middle
            r0 = 0
            exit
            middle:
            r2 = 7
            *(u64 *)(r10 - %d) = r2
            call local sub
            exit
            """ + SUBPROGRAM;

    @Test
    void theKernelsStackRuleForMixedProgramsHolds() {
        accepted(CALLER_STACK.formatted(240));
        Violation v = rejected(CALLER_STACK.formatted(256), 2);
        assertEquals(ObligationKind.CALL_DEPTH, v.kind(), v.toString());
        assertTrue(v.message().startsWith("tail_calls are not allowed when call stack of previous frames is 256 bytes. Too large"),
                v.toString());
        accepted(TWO_FRAMES_BELOW.formatted(112));
        Violation two = rejected(TWO_FRAMES_BELOW.formatted(128), 6);
        assertTrue(two.message().startsWith("tail_calls are not allowed when call stack of previous frames is 256 bytes"), two.toString());
        // The same frames without a tail call: only Warden's 512 bytes per frame apply.
        accepted(TWO_FRAMES_BELOW.formatted(128).replace("call 12", "call 5"));
    }

    private static VerificationResult verify(String asm) {
        BpfProgram p = new BpfProgram("prog", "xdp", Fixture.assemble(asm), List.of(), List.of(), List.of());
        return Verifier.verify(new BpfObject(List.of(), List.of(p), MAPS, "GPL"), p, VerifierOptions.linux());
    }

    private static void accepted(String asm) {
        if (verify(asm) instanceof VerificationResult.Rejected r) {
            fail("expected acceptance, got:\n" + String.join("\n", r.violations().stream().map(Violation::toString).toList()));
        }
    }

    private static Violation rejected(String asm, int pc) {
        VerificationResult.Rejected r = assertInstanceOf(VerificationResult.Rejected.class, verify(asm));
        Violation v = r.violations().getFirst();
        assertEquals(pc, v.pc(), String.join("\n", r.violations().stream().map(Violation::toString).toList()));
        return v;
    }

    @Test
    void aResultTheCallerReliesOnIsAnyNumberOnceTheSubprogramCanTailCall() {
        accepted(INDEX_BY_THE_RESULT.formatted(""));
        // pc 12 (after the lddw's second slot): the load through the value pointer plus an unknown number.
        Violation v = rejected(INDEX_BY_THE_RESULT.formatted(TAIL_CALL), 12);
        assertEquals(ObligationKind.VALID_ACCESS, v.kind(), v.toString());
    }

    @Test
    void aPacketPointerDoesNotSurviveACallThatCanTailCall() {
        accepted(PACKET_POINTER_ACROSS_THE_CALL.formatted(""));
        Violation v = rejected(PACKET_POINTER_ACROSS_THE_CALL.formatted(TAIL_CALL), 8);
        assertTrue(v.message().contains("r7") || v.message().contains("R7") || v.message().contains("pointer"), v.toString());
    }
}
