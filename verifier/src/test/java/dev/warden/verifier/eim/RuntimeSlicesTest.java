package dev.warden.verifier.eim;

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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Run-time slices: {@code read(data[0, len))} and {@code read(r->uri[0, r->uri_len))} let an
 * extension index the slice below its length, which the verifier proves with a length fact
 * ({@code i <= len - 1} after {@code if i < len}). Each accepted program has unsafe twins that
 * must stay rejected: off by one, the wrong length, the index changed after the check, a signed
 * or 32-bit compare that does not order the values, an array slice read past the array, a length
 * the extension may overwrite.
 */
class RuntimeSlicesTest {
    static final String POLICY = """
            struct Req { u32 uri_len; char uri[64]; u32 status; };
            Extension_Entry(name = "e", extension_entry = "hook", prototype = (u8 *data, u32 len, Req *r, u64 n, int sl) -> u64)
            Extension_Class(name = "reader", extension_entry = "e",
                allowed = { read(data[0, len)), read(r->uri_len), read(r->uri[0, r->uri_len)) })
            Extension_Class(name = "writer", extension_entry = "e", allowed = { write(data[0, len)), read(data[0, len)) })
            Extension_Class(name = "rewrites", extension_entry = "e",
                allowed = { read(r->uri_len), write(r->uri_len), read(r->uri[0, r->uri_len)) })
            Function_Capability(name = "peek", prototype = (Req *q) -> int)
            Extension_Class(name = "callsOut", extension_entry = "e",
                allowed = { peek, read(r->uri_len), read(r->uri[0, r->uri_len)) })
            Extension_Class(name = "signed", extension_entry = "e", allowed = { read(data[0, sl)) })
            Extension_Class(name = "wide", extension_entry = "e", allowed = { read(data[0, n)) })
            """;

    static EimPlatform platform(String className) {
        ParseResult parsed = Eim.parse("slices.eim", POLICY, Path.of("."));
        assertTrue(!parsed.hasErrors(), parsed.diagnostics().toString());
        return switch (EimPlatform.forClass(parsed, className)) {
            case EimPlatform.Built.Ok ok -> ok.platform();
            case EimPlatform.Built.Failed f -> throw new AssertionError(f.message());
        };
    }

    static VerificationResult verify(String className, String asm) {
        try {
            // Loops up to a length of 2^32 take the run's budget: termination is not what is tested here.
            return Verifier.verify(Assembler.assemble(asm), VerifierOptions.linux().withTermination(dev.warden.verifier.Termination.RUNTIME),
                    platform(className));
        } catch (dev.warden.isa.asm.AssemblyException e) {
            throw new AssertionError(e);
        }
    }

    static void accepted(String className, String asm) {
        VerificationResult r = verify(className, asm);
        assertInstanceOf(VerificationResult.Verified.class, r, () -> r instanceof VerificationResult.Rejected rej
                ? rej.violations().toString() : "");
    }

    static Violation rejected(String className, String asm, String words) {
        VerificationResult r = verify(className, asm);
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r, "accepted, expected a rejection");
        List<Violation> v = rej.violations();
        return v.stream().filter(x -> x.kind() == ObligationKind.VALID_ACCESS && x.message().contains(words)).findFirst()
                .orElseThrow(() -> new AssertionError("no valid_access violation containing \"" + words + "\": " + v));
    }

    /** {@code for (i = 0; i < len; i++) sum += data[i];} with the test at the top; {@code %s} is the exit test. */
    static final String SUM_TOP = """
            r0 = 0
            r3 = 0
            loop:
            %s
            r6 = r1
            r6 += r3
            r5 = *(u8 *)(r6 + 0)
            r0 += r5
            r3 += 1
            goto loop
            out:
            exit
            """;

    @Test
    void aLoopBelowTheLengthReadsTheSlice() {
        accepted("reader", SUM_TOP.formatted("if r3 >= r2 goto out"));
        accepted("reader", SUM_TOP.formatted("if r2 <= r3 goto out"));
    }

    @Test
    void offByOneIsRejected() {
        Violation v = rejected("reader", SUM_TOP.formatted("if r3 > r2 goto out"), "read(data[0, len))");
        assertTrue(v.message().contains("up to len"), v.message());
    }

    @Test
    void anIndexBelowAnotherLengthIsRejected() {
        rejected("reader", SUM_TOP.formatted("if r3 >= r4 goto out"), "read(data[0, len))");
    }

    @Test
    void anIndexChangedAfterTheCheckIsRejected() {
        rejected("reader", """
                r0 = 0
                r3 = 0
                loop:
                if r3 >= r2 goto out
                r3 += 1
                r6 = r1
                r6 += r3
                r5 = *(u8 *)(r6 + 0)
                r0 += r5
                goto loop
                out:
                exit
                """, "read(data[0, len))");
    }

    /** The clang shape: skip an empty buffer, then test at the bottom of the loop. */
    static final String SUM_BOTTOM = """
            r0 = 0
            if r2 == 0 goto out
            r3 = 0
            loop:
            r6 = r1
            r6 += r3
            r5 = *(u8 *)(r6 + 0)
            r0 += r5
            r3 += 1
            %s
            out:
            exit
            """;

    @Test
    void aLoopTestedAtTheBottomReadsTheSlice() {
        accepted("reader", SUM_BOTTOM.formatted("if r3 < r2 goto loop"));
        // 32-bit forms of a 32-bit index against a 32-bit length order the same values.
        accepted("reader", SUM_BOTTOM.replace("r3 += 1", "w3 += 1").formatted("if w3 < w2 goto loop"));
    }

    @Test
    void theBottomTestNeedsTheEmptyCheck() {
        rejected("reader", SUM_BOTTOM.replace("if r2 == 0 goto out", "r7 = 0").formatted("if r3 < r2 goto loop"), "read(data[0, len))");
    }

    @Test
    void aSignedCompareOrdersOnlyNonNegativeValues() {
        // i counts up from 0, len is a u32: both non-negative, so i s< len is i < len.
        accepted("reader", SUM_TOP.formatted("if r3 s>= r2 goto out"));
        // An index from the host (any u64): as a signed number it may be negative and pass the test.
        rejected("reader", SUM_TOP.replace("r3 = 0", "r3 = r4").formatted("if r3 s>= r2 goto out"), "read(data[0, len))");
    }

    @Test
    void a32BitCompareOfA64BitIndexIsRejected() {
        rejected("reader", SUM_TOP.replace("r3 = 0", "r3 = r4").formatted("if w3 >= w2 goto out"), "read(data[0, len))");
    }

    @Test
    void aSignedLengthThatMayBeNegativeGrantsNothing() {
        rejected("signed", SUM_TOP.replace("r2", "r5").formatted("if r3 >= r5 goto out"), "");
    }

    @Test
    void aSixtyFourBitLengthWorksWithA64BitIndex() {
        accepted("wide", SUM_TOP.formatted("if r3 >= r4 goto out"));
        rejected("wide", SUM_TOP.formatted("if r3 > r4 goto out"), "read(data[0, n))");
    }

    @Test
    void aConstantIndexNeedsALengthThatCoversIt() {
        accepted("reader", """
                r0 = 0
                if r2 < 4 goto out
                r0 = *(u32 *)(r1 + 0)
                out:
                exit
                """);
        rejected("reader", """
                r0 = 0
                if r2 < 3 goto out
                r0 = *(u32 *)(r1 + 0)
                out:
                exit
                """, "read(data[0, len))");
    }

    @Test
    void aWriteSliceTakesStoresBelowTheLength() {
        String fill = """
                r3 = 0
                loop:
                if r3 >= r2 goto out
                r6 = r1
                r6 += r3
                *(u8 *)(r6 + 0) = 7
                r3 += 1
                goto loop
                out:
                r0 = 0
                exit
                """;
        accepted("writer", fill);
        VerificationResult r = verify("reader", fill);
        assertInstanceOf(VerificationResult.Rejected.class, r);
    }

    /** {@code if (i < r->uri_len && i < 64) c = r->uri[i];}, the length field loaded from the request. */
    @Test
    void anArrayCutByALengthFieldIsReadBelowBoth() {
        String body = """
                r6 = 0
                loop:
                if r6 >= r7 goto out
                if r6 > 63 goto out
                r9 = r3
                r9 += r6
                r5 = *(u8 *)(r9 + 4)
                r0 += r5
                r6 += 1
                goto loop""";
        accepted("reader", program(body));
        // Without "i < 64" the index may pass the array's end when uri_len > 64.
        rejected("reader", program(body.replace("if r6 > 63 goto out", "r8 = 0")), "read(r->uri[0, r->uri_len))");
        // A length the class may overwrite is not the length the grant was cut by.
        rejected("rewrites", program(body), "");
        // Nor one a granted call could overwrite, given a pointer (host memory changes only so:
        // the host API hands the extension copies of the argument objects).
        rejected("callsOut", program(body), "");
    }

    private static String program(String body) {
        return """
                r0 = 0
                r7 = *(u32 *)(r3 + 0)
                %s
                out:
                exit
                """.formatted(body);
    }
}
