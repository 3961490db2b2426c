package dev.warden.verifier;

import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfProgram;
import java.util.BitSet;
import dev.warden.verifier.check.InvariantTable;
import dev.warden.verifier.eim.EimPlatform;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

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
    private final InvariantTable invariants;
    private final OptionalLong maxInstructionsExecuted;
    private final BitSet heapAccesses;
    private final BitSet heapGuarded;
    private final OptionalLong heap;
    private final Optional<EimPlatform> eimClass;

    VerifiedProgram(BpfProgram program, BitSet provedAccesses, BitSet cancellationPoints, long requiredIteratorKeySize,
                    long requiredIteratorValueSize, InvariantTable invariants, OptionalLong maxInstructionsExecuted,
                    Optional<EimPlatform> eimClass, BitSet heapAccesses, BitSet heapGuarded, OptionalLong heap) {
        this.eimClass = Objects.requireNonNull(eimClass);
        this.heap = Objects.requireNonNull(heap);
        this.heapAccesses = (BitSet) heapAccesses.clone();
        this.heapGuarded = (BitSet) heapGuarded.clone();
        this.invariants = Objects.requireNonNull(invariants);
        this.maxInstructionsExecuted = Objects.requireNonNull(maxInstructionsExecuted);
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

    /**
     * The invariant the proof established before the instruction at {@code pc}: what holds on
     * every execution that reaches it (kept at {@link VerifierOptions#invariants()}'s detail);
     * empty for a pc no execution reaches, or that is not an instruction's first slot.
     */
    public Optional<PcInvariant> invariantAt(int pc) {
        return invariants.at(pc);
    }

    /** How much of the invariants this program keeps. */
    public InvariantDetail invariantDetail() {
        return invariants.detail();
    }

    /**
     * The most instructions one run can execute (loop bounds times their bodies along the longest
     * path, calls included); empty in {@link Termination#RUNTIME} mode. An EIM class's
     * {@code instructions < N} limit is checked against it.
     */
    public OptionalLong maxInstructionsExecuted() {
        return maxInstructionsExecuted;
    }

    /**
     * The EIM class the program was proved against (its host objects are the {@code HOST} regions the
     * proof bounds accesses by); empty for a Linux program type.
     */
    public Optional<EimPlatform> eimClass() {
        return eimClass;
    }

    /** Whether the memory access at {@code pc} is proved inside its region on every execution (the JIT may drop its check). */
    public boolean accessProvedInBounds(int pc) {
        return provedAccesses.get(pc);
    }

    /** The pcs of accesses proved in bounds. */
    public BitSet provedAccesses() {
        return (BitSet) provedAccesses.clone();
    }

    /**
     * The loads and stores that address the extension's heap (KFlex; empty without a heap): the
     * runtime confines each to the heap with its guard ({@code vm.HeapSandbox}) unless
     * {@link #heapGuardNeeded} says the verifier proved it inside an allocated object.
     */
    public BitSet heapAccesses() {
        return (BitSet) heapAccesses.clone();
    }

    /**
     * The size of the heap (KFlex) the proof assumed the runtime gives the program (the platform's, or
     * its EIM class's {@code memory < M}); empty without one.
     */
    public OptionalLong heap() {
        return heap;
    }

    /** Whether the heap access at {@code pc} needs the guard: in some context it was not proved inside an object. */
    public boolean heapGuardNeeded(int pc) {
        return heapGuarded.get(pc);
    }

    /** In {@link Termination#RUNTIME} mode, the back edges (their source pcs) where the runtime must check its budget. */
    public BitSet cancellationPoints() {
        return (BitSet) cancellationPoints.clone();
    }
}
