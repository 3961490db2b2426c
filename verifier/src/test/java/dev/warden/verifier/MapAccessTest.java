package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.rejected;

import org.junit.jupiter.api.Test;

class MapAccessTest {
    private static final String LOOKUP = """
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            r1 = map[idx:0] ll
            call 1
            %s
            r1 = *(u64 *)(r0 + %d)
            r0 = 0
            exit
            """;

    @Test
    void lookupCheckedAgainstNullMayBeDereferenced() {
        accepted(LOOKUP.formatted("if r0 == 0 goto +1", 0));
    }

    @Test
    void lookupNotCheckedAgainstNullIsRejectedWithAdvice() {
        rejected(LOOKUP.formatted("r3 = 1", 0), 8, ObligationKind.NON_NULL,
                "R0 may be null: check the result of bpf_map_lookup_elem (pc 6) against NULL");
    }

    @Test
    void nullCheckOnACopyRefinesTheOriginal() {
        accepted(LOOKUP.formatted("r6 = r0\nif r6 == 0 goto +1", 0).replace("r1 = *(u64 *)(r0", "r1 = *(u64 *)(r0"));
    }

    @Test
    void mapValueReadOffByOneIsRejected() {
        rejected(LOOKUP.formatted("if r0 == 0 goto +1", 1), 8, ObligationKind.VALID_ACCESS,
                "read of 8 bytes at offset 1 of a value of map 'counts' (8 bytes) may be out of bounds");
    }

    @Test
    void keyOnUninitialisedStackIsRejectedForUnprivilegedPrograms() {
        rejected("""
                r2 = r10
                r2 += -4
                r1 = map[idx:0] ll
                call 1
                r0 = 0
                exit
                """, Fixture.options().withPrivilege(Privilege.UNPRIVILEGED), 4, ObligationKind.INITIALISED, "argument 2");
    }

    @Test
    void keyPointerPastTheFrameIsRejected() {
        rejected("""
                r2 = r10
                r2 += -2
                r1 = map[idx:0] ll
                call 1
                r0 = 0
                exit
                """, 4, ObligationKind.VALID_ACCESS, "stack access of 4 bytes at fp-2");
    }

    @Test
    void readOnlyDataGivesItsConstantsAndRefusesWrites() {
        accepted("""
                r1 = map[idx:2][0]+0 ll
                r2 = *(u32 *)(r1 + 0)
                r0 = 0
                if r2 == 5 goto +1
                r0 = *(u64 *)(r0 + 0)
                exit
                """);
        rejected("""
                r1 = map[idx:2][0]+0 ll
                *(u32 *)(r1 + 0) = 1
                r0 = 0
                exit
                """, 2, ObligationKind.VALID_ACCESS, "read-only map '.rodata'");
    }

    @Test
    void ringBufferRecordMustBeSubmittedOnEveryPath() {
        accepted("""
                r1 = map[idx:3] ll
                r2 = 16
                r3 = 0
                call 131
                if r0 == 0 goto +5
                *(u64 *)(r0 + 8) = 1
                r1 = r0
                r2 = 0
                call 132
                r0 = 0
                r0 = 0
                exit
                """);
        rejected("""
                r1 = map[idx:3] ll
                r2 = 16
                r3 = 0
                call 131
                if r0 == 0 goto +1
                *(u64 *)(r0 + 8) = 1
                r0 = 0
                exit
                """, 8, ObligationKind.REFERENCE_RELEASED, "acquired at pc 4");
        rejected("""
                r1 = map[idx:3] ll
                r2 = 16
                r3 = 0
                call 131
                if r0 == 0 goto +5
                *(u64 *)(r0 + 16) = 1
                r1 = r0
                r2 = 0
                call 132
                r0 = 0
                r0 = 0
                exit
                """, 6, ObligationKind.VALID_ACCESS, "16-byte memory region");
    }
}
