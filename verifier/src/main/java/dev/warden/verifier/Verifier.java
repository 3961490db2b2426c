package dev.warden.verifier;

import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import java.util.List;

/** The one entry point: proves a program safe for its program type, or says why it could not. */
public final class Verifier {
    private Verifier() {}

    /** Verifies one program of an object (its maps and global data come from the object). */
    public static VerificationResult verify(BpfObject object, BpfProgram program, VerifierOptions options) {
        throw new UnsupportedOperationException("the analysis lands with the verifier core");
    }

    /** Verifies a bare program (an assembly file): no maps, no line info. */
    public static VerificationResult verify(Program program, VerifierOptions options) {
        BpfProgram p = new BpfProgram("main", "", program, List.of(), List.of(), List.of());
        return verify(new BpfObject(List.of(), List.of(p), List.of(), ""), p, options);
    }
}
