package dev.warden.verifier;

import static dev.warden.verifier.Fixture.accepted;
import static dev.warden.verifier.Fixture.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import org.junit.jupiter.api.Test;

/** The proof's invariants, per pc, as a {@link VerifiedProgram} hands them out. */
class InvariantsPerPcTest {
    private static final String BRANCHES = """
            r2 = *(u32 *)(r1 + 12)
            r1 = 5
            r6 = 7
            *(u64 *)(r10 - 8) = r6
            if r2 > 3 goto +1
            r1 = 9
            r0 = 0
            exit
            """;

    private static long lo(Value v) {
        return assertInstanceOf(Value.Num.class, v).scalar().s64().lo();
    }

    private static long hi(Value v) {
        return assertInstanceOf(Value.Num.class, v).scalar().s64().hi();
    }

    @Test
    void eachPcHasTheStateBeforeItWithRegistersAndSpills() {
        VerifiedProgram p = accepted(BRANCHES);
        assertEquals(InvariantDetail.REGISTERS_AND_SPILLS, p.invariantDetail());
        PcInvariant first = p.invariantAt(0).orElseThrow();
        assertInstanceOf(Value.Uninit.class, first.register(0));
        assertInstanceOf(Value.Ptr.class, first.register(1), "r1 is the context at the entry");
        assertEquals(PtrKind.CTX, ((Value.Ptr) first.register(1)).kind());
        PcInvariant atBranch = p.invariantAt(4).orElseThrow();
        assertEquals(5, lo(atBranch.register(1)));
        assertEquals(5, hi(atBranch.register(1)));
        assertEquals(0xffffffffL, hi(atBranch.register(2)), "a 32-bit context field");
        assertEquals(1, atBranch.spills().size(), "the spill of r6");
        assertEquals(7, lo(atBranch.spills().getFirst().value()));
        assertEquals(504, atBranch.spills().getFirst().start());
        assertTrue(atBranch.states().isEmpty(), "full states only on request");
        // After the join of both branch edges r1 is 5 or 9.
        PcInvariant join = p.invariantAt(6).orElseThrow();
        assertEquals(5, lo(join.register(1)));
        assertEquals(9, hi(join.register(1)));
    }

    @Test
    void aPcNoRunReachesHasNoInvariant() {
        VerifiedProgram p = accepted("""
                r0 = 0
                if r0 == 0 goto +1
                r0 = 1
                exit
                """);
        assertTrue(p.invariantAt(2).isEmpty(), "r0 = 1 is dead: the branch is always taken");
        assertTrue(p.invariantAt(3).isPresent());
        assertTrue(p.invariantAt(99).isEmpty());
    }

    @Test
    void fullStatesAreKeptOnRequestOnePerCallingContext() {
        // The callee at pc 5 is analysed with r1 = 1 and with r1 = 2: two contexts.
        String asm = """
                r1 = 1
                call pc+3
                r1 = 2
                call pc+1
                exit
                r0 = r1
                exit
                """;
        VerificationResult r = Fixture.verify(asm, options().withInvariants(InvariantDetail.FULL_STATES));
        VerifiedProgram p = assertInstanceOf(VerificationResult.Verified.class, r).program();
        PcInvariant callee = p.invariantAt(5).orElseThrow();
        assertEquals(2, callee.states().size());
        assertEquals(1, lo(callee.register(1)), "the registers are joined over both contexts");
        assertEquals(2, hi(callee.register(1)));
        assertEquals(1, callee.states().getFirst().depth(), "the callee runs in frame 1 (main is 0)");
    }
}
