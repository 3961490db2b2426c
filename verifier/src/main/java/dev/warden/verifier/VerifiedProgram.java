package dev.warden.verifier;

import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfProgram;
import java.util.BitSet;
import java.util.Objects;

/**
 * A program the verifier proved safe, with what the proof established. Only the verifier makes
 * these (the constructor is not public), so holding one means the proof was done.
 */
public final class VerifiedProgram {
    private final BpfProgram program;
    private final BitSet provedAccesses;
    private final BitSet cancellationPoints;

    VerifiedProgram(BpfProgram program, BitSet provedAccesses, BitSet cancellationPoints) {
        this.program = Objects.requireNonNull(program);
        this.provedAccesses = (BitSet) provedAccesses.clone();
        this.cancellationPoints = (BitSet) cancellationPoints.clone();
    }

    public BpfProgram bpfProgram() {
        return program;
    }

    public Program program() {
        return program.program();
    }

    /** Whether the memory access at {@code pc} is proved inside its region on every execution (the JIT may drop its check). */
    public boolean accessProvedInBounds(int pc) {
        return provedAccesses.get(pc);
    }

    /** The pcs of accesses proved in bounds. */
    public BitSet provedAccesses() {
        return (BitSet) provedAccesses.clone();
    }

    /** In {@link Termination#RUNTIME} mode, the back edges (their source pcs) where the runtime must check its budget. */
    public BitSet cancellationPoints() {
        return (BitSet) cancellationPoints.clone();
    }
}
