package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import dev.warden.jit.CheckElision;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.HostObject;
import dev.warden.verifier.state.Value;
import dev.warden.vm.Access;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *   <li><b>EIM host memory</b> (a program proved against an EIM class): the verifier bounds an
 *       access through an entry's pointer argument by its pointee's C type and the class's grants;
 *       elided only for the arguments the caller says it passes as at least that many bytes from
 *       the pointer on, with the rights the access needs ({@link #forEim}); under the host API,
 *       for the argument objects (each CPU's region of exactly {@code sizeof} the type) and host
 *       variables (host state of at least {@code sizeof} the type, writable where the class
 *       grants a write) that {@link HostLinks#covered} names.</li>
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
public final class ProvedChecks {
    private final CheckElision elision;

    /** The reachable loads and stores that address the heap (KFlex). */
    private final BitSet heap;

    private ProvedChecks(CheckElision elision, BitSet heap) {
        this.elision = elision;
        this.heap = heap;
    }

    /** What the JIT is given ({@link dev.warden.jit.JitEngine#load(dev.warden.isa.Program, dev.warden.vm.ExecOptions, CheckElision)}). */
    public CheckElision elision() {
        return elision;
    }

    /** The elision for {@code proof} when it runs as {@code type} with the object's maps {@code maps}. */
    static ProvedChecks of(VerifiedProgram proof, LinuxProgramType type, LinuxMaps maps) {
        return of(proof, type, maps, HostLinks.NONE);
    }

    /**
     * As above, for a program the host API links ({@link HostLinks}): accesses to the EIM host
     * objects the links name as {@linkplain HostLinks#covered covered} are elided where proved,
     * stores only where the runtime's memory for the object is writable.
     */
    static ProvedChecks of(VerifiedProgram proof, LinuxProgramType type, LinuxMaps maps, HostLinks links) {
        return of(proof, type.contextAccess(), index -> maps.byIndex(index).map(LinuxMap::hasValues).orElse(false),
                region -> Optional.ofNullable(links.covered().get(region)));
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

    /**
     * How the runtime passes one pointer argument of an EIM entry: {@code bytes} addressable from
     * the pointer on, with {@code access} rights.
     */
    public record ArgumentRegion(long bytes, Access access) {
        public ArgumentRegion {
            java.util.Objects.requireNonNull(access);
        }
    }

    /**
     * What the JIT elides for {@code proof}, a program proved against an EIM class, when the runtime
     * passes the entry's pointer arguments as {@code arguments} says (by parameter name; a pointer
     * parameter not named keeps its checks). An access through an argument loses its check only if
     * the runtime's region holds at least the pointee's {@code sizeof} bytes (the verifier bounds
     * every access by them, so the check could not fail) and, for a store, is writable. Stack
     * accesses are elided as for Linux programs; an EIM run has no map and no context.
     *
     * @throws IllegalArgumentException if {@code proof} was not proved against an EIM class
     */
    public static ProvedChecks forEim(VerifiedProgram proof, Map<String, ArgumentRegion> arguments) {
        EimPlatform eim = proof.eimClass().orElseThrow(() -> new IllegalArgumentException(
                "the program was proved for a Linux program type, not against an EIM class"));
        Map<Integer, Access> exact = new LinkedHashMap<>();
        arguments.forEach((name, region) -> eim.argumentObject(name).ifPresent(index -> {
            HostObject o = eim.object(index);
            if (region.bytes() >= o.size()) {
                exact.put(index, region.access());
            }
        }));
        return of(proof, Access.READ_ONLY, index -> false, index -> Optional.ofNullable(exact.get(index)));
    }

    /**
     * Every pointer argument of {@code eim}'s entry as exactly its pointee's bytes, read-write: how
     * {@code warden exec --policy} passes its buffer, and what {@code warden verify --json} reports.
     */
    public static Map<String, ArgumentRegion> typedArguments(EimPlatform eim) {
        Map<String, ArgumentRegion> out = new LinkedHashMap<>();
        for (dev.warden.eim.Field p : eim.grants().entry().prototype().parameters()) {
            eim.argumentObject(p.name()).ifPresent(index -> out.put(p.name(), new ArgumentRegion(eim.object(index).size(), Access.READ_WRITE)));
        }
        return out;
    }

    /** Which maps store values the runtime bounds exactly. */
    interface ValueMaps {
        boolean exact(int mapIndex);
    }

    /** The rights of the runtime's region for an EIM host object (by {@code HOST} region) that covers it whole; empty if none does. */
    interface HostRegions {
        Optional<Access> covering(int region);
    }

    static ProvedChecks of(VerifiedProgram proof, Access contextAccess, ValueMaps maps) {
        return of(proof, contextAccess, maps, region -> Optional.empty());
    }

    private static ProvedChecks of(VerifiedProgram proof, Access contextAccess, ValueMaps maps, HostRegions host) {
        CheckElision e = CheckElision.proved(proof, (ptr, direction) -> sameBounds(ptr, direction, contextAccess, maps, host));
        BitSet heap = proof.heapAccesses();
        dev.warden.isa.cfg.ControlFlowGraph g = dev.warden.isa.cfg.ControlFlowGraph.of(proof.program());
        heap.stream().filter(pc -> !g.isReachable(pc)).forEach(heap::clear);
        return new ProvedChecks(e, heap);
    }

    private static boolean sameBounds(Value.Ptr ptr, CheckElision.Direction direction, Access contextAccess, ValueMaps maps,
                                      HostRegions host) {
        boolean store = direction == CheckElision.Direction.STORE;
        return switch (ptr.kind()) {
            case STACK, PACKET -> true;
            case MAP_VALUE -> ptr.region() >= 0 && maps.exact(ptr.region());
            case CTX -> ptr.region() >= 0 && (!store || contextAccess.canWrite());
            // HOST: the proof bounds an access by the object's C type (and the class's grants, a
            // subset); elided where the runtime's region covers the whole object with the rights.
            case HOST -> ptr.region() >= 0 && host.covering(ptr.region()).filter(a -> !store || a.canWrite()).isPresent();
            // HEAP: decided by the heap's own proof (CheckElision.proved; heap accesses never get here).
            case MAP, PACKET_END, PACKET_META, MEM, SOCKET, BTF_ID, BTF_UNTRUSTED, DYNPTR, FUNC, ITER_BUF, ARG_MEM, HEAP -> false;
        };
    }

    /** The loads and stores that address the heap (KFlex): the runtime's guard confines those not {@link #provedSafe}. */
    public BitSet heapAccesses() {
        return (BitSet) heap.clone();
    }

    /** Heap accesses compiled without the guard (proved inside an allocated object). */
    public int heapGuardsElided() {
        BitSet b = elision.elidedPcs();
        b.and(heap);
        return b.cardinality();
    }

    /** Heap accesses, guarded or not: the report's "guards elided / total" is {@link #heapGuardsElided} / this. */
    public int heapGuardsTotal() {
        return heap.cardinality();
    }

    /** Whether the load or store at {@code pc} is compiled without a check. */
    public boolean provedSafe(int pc) {
        return elision.provedSafe(pc);
    }

    /** Accesses the JIT compiles without a check. */
    public int elided() {
        return elision.elided();
    }

    /** Memory accesses (loads, stores, atomics) the JIT compiles, checked or not. */
    public int total() {
        return elision.total();
    }

    /** The pcs of the elided accesses. */
    public BitSet elidedPcs() {
        return elision.elidedPcs();
    }
}
