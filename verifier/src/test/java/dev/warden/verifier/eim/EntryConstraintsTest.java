package dev.warden.verifier.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.isa.asm.Assembler;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An entry's constraints: on its arguments, what the host guarantees (assumed at the entry, so
 * a length bounds the accesses it guards); on {@code rtn}, what the extension must return
 * (proved at every exit).
 */
class EntryConstraintsTest {
    static final String POLICY = """
            struct Buf { u8 bytes[64]; };
            Extension_Entry(name = "e", extension_entry = "hook", prototype = (Buf *b, u32 len) -> int,
                constraints = { len <= 64, rtn in [0, 1] })
            Extension_Class(name = "c", extension_entry = "e", allowed = { read(b) })
            """;

    static VerificationResult verify(String asm) throws Exception {
        ParseResult parsed = Eim.parse("entry.eim", POLICY, Path.of("."));
        assertTrue(!parsed.hasErrors(), parsed.diagnostics().toString());
        EimPlatform eim = ((EimPlatform.Built.Ok) EimPlatform.forClass(parsed, "c")).platform();
        return Verifier.verify(Assembler.assemble(asm), VerifierOptions.linux(), eim);
    }

    @Test
    void theHostsGuaranteeOnALengthBoundsTheAccessItGuards() throws Exception {
        VerificationResult r = verify("""
                r0 = 0
                if r2 == 0 goto +3
                r2 += -1
                r1 += r2
                r0 = *(u8 *)(r1 + 0)
                r0 &= 1
                exit
                """);
        assertInstanceOf(VerificationResult.Verified.class, r, () -> r instanceof VerificationResult.Rejected rej
                ? rej.violations().toString() : "");
    }

    @Test
    void aHostAccessTheDomainsCannotBoundIsProvedByZ3OverThePath() throws Exception {
        // r3 = r2 - 1 is bounded, r2 is used: the intervals lose the relation (r2 stays [0, 255]),
        // the path condition keeps it (r2 in [1, 56]), so the 8-byte read stays in the 64 bytes.
        VerificationResult r = verify("""
                r2 = *(u8 *)(r1 + 0)
                r3 = r2
                r3 += -1
                r0 = 0
                if r3 > 55 goto +3
                r1 += r2
                r0 = *(u64 *)(r1 + 0)
                r0 &= 1
                exit
                """);
        VerificationResult.Verified v = assertInstanceOf(VerificationResult.Verified.class, r, () -> r instanceof VerificationResult.Rejected rej
                ? rej.violations().toString() : "");
        assertTrue(v.stats().z3Queries() > 0, "expected Z3 to be asked: " + v.stats());
        // The twin: one more allowed (r2 up to 57) and the last byte read is byte 64.
        VerificationResult twin = verify("""
                r2 = *(u8 *)(r1 + 0)
                r3 = r2
                r3 += -1
                r0 = 0
                if r3 > 56 goto +3
                r1 += r2
                r0 = *(u64 *)(r1 + 0)
                r0 &= 1
                exit
                """);
        assertInstanceOf(VerificationResult.Rejected.class, twin);
    }

    @Test
    void theReturnConstraintIsProvedAtEveryExit() throws Exception {
        VerificationResult r = verify("""
                r0 = *(u8 *)(r1 + 0)
                exit
                """);
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r);
        Violation v = rej.violations().getFirst();
        assertEquals(ObligationKind.CONSTRAINT, v.kind());
        assertEquals("the extension may return rtn = 2; entry 'e' requires rtn in [0, 1] (entry.eim:3)", v.message());
    }
}
