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
    private final long requiredIteratorKeySize;
    private final long requiredIteratorValueSize;

    VerifiedProgram(BpfProgram program, BitSet provedAccesses, BitSet cancellationPoints, long requiredIteratorKeySize,
                    long requiredIteratorValueSize) {
        this.program = Objects.requireNonNull(program);
        this.provedAccesses = (BitSet) provedAccesses.clone();
        this.cancellationPoints = (BitSet) cancellationPoints.clone();
        this.requiredIteratorKeySize = requiredIteratorKeySize;
        this.requiredIteratorValueSize = requiredIteratorValueSize;
    }

    /**
     * For a map-element iterator: the key size the iterated map must have at least (the largest
     * extent the program reads through its context's {@code key}; 0 when it reads none). The proof
     * holds only for maps that satisfy it: whoever attaches the program must check, as the kernel
     * does with {@code max_rdonly_access}.
     */
    public long requiredIteratorKeySize() {
        return requiredIteratorKeySize;
    }

    /** Like {@link #requiredIteratorKeySize()}, for the value ({@code max_rdwr_access}). */
    public long requiredIteratorValueSize() {
        return requiredIteratorValueSize;
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
