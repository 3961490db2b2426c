package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code .text} functions verified on their own, typed by their BTF prototypes
 * (src/test/c/text_functions.c): pointer parameters are memory of the pointee's size or NULL, a
 * context parameter is the context, a void function needs no r0.
 */
class TextFunctionsTest {
    private static final BpfObject OBJECT = read();

    private static BpfObject read() {
        try {
            return ElfReader.read(Files.readAllBytes(Path.of("src/test/c/text_functions.o")));
        } catch (Exception e) {
            throw new AssertionError("src/test/c/text_functions.o: " + e.getMessage(), e);
        }
    }

    private static VerificationResult verify(String function) {
        BpfProgram p = OBJECT.textFunctions().stream().filter(f -> f.name().equals(function)).findFirst()
                .orElseThrow(() -> new AssertionError("no .text function " + function));
        return Verifier.verify(OBJECT, p, VerifierOptions.linux());
    }

    private static void accepted(String function) {
        VerificationResult r = verify(function);
        assertInstanceOf(VerificationResult.Verified.class, r, () -> function + ": " + r);
    }

    private static void rejected(String function, ObligationKind kind) {
        VerificationResult r = verify(function);
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r, () -> function + " accepted");
        assertEquals(kind, rej.violations().getFirst().kind(), () -> function + ": " + rej.violations());
    }

    @Test
    void aPointerToAStructIsMemoryOfItsSizeOnceCheckedForNull() {
        accepted("pair_sum");
    }

    @Test
    void aPointerParameterMayBeNull() {
        rejected("pair_sum_unchecked", ObligationKind.NON_NULL);
    }

    @Test
    void aPointerParameterGivesOnlyThePointeesBytes() {
        rejected("pair_past_end", ObligationKind.VALID_ACCESS);
    }

    @Test
    void aContextParameterIsTheContextOfTheTypeItNames() {
        accepted("first_byte");
    }

    @Test
    void aVoidFunctionNeedNotSetR0() {
        accepted("clear");
    }
}
