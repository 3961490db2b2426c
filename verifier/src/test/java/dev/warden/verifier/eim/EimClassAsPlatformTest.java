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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A class of an EIM policy as the verifier's platform, on assembly programs (host variables are
 * {@code btf_var[N]}, the N-th host declaration; host functions {@code call kfunc N}, the N-th
 * host function the policy binds): what each grant lets a program do, and the violation each
 * missing grant gives, in the policy's words.
 */
class EimClassAsPlatformTest {
    static final String POLICY = """
            struct Cfg { u32 level; u32 mode; u64 hits; };
            host Cfg cfg;
            host u64 counter;
            State_Capability(name = "readLevel", operation = read(cfg.level))
            State_Capability(name = "setMode", operation = write(cfg.mode), constraints = { value in [0, 3] })
            Function_Capability(name = "fsyncNow", prototype = (int fd) -> int, constraints = { fd >= 0, rtn <= 0 })
            Function_Capability(name = "copyOut", prototype = (char *buf, u32 n) -> void, constraints = { readable(buf, n), n <= 64 })
            Function_Capability(name = "clock", helper = 5, prototype = (void) -> u64)
            Extension_Entry(name = "e", extension_entry = "hook", prototype = (u8 *data, u64 len) -> u64)
            Extension_Class(name = "tuner", extension_entry = "e",
                allowed = { stack <= 64, instructions < 1000, readLevel, setMode, fsyncNow, copyOut, read(data) })
            Extension_Class(name = "tiny", extension_entry = "e", allowed = { instructions < 5 })
            """;

    static EimPlatform platform(String className) {
        return platform("t.eim", POLICY, className);
    }

    /** Class {@code className} of policy text {@code policy}, named {@code file} in messages. */
    static EimPlatform platform(String file, String policy, String className) {
        ParseResult parsed = Eim.parse(file, policy, Path.of("."));
        assertTrue(!parsed.hasErrors(), parsed.diagnostics().toString());
        return switch (EimPlatform.forClass(parsed, className)) {
            case EimPlatform.Built.Ok ok -> ok.platform();
            case EimPlatform.Built.Failed f -> throw new AssertionError(f.message());
        };
    }

    static VerificationResult verify(String className, String asm) throws Exception {
        return Verifier.verify(Assembler.assemble(asm), VerifierOptions.linux(), platform(className));
    }

    static void accepted(String asm) throws Exception {
        accepted(verify("tuner", asm));
    }

    static void accepted(VerificationResult r) {
        assertInstanceOf(VerificationResult.Verified.class, r, () -> r instanceof VerificationResult.Rejected rej
                ? rej.violations().toString() : "");
    }

    static Violation rejected(String className, String asm, ObligationKind kind, String words) throws Exception {
        return rejected(verify(className, asm), kind, words);
    }

    /** The violation of {@code kind} whose message contains {@code words}, of a rejection. */
    static Violation rejected(VerificationResult r, ObligationKind kind, String words) {
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r, "accepted, expected " + kind);
        List<Violation> v = rej.violations();
        return v.stream().filter(x -> x.kind() == kind && x.message().contains(words)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " violation containing \"" + words + "\": " + v));
    }

    @Test
    void grantedReadsWritesAndCallsAreAccepted() throws Exception {
        accepted("""
                r6 = btf_var[0] ll
                r1 = *(u32 *)(r6 + 0)
                if r1 > 3 goto +1
                *(u32 *)(r6 + 4) = r1
                r1 = 3
                call kfunc 0
                r0 = 0
                exit
                """);
    }

    @Test
    void anArgumentConstraintIsAnObligationAtTheCallWithAWitness() throws Exception {
        Violation v = rejected("tuner", """
                r1 = -1
                call kfunc 0
                r0 = 0
                exit
                """, ObligationKind.CONSTRAINT, "");
        assertEquals("call fsyncNow may pass fd = -1; the class 'tuner' allows it only with fd >= 0 (t.eim:6)", v.message());
    }

    @Test
    void aReturnConstraintIsAssumedAfterTheCall() throws Exception {
        // rtn <= 0: the branch to the ungranted write of cfg.hits is never taken.
        accepted("""
                r1 = 1
                call kfunc 0
                if r0 s> 0 goto +2
                r0 = 0
                exit
                r6 = btf_var[0] ll
                *(u64 *)(r6 + 8) = r0
                r0 = 0
                exit
                """);
    }

    @Test
    void aWriteValueConstraintIsProvedAtTheStore() throws Exception {
        rejected("tuner", """
                r6 = btf_var[0] ll
                r1 = *(u32 *)(r6 + 0)
                if r1 > 4 goto +1
                *(u32 *)(r6 + 4) = r1
                r0 = 0
                exit
                """, ObligationKind.CONSTRAINT, "write of cfg.mode may store value = 4; the class 'tuner' allows it only with value in [0, 3]");
    }

    @Test
    void bytesOutsideTheGrantsAreViolationsNamingTheField() throws Exception {
        rejected("tuner", """
                r6 = btf_var[0] ll
                r0 = *(u64 *)(r6 + 8)
                exit
                """, ObligationKind.VALID_ACCESS, "read of cfg.hits is not granted: the class 'tuner' may read only what readLevel grants (t.eim:10)");
        rejected("tuner", """
                r6 = btf_var[1] ll
                r0 = *(u64 *)(r6 + 0)
                exit
                """, ObligationKind.VALID_ACCESS, "read of counter is not granted: the class 'tuner' may read no byte of counter");
        rejected("tuner", """
                r0 = *(u8 *)(r1 + 1)
                exit
                """, ObligationKind.VALID_ACCESS, "read of 1 bytes at offset 1 of *data is outside u8 (1 bytes)");
    }

    @Test
    void anEntryArgumentGrantAllowsExactlyItsBytes() throws Exception {
        accepted("""
                r0 = *(u8 *)(r1 + 0)
                exit
                """);
        rejected("tuner", """
                r2 = 7
                *(u8 *)(r1 + 0) = r2
                r0 = 0
                exit
                """, ObligationKind.VALID_ACCESS, "the class 'tuner' may write no byte of *data");
    }

    @Test
    void callsTheClassDoesNotGrantAreViolations() throws Exception {
        rejected("tuner", """
                call 5
                exit
                """, ObligationKind.KNOWN_CALL, "call bpf_ktime_get_ns (helper 5) is not granted: the class 'tuner' (t.eim:10) allows no call "
                + "of helper 5; capability 'clock' (t.eim:8) binds it, but the class does not list it");
        rejected("tuner", """
                call kfunc 7
                r0 = 0
                exit
                """, ObligationKind.KNOWN_CALL, "kfunc 7 names no host function of the policy");
        rejected("tuner", """
                r1 = btf_var[5] ll
                r0 = 0
                exit
                """, ObligationKind.TYPE, "btf_var[5] is not a host variable of the policy (it declares 2)");
    }

    @Test
    void readableIsProvedFromTheStateAndRefutedByZ3WhenTheBufferIsTooSmall() throws Exception {
        String call = """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                *(u64 *)(r10 - 16) = r1
                r1 = r10
                r1 += -16
                r2 = %d
                call kfunc 1
                r0 = 0
                exit
                """;
        accepted(call.formatted(16));
        Violation v = rejected("tuner", call.formatted(32), ObligationKind.CONSTRAINT, "the class 'tuner' allows it only with readable(buf, n)");
        assertTrue(v.message().contains("n = 32"), v.message());
    }

    @Test
    void theStackLimitCountsTheDeepestAccess() throws Exception {
        accepted("""
                r1 = 0
                *(u64 *)(r10 - 64) = r1
                r0 = 0
                exit
                """);
        rejected("tuner", """
                r1 = 0
                *(u64 *)(r10 - 72) = r1
                r0 = 0
                exit
                """, ObligationKind.LIMIT, "the extension may use 72 bytes of stack; the class 'tuner' allows stack <= 64 (t.eim:11)");
    }

    @Test
    void theInstructionLimitBoundsTheLongestPath() throws Exception {
        rejected("tiny", """
                r0 = 0
                r0 += 1
                r0 += 1
                r0 += 1
                r0 += 1
                exit
                """, ObligationKind.LIMIT, "a run may execute up to 6 instructions (loop bounds times their bodies, along the longest path, calls included); the class 'tiny' allows instructions < 5");
        VerificationResult r = verify("tiny", """
                r0 = 0
                r0 += 1
                exit
                """);
        assertInstanceOf(VerificationResult.Verified.class, r);
    }

    @Test
    void anEntryThatReturnsAValueNeedsR0() throws Exception {
        rejected("tuner", "exit\n", ObligationKind.INITIALISED, "R0 (the return value) is not set");
    }
}
