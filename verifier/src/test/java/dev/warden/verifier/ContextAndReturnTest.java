package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContextAndReturnTest {
    @Test
    void scalarContextFieldsMayBeReadNarrowly() {
        accepted("""
                r2 = *(u32 *)(r1 + 20)
                r3 = *(u16 *)(r1 + 12)
                r0 = 0
                exit
                """);
    }

    @Test
    void readPastTheLastFieldIsRejected() {
        rejected("""
                r2 = *(u32 *)(r1 + 24)
                r0 = 0
                exit
                """, 0, ObligationKind.VALID_ACCESS, "offset 24 of struct xdp_md is not inside a field");
    }

    @Test
    void readOnlyFieldCannotBeWritten() {
        rejected("""
                *(u32 *)(r1 + 12) = 1
                r0 = 0
                exit
                """, 0, ObligationKind.VALID_ACCESS, "xdp_md.ingress_ifindex may not be written");
    }

    @Test
    void pointerFieldMustBeLoadedWhole() {
        rejected("""
                r2 = *(u16 *)(r1 + 0)
                r0 = 0
                exit
                """, 0, ObligationKind.VALID_ACCESS, "xdp_md.data is a pointer field");
    }

    @Test
    void withoutAProgramTypeTheContextCannotBeRead() {
        VerifierOptions noType = new VerifierOptions(Fixture.PLATFORM, Optional.empty(), Privilege.PRIVILEGED,
                Termination.PROOF, 1000, 0);
        VerificationResult r = Verifier.verify(Fixture.assemble("r2 = *(u32 *)(r1 + 0)\nr0 = 0\nexit"), noType);
        Violation v = assertInstanceOf(VerificationResult.Rejected.class, r).violations().getFirst();
        assertEquals(0, v.pc());
        assertEquals(ObligationKind.TYPE, v.kind());
        assertTrue(v.message().contains("program type is unknown"), v.message());
    }

    @Test
    void returnValueOutsideTheTypesRangeIsRejected() {
        accepted("r0 = 4\nexit");
        rejected("r0 = 5\nexit", 1, ObligationKind.RETURN_RANGE, "must return a value in [0, 4], but R0 may be scalar=5");
    }

    @Test
    void divisionByARegisterThatMayBeZeroIsFine() {
        accepted("""
                r2 = *(u32 *)(r1 + 12)
                r0 = 100
                r0 /= r2
                r0 %= r2
                r0 &= 3
                exit
                """);
    }

    @Test
    void dereferencingANumberIsATypeViolation() {
        rejected("""
                r2 = *(u32 *)(r1 + 12)
                r0 = *(u8 *)(r2 + 0)
                r0 = 0
                exit
                """, 1, ObligationKind.TYPE, "R2 is a number");
    }

    @Test
    void unknownHelperAndKfuncAreRejected() {
        rejected("call 999\nr0 = 0\nexit", 0, ObligationKind.KNOWN_CALL, "helper 999 is not known to the platform");
        rejected("call kfunc 77\nr0 = 0\nexit", 0, ObligationKind.KNOWN_CALL, "kfunc (BTF id 77) is not known to the platform");
    }

    @Test
    void helperSizeBoundedByABranchIsAccepted() {
        accepted(PRINTK.formatted(16, "if r2 == 0 goto +4"));
    }

    @Test
    void helperSizeOneTooLargeIsRejected() {
        rejected(PRINTK.formatted(17, "if r2 == 0 goto +4"), 11, ObligationKind.VALID_ACCESS,
                "stack access of 17 bytes at fp-16");
    }

    @Test
    void helperSizeThatMayBeZeroIsRejected() {
        rejected(PRINTK.formatted(16, "r0 = 0"), 11, ObligationKind.HELPER_ARGUMENT, "R2 (argument 2 of bpf_trace_printk) is a size that may be 0");
    }

    private static final String PRINTK = """
            r6 = r1
            r1 = 0
            *(u64 *)(r10 - 16) = r1
            *(u64 *)(r10 - 8) = r1
            r2 = *(u32 *)(r6 + 12)
            r0 = 0
            if r2 > %d goto +5
            %s
            r1 = r10
            r1 += -16
            r3 = 0
            call 6
            r0 = 0
            exit
            """;
}
