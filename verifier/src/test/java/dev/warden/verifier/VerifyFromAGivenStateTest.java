package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.domains.Scalar;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.StackByte;
import dev.warden.verifier.state.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Verifier#verifyFrom}: the analysis starts from the given state, uses its facts, and no more. */
class VerifyFromAGivenStateTest {
    /** Reads map 1's 16-byte value at offset r6: in bounds exactly when r6 is at most 8 (the load is pc 8). */
    private static final String READ_AT_R6 = """
            r1 = map[idx:1] ll
            *(u32 *)(r10 - 4) = 0
            r2 = r10
            r2 += -4
            call 1
            if r0 == 0 goto +2
            r0 += r6
            r0 = *(u64 *)(r0 + 0)
            r0 = 0
            exit
            """;

    private static VerificationResult from(String asm, AbstractState state) {
        BpfProgram p = new BpfProgram("prog", "xdp", Fixture.assemble(asm), List.of(), List.of(), List.of());
        return Verifier.verifyFrom(new BpfObject(List.of(), List.of(p), Fixture.MAPS, "GPL"), p, Fixture.options(), state);
    }

    /** No context, r6 a number of {@code s} (r6 survives the helper call). */
    private static AbstractState withR6(Scalar s) {
        return AbstractState.entry(new Value[0]).withReg(6, Value.Num.of(s));
    }

    @Test
    void theStatesFactsAreUsed() {
        assertInstanceOf(VerificationResult.Verified.class, from(READ_AT_R6, withR6(Scalar.unsignedRange(0, 8))));
    }

    @Test
    void aWiderStateIsRejectedAtTheAccess() {
        VerificationResult r = from(READ_AT_R6, withR6(Scalar.unsignedRange(0, 9)));
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r);
        assertEquals(8, rej.violations().getFirst().pc(), rej.violations().toString());
        assertEquals(ObligationKind.VALID_ACCESS, rej.violations().getFirst().obligation());
    }

    @Test
    void theEntryStateIsNotAddedToIt() {
        // From the program type's entry state r6 is uninitialised, so the same program is rejected.
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, Fixture.verify(READ_AT_R6));
        assertEquals(ObligationKind.INITIALISED, rej.violations().getFirst().obligation(), rej.violations().toString());
        // And a register the given state leaves uninitialised stays so (r1 is not the context here).
        VerificationResult.Rejected noContext = assertInstanceOf(VerificationResult.Rejected.class,
                from("r0 = *(u32 *)(r1 + 0)\nexit\n", AbstractState.entry(new Value[0])));
        assertEquals(ObligationKind.INITIALISED, noContext.violations().getFirst().obligation());
    }

    @Test
    void stackBytesOfTheStateAreReadable() {
        String readStack = """
                r2 = r10
                r2 += -8
                r0 = *(u64 *)(r2 + 0)
                r0 = 0
                exit
                """;
        VerifierOptions unprivileged = Fixture.options().withPrivilege(Privilege.UNPRIVILEGED);
        BpfProgram p = new BpfProgram("prog", "xdp", Fixture.assemble(readStack), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), Fixture.MAPS, "GPL");
        AbstractState bare = AbstractState.entry(new Value[] {Value.Ptr.of(PtrKind.CTX, 0, 0)});
        assertInstanceOf(VerificationResult.Rejected.class, Verifier.verifyFrom(o, p, unprivileged, bare),
                "unprivileged reads of unwritten stack are rejected");
        Object[] cells = bare.frame(0).stackCopy();
        for (int i = Frame.STACK_SIZE - 8; i < Frame.STACK_SIZE; i++) {
            cells[i] = StackByte.MISC;
        }
        AbstractState written = bare.withFrame(0, bare.frame(0).withStack(cells));
        assertInstanceOf(VerificationResult.Verified.class, Verifier.verifyFrom(o, p, unprivileged, written));
    }

    @Test
    void aStateMustBeOneFrame() {
        BpfProgram p = new BpfProgram("prog", "xdp", Fixture.assemble("r0 = 0\nexit\n"), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), Fixture.MAPS, "GPL");
        IllegalArgumentException bottom = assertThrows(IllegalArgumentException.class,
                () -> Verifier.verifyFrom(o, p, Fixture.options(), AbstractState.BOTTOM));
        assertTrue(bottom.getMessage().contains("bottom"), bottom.getMessage());
        AbstractState two = AbstractState.entry(new Value[0]).push();
        assertThrows(IllegalArgumentException.class, () -> Verifier.verifyFrom(o, p, Fixture.options(), two));
    }
}
