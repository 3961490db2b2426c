package dev.warden.verifier;

import static dev.warden.verifier.Fixture.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

/**
 * An iterator's key and value ({@code iter/bpf_map_elem}) are sized by the map it will be attached
 * to: the verifier records the largest extent accessed through each (as the kernel's
 * max_rdonly_access / max_rdwr_access), and the attachment must check it.
 */
class IteratorBuffersTest {
    private static VerifierOptions iterator() {
        VerifierOptions linux = VerifierOptions.linux();
        return linux.withType(linux.platform().typeForSection("iter/bpf_map_elem").orElseThrow());
    }

    /** Reads 8 bytes of the key at 0 and writes 4 bytes of the value at offset %s, both after null checks. */
    private static final String KEY_AND_VALUE = """
            r2 = *(u64 *)(r1 + 16)
            r3 = *(u64 *)(r1 + 24)
            r0 = 0
            if r2 == 0 goto +4
            if r3 == 0 goto +3
            r4 = *(u64 *)(r2 + 0)
            r5 = 1
            *(u32 *)(r3 %s) = r5
            exit
            """;

    @Test
    void theLargestExtentsReadThroughKeyAndValueAreRecorded() {
        VerificationResult r = Fixture.verify(KEY_AND_VALUE.formatted("+ 20"), iterator());
        VerifiedProgram p = assertInstanceOf(VerificationResult.Verified.class, r, () -> r.toString()).program();
        assertEquals(8, p.requiredIteratorKeySize());
        assertEquals(24, p.requiredIteratorValueSize());
    }

    @Test
    void aNegativeOffsetIsRejected() {
        rejected(KEY_AND_VALUE.formatted("- 4"), iterator(), 7, ObligationKind.VALID_ACCESS, "an iterator's value");
    }

    @Test
    void theKeyIsReadOnly() {
        rejected("""
                r2 = *(u64 *)(r1 + 16)
                r0 = 0
                if r2 == 0 goto +2
                r5 = 1
                *(u32 *)(r2 + 0) = r5
                exit
                """, iterator(), 4, ObligationKind.VALID_ACCESS, "read-only");
    }

    @Test
    void theBuffersMayBeNull() {
        rejected("""
                r3 = *(u64 *)(r1 + 24)
                r0 = *(u64 *)(r3 + 0)
                r0 = 0
                exit
                """, iterator(), 1, ObligationKind.NON_NULL, "may be null");
    }
}
