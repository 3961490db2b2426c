package dev.warden.jit;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.verifier.PcInvariant;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.Value;
import java.util.BitSet;
import java.util.Optional;

/**
 * Which memory accesses the compiler may emit without a region check. The only way to get one
 * that drops a check is {@link #proved}, from a {@link VerifiedProgram} (which only the verifier
 * makes), and the compiler refuses it for any program but the proved one: the JIT never compiles
 * an unverified program without its checks. {@link #NONE} is the unchecked mode for unverified
 * programs ({@link JitEngine#load(Program, dev.warden.vm.ExecOptions)}): every access is
 * checked, except one the compiler proves itself (r10 plus a constant offset that lies inside the
 * current 512-byte frame; r10 cannot be written, so such an access always lands in the active
 * frame). Atomics always go through {@link dev.warden.vm.Memory}, which also checks alignment.
 */
public final class CheckElision {

    /** Check every access (unverified programs). */
    public static final CheckElision NONE = new CheckElision(Optional.empty(), new BitSet(), 0);

    /** The direction of a memory access. */
    public enum Direction { LOAD, STORE }

    /**
     * The runtime's side of the bargain: whether the region an access through {@code base} reaches
     * is laid out, in every run, at least as the verifier bounded it (its bytes, and write rights
     * for a store), so that the check could not fail. The verifier proved the access inside its
     * bounds; this says whether the runtime's memory honours them.
     */
    @FunctionalInterface
    public interface Regions {
        boolean laidOutAsProved(Value.Ptr base, Direction direction);
    }

    private final Optional<Program> proved;
    private final BitSet elided;
    private final int total;

    private CheckElision(Optional<Program> proved, BitSet elided, int total) {
        this.proved = proved;
        this.elided = elided;
        this.total = total;
    }

    /**
     * The accesses of {@code proof}'s program that lose their check: reachable loads and stores the
     * verifier proved inside their region on every execution, whose base register is, at that pc,
     * one non-null pointer kind in every calling context (the proof's invariant joins contexts) that
     * {@code regions} says the runtime lays out as proved. Atomics and dead code keep their checks.
     */
    public static CheckElision proved(VerifiedProgram proof, Regions regions) {
        Program p = proof.program();
        ControlFlowGraph g = ControlFlowGraph.of(p);
        BitSet elided = new BitSet();
        int total = 0;
        for (int i = 0; i < p.size(); i++) {
            int pc = p.pcOf(i);
            Instruction insn = p.get(i);
            Optional<Reg> base = base(insn);
            if (base.isEmpty() || !g.isReachable(pc)) {
                continue;
            }
            total++;
            if (proof.heapAccesses().get(pc)) {
                // The extension's heap (KFlex): the runtime's guard confines these; it is dropped only
                // where the verifier proved the access inside an object the allocator handed out.
                if (!proof.heapGuardNeeded(pc)) {
                    elided.set(pc);
                }
                continue;
            }
            if (insn instanceof Instruction.Atomic || !proof.accessProvedInBounds(pc)) {
                continue;
            }
            Direction d = insn instanceof Instruction.Load ? Direction.LOAD : Direction.STORE;
            Optional<PcInvariant> inv = proof.invariantAt(pc);
            if (inv.isPresent() && inv.get().register(base.get().number()) instanceof Value.Ptr ptr
                    && ptr.nullness() == Nullness.NOT_NULL && regions.laidOutAsProved(ptr, d)) {
                elided.set(pc);
            }
        }
        return new CheckElision(Optional.of(p), elided, total);
    }

    /** For this package's tests of the emitter: {@code pcs} of {@code program} unchecked, no proof asked. */
    static CheckElision unprovedForTest(Program program, BitSet pcs) {
        return new CheckElision(Optional.of(program), (BitSet) pcs.clone(), pcs.cardinality());
    }

    /** The register an access addresses memory through (loads, stores, atomics); empty for other instructions. */
    private static Optional<Reg> base(Instruction insn) {
        return switch (insn) {
            case Instruction.Load l -> Optional.of(l.src());
            case Instruction.StoreImm s -> Optional.of(s.dst());
            case Instruction.StoreReg s -> Optional.of(s.dst());
            case Instruction.Atomic a -> Optional.of(a.dst());
            default -> Optional.empty();
        };
    }

    /** Whether the load or store at {@code pc} is compiled without a check. */
    public boolean provedSafe(int pc) {
        return elided.get(pc);
    }

    /** Accesses compiled without a check. */
    public int elided() {
        return elided.cardinality();
    }

    /** Memory accesses (loads, stores, atomics) in reachable code, checked or not. */
    public int total() {
        return total;
    }

    /** The pcs of the elided accesses. */
    public BitSet elidedPcs() {
        return (BitSet) elided.clone();
    }

    /**
     * Refuses to compile {@code code} with this elision unless it is the proved program, up to what
     * a runtime links in place when loading: 64-bit immediate loads (a map reference or a host
     * variable becomes its address) and host-function (kfunc) calls made helper calls. The proof
     * says nothing about another program.
     */
    void requireFor(Program code) {
        if (proved.isEmpty() || elided.isEmpty()) {
            return;
        }
        Program p = proved.get();
        boolean same = p.size() == code.size();
        for (int i = 0; same && i < p.size(); i++) {
            Instruction a = p.get(i);
            Instruction b = code.get(i);
            same = p.pcOf(i) == code.pcOf(i) && (a.equals(b)
                    || a instanceof Instruction.LoadImm64 x && b instanceof Instruction.LoadImm64 y && x.dst() == y.dst()
                    || a instanceof Instruction.Call x && x.kind() == Instruction.CallKind.KFUNC
                            && b instanceof Instruction.Call y && y.kind() == Instruction.CallKind.HELPER);
        }
        if (!same) {
            throw new IllegalArgumentException("the check elision was proved for another program; compile with CheckElision.NONE");
        }
    }

    @Override
    public String toString() {
        return elided() + " of " + total() + " checks elided";
    }
}
