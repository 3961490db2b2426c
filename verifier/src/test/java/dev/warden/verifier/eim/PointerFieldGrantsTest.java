package dev.warden.verifier.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.asm.Assembler;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import dev.warden.verifier.state.Nullness;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Grants through pointer fields ({@code read(*r->hdr)}, {@code read(r->hdr->len)}): a pointer
 * field some grant goes through loads as a pointer to its own host object, null unless the entry
 * promises {@code non_null}; every acceptance here has an unsafe twin that is rejected.
 */
class PointerFieldGrantsTest {
    // Header: len 0, name 4..31, next 32 (40 bytes). Request: status 0, flags 4, hdr 8, alt 16, body 24, body_len 32 (40 bytes).
    static final String POLICY = """
            struct Header { u32 len; char name[28]; Header *next; };
            struct Request { u32 status; u32 flags; Header *hdr; Header *alt; u8 *body; u64 body_len; };
            Extension_Entry(name = "e", extension_entry = "hook", prototype = (Request *r) -> int)
            Extension_Entry(name = "sure", extension_entry = "hook2", prototype = (Request *r) -> int, constraints = { non_null(r->hdr) })
            Extension_Class(name = "maybe", extension_entry = "e",
                allowed = { read(r->status), read(*r->hdr), write(r->hdr->len), read(*r->hdr->next), read(r->body[0, 16)) })
            Extension_Class(name = "sure", extension_entry = "sure", allowed = { read(r->hdr->len) })
            Extension_Class(name = "writer", extension_entry = "e", allowed = { write(r), read(*r->hdr) })
            Extension_Class(name = "reader", extension_entry = "e", allowed = { read(r) })
            """;

    static EimPlatform platform(String className) {
        return EimClassAsPlatformTest.platform("p.eim", POLICY, className);
    }

    static VerificationResult verify(String className, String asm) throws Exception {
        return Verifier.verify(Assembler.assemble(asm), VerifierOptions.linux(), platform(className));
    }

    static void accepted(String className, String asm) throws Exception {
        EimClassAsPlatformTest.accepted(verify(className, asm));
    }

    static Violation rejected(String className, String asm, ObligationKind kind, String words) throws Exception {
        return EimClassAsPlatformTest.rejected(verify(className, asm), kind, words);
    }

    @Test
    void theObjectsReachedThroughFieldsAreNumberedAfterTheOthersOnePerPath() {
        EimPlatform eim = platform("maybe");
        assertEquals(List.of("*r", "*r->hdr", "*r->hdr->next", "*r->body"), eim.objects().stream().map(HostObject::name).toList());
        assertEquals(List.of("r->hdr: 0+8 -> 1", "r->hdr->next: 1+32 -> 2", "r->body: 0+24 -> 3"), eim.pointerFields().stream()
                .map(f -> f.path() + ": " + f.parent() + "+" + f.offset() + " -> " + f.target()).toList());
        assertEquals(40, eim.object(1).size());
        assertEquals(16, eim.object(3).size(), "a u8 buffer is as long as its literal slice");
        assertEquals(Nullness.MAYBE_NULL, eim.pointerFields().getFirst().nullness());
        assertEquals(Nullness.NOT_NULL, platform("sure").pointerFields().getFirst().nullness());
        assertEquals(List.of(), platform("reader").pointerFields(), "no grant goes through a field of the reader");
    }

    @Test
    void aNullCheckedPointerFieldReadsItsGrantedBytes() throws Exception {
        accepted("maybe", """
                r2 = *(u64 *)(r1 + 8)
                if r2 == 0 goto +3
                r0 = *(u32 *)(r2 + 0)
                r3 = *(u8 *)(r2 + 31)
                *(u32 *)(r2 + 0) = r3
                r0 = 0
                exit
                """);
    }

    @Test
    void anUncheckedPointerFieldIsMaybeNull() throws Exception {
        rejected("maybe", """
                r2 = *(u64 *)(r1 + 8)
                r0 = *(u32 *)(r2 + 0)
                r0 = 0
                exit
                """, ObligationKind.NON_NULL, "R2 may be null: check r->hdr (loaded at pc 0) against NULL before using it, or have the entry promise non_null(r->hdr)");
    }

    @Test
    void aPromisedPointerNeedsNoCheckButOnlyItsGrantedBytes() throws Exception {
        accepted("sure", """
                r2 = *(u64 *)(r1 + 8)
                r0 = *(u32 *)(r2 + 0)
                r0 = 0
                exit
                """);
        rejected("sure", """
                r2 = *(u64 *)(r1 + 8)
                r0 = *(u8 *)(r2 + 7)
                r0 = 0
                exit
                """, ObligationKind.VALID_ACCESS, "read of r->hdr->name[3] is not granted: the class 'sure' may read only what read(r->hdr->len) grants");
    }

    @Test
    void anAccessPastThePointeeIsOutsideIt() throws Exception {
        rejected("maybe", """
                r2 = *(u64 *)(r1 + 8)
                if r2 == 0 goto +1
                r0 = *(u32 *)(r2 + 40)
                r0 = 0
                exit
                """, ObligationKind.VALID_ACCESS, "read of 4 bytes at offset 40 of *r->hdr is outside Header (40 bytes)");
        rejected("maybe", """
                r2 = *(u64 *)(r1 + 8)
                if r2 == 0 goto +1
                *(u8 *)(r2 + 4) = 1
                r0 = 0
                exit
                """, ObligationKind.VALID_ACCESS, "write of r->hdr->name[0] is not granted: the class 'maybe' may write only what write(r->hdr->len) grants");
    }

    @Test
    void twoLevelsAndABufferBehindAPointer() throws Exception {
        accepted("maybe", """
                r2 = *(u64 *)(r1 + 8)
                if r2 == 0 goto +6
                r3 = *(u64 *)(r2 + 32)
                if r3 == 0 goto +4
                r0 = *(u32 *)(r3 + 0)
                r4 = *(u64 *)(r1 + 24)
                if r4 == 0 goto +1
                r0 = *(u8 *)(r4 + 15)
                r0 = 0
                exit
                """);
        rejected("maybe", """
                r2 = *(u64 *)(r1 + 8)
                if r2 == 0 goto +4
                r3 = *(u64 *)(r2 + 32)
                if r3 == 0 goto +2
                *(u32 *)(r3 + 0) = 1
                r0 = 0
                exit
                """, ObligationKind.VALID_ACCESS, "write of r->hdr->next->len is not granted: the class 'maybe' may write no byte of *r->hdr->next");
        rejected("maybe", """
                r4 = *(u64 *)(r1 + 24)
                if r4 == 0 goto +1
                r0 = *(u8 *)(r4 + 16)
                r0 = 0
                exit
                """, ObligationKind.VALID_ACCESS, "read of 1 bytes at offset 16 of *r->body is outside u8 (16 bytes)");
    }

    @Test
    void aPartialLoadOfThePointerIsANumber() throws Exception {
        rejected("maybe", """
                r2 = *(u32 *)(r1 + 8)
                r0 = *(u32 *)(r2 + 0)
                r0 = 0
                exit
                """, ObligationKind.TYPE, "R2 is a number");
    }

    @Test
    void aFieldNoGrantGoesThroughIsANumber() throws Exception {
        rejected("reader", """
                r2 = *(u64 *)(r1 + 8)
                if r2 == 0 goto +1
                r0 = *(u32 *)(r2 + 0)
                r0 = 0
                exit
                """, ObligationKind.TYPE, "R2 is a number");
    }

    @Test
    void thePointerItselfMayNotBeOverwrittenEvenUnderAWholeObjectWrite() throws Exception {
        accepted("writer", """
                *(u32 *)(r1 + 0) = 7
                *(u64 *)(r1 + 16) = 0
                r0 = 0
                exit
                """);
        rejected("writer", """
                *(u64 *)(r1 + 8) = 0
                r0 = 0
                exit
                """, ObligationKind.VALID_ACCESS, "write of r->hdr would change r->hdr, the pointer through which the class 'writer' reaches *r->hdr: no class may write it");
    }

    @Test
    void aLoadedPointerMayNotBeStoredIntoHostMemory() throws Exception {
        rejected("maybe", """
                r2 = *(u64 *)(r1 + 8)
                if r2 == 0 goto +1
                *(u32 *)(r2 + 0) = r2
                r0 = 0
                exit
                """, ObligationKind.NO_POINTER_LEAK, "a pointer may not be stored into host memory (*r->hdr)");
    }
}
