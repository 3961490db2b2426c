package dev.warden.runtime.linux;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.elf.BpfMap;
import dev.warden.jit.CheckElision;
import dev.warden.verifier.PcInvariant;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import dev.warden.vm.Access;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The verifier's proof as the JIT's {@link CheckElision}, for the memory {@link LinuxEnvironment}
 * lays out. An access loses its check only when the verifier proved it inside its region
 * <em>and</em> this runtime gives that region exactly the verifier's bounds, so the check could
 * not fail in any run:
 *
 * <ul>
 *   <li><b>stack</b>: the verifier bounds each frame to [r10-512, r10); {@code vm.Memory} makes
 *       each active frame a region of exactly 512 bytes ending at its r10;</li>
 *   <li><b>packet</b>: the verifier proves {@code [data, data_end)}; the runtime places the packet
 *       in a region of exactly those bytes and writes their addresses into the context;</li>
 *   <li><b>map values</b> (global data included): the verifier bounds by the declared value size;
 *       array and hash maps here store each value in exactly that many bytes, and the verifier
 *       refuses writes to read-only ({@code .rodata}) values;</li>
 *   <li><b>context</b>: the verifier allows only the fields of the type's layout; the runtime's
 *       context region is the whole structure (24 bytes of {@code xdp_md}, 192 of
 *       {@code __sk_buff}); a store is elided only where the runtime's context is writable.</li>
 * </ul>
 *
 * Kept checked, though the verifier may prove them: memory a helper returned ({@code MEM}: its
 * size comes from the helper's prototype, and this runtime's helpers are not bound to allocate
 * exactly that), kernel objects read through (sockets, BTF-typed objects: the verifier reads
 * their fields from platform data or the target BTF; this runtime lays out no such objects),
 * iterator buffers and {@code .text} arguments (no such runs here), maps this
 * runtime keeps opaque (no value storage), atomics (they go through {@code vm.Memory}, which checks
 * alignment too), and any access whose base register is not one pointer kind in every calling
 * context (the per-pc invariant joins contexts).
 */
public final class ProvedChecks implements CheckElision {
    private final BitSet elided;
    private final int total;
    private final BitSet heap;
    private final int heapElided;

    private ProvedChecks(BitSet elided, int total, BitSet heap, int heapElided) {
        this.elided = elided;
        this.total = total;
        this.heap = heap;
        this.heapElided = heapElided;
    }

    /** The elision for {@code proof} when it runs as {@code type} with the object's maps {@code maps}. */
    static ProvedChecks of(VerifiedProgram proof, LinuxProgramType type, LinuxMaps maps) {
        return of(proof, type.contextAccess(), index -> maps.byIndex(index).map(LinuxMap::hasValues).orElse(false));
    }

    /**
     * What the JIT elides for {@code proof} under this runtime's memory model, given the object's
     * maps and the program type's name (its context is read-only where the runtime keeps it so;
     * writable for a type this runtime does not run, whose context layout the verifier bounds the
     * same way): the numbers {@code warden verify} reports as checks elided / total.
     */
    public static ProvedChecks forLinux(VerifiedProgram proof, List<BpfMap> maps, Optional<String> typeName) {
        Access context = typeName.flatMap(LinuxProgramType::named).map(LinuxProgramType::contextAccess).orElse(Access.READ_WRITE);
        return of(proof, context, index -> index < maps.size() && LinuxMap.storesValues(maps.get(index)));
    }

    /** Which maps store values the runtime bounds exactly. */
    interface ValueMaps {
        boolean exact(int mapIndex);
    }

    static ProvedChecks of(VerifiedProgram proof, Access contextAccess, ValueMaps maps) {
        Program p = proof.program();
        ControlFlowGraph g = ControlFlowGraph.of(p);
        BitSet elided = new BitSet();
        int total = 0;
        BitSet heap = proof.heapAccesses();
        int heapElided = 0;
        for (int i = 0; i < p.size(); i++) {
            int pc = p.pcOf(i);
            Instruction insn = p.get(i);
            Optional<Reg> base = base(insn);
            if (base.isEmpty() || !g.isReachable(pc)) {
                continue;
            }
            total++;
            if (heap.get(pc)) {
                // The heap (KFlex): the guard goes only where the verifier did not prove the access
                // inside an object the allocator handed out (KflexHeap keeps every object inside).
                if (!proof.heapGuardNeeded(pc)) {
                    elided.set(pc);
                    heapElided++;
                }
                continue;
            }
            if (insn instanceof Instruction.Atomic || !proof.accessProvedInBounds(pc)) {
                continue;
            }
            boolean store = !(insn instanceof Instruction.Load);
            Optional<PcInvariant> inv = proof.invariantAt(pc);
            if (inv.isPresent() && inv.get().register(base.get().number()) instanceof Value.Ptr ptr
                    && ptr.nullness() == Nullness.NOT_NULL && sameBounds(ptr, store, contextAccess, maps)) {
                elided.set(pc);
            }
        }
        heap.and(reachable(p, g));
        return new ProvedChecks(elided, total, heap, heapElided);
    }

    private static boolean sameBounds(Value.Ptr ptr, boolean store, Access contextAccess, ValueMaps maps) {
        return switch (ptr.kind()) {
            case STACK, PACKET -> true;
            case MAP_VALUE -> ptr.region() >= 0 && maps.exact(ptr.region());
            case CTX -> ptr.region() >= 0 && (!store || contextAccess.canWrite());
            // HOST: the proof bounds an access by the class's grants, which the runtime's regions
            // for host state need not match byte for byte; keep the check.
            // HEAP: decided by the heap's own proof above (accesses through heap pointers never get here).
            case MAP, PACKET_END, PACKET_META, MEM, SOCKET, BTF_ID, BTF_UNTRUSTED, DYNPTR, FUNC, ITER_BUF, ARG_MEM, HOST, HEAP -> false;
        };
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

    private static BitSet reachable(Program p, ControlFlowGraph g) {
        BitSet b = new BitSet();
        for (int i = 0; i < p.size(); i++) {
            if (g.isReachable(p.pcOf(i))) {
                b.set(p.pcOf(i));
            }
        }
        return b;
    }

    /** The loads and stores that address the heap (KFlex): the runtime's guard confines those not {@link #provedSafe}. */
    public BitSet heapAccesses() {
        return (BitSet) heap.clone();
    }

    /** Heap accesses compiled without the guard (proved inside an allocated object). */
    public int heapGuardsElided() {
        return heapElided;
    }

    /** Heap accesses, guarded or not: the report's "guards elided / total" is {@link #heapGuardsElided} / this. */
    public int heapGuardsTotal() {
        return heap.cardinality();
    }

    @Override
    public boolean provedSafe(int pc) {
        return elided.get(pc);
    }

    /** Accesses the JIT compiles without a check. */
    public int elided() {
        return elided.cardinality();
    }

    /** Memory accesses (loads, stores, atomics) the JIT compiles, checked or not. */
    public int total() {
        return total;
    }

    /** The pcs of the elided accesses. */
    public BitSet elidedPcs() {
        return (BitSet) elided.clone();
    }
}
