package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.StackInit;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One program of an object, loaded into the checking interpreter the way Linux runs it at its
 * hook: r1 points to the program type's context structure, the packet lies in its own region
 * below 4 GiB (see {@link LinuxProgramType} for why), the object's maps exist in native memory
 * with Linux's semantics, and {@code call N} reaches Linux helper N ({@link LinuxHelpers}).
 *
 * <p>Regions of a run: the stack frames, the context ({@code contextSize} bytes; read-only for
 * xdp), the packet (exactly {@code [data, data_end)}), each map value (exactly its size;
 * {@code .rodata} read-only). Any access outside them faults, which is what makes a run a
 * soundness check of the verifier: a program the verifier accepted must never fault.
 *
 * <p>Not thread-safe; one run at a time. Closing frees the native memory.
 */
public final class LinuxEnvironment implements AutoCloseable {
    /** The kernel verifier's bound on executed instructions, used as the run's budget by default. */
    public static final long DEFAULT_BUDGET = 1_000_000;

    private final BpfObject object;
    private final LinuxProgramType type;
    private final LinuxMaps maps;
    private final RunState state = new RunState();
    private final PacketBuffer packet;
    private final LoadedProgram loaded;
    private final MemorySegment context;
    private Optional<ProvedChecks> elision = Optional.empty();

    private LinuxEnvironment(BpfObject object, BpfProgram program, LinuxProgramType type, long budget) {
        this(object, program, type, budget, Optional.empty());
    }

    /**
     * With a proof, the program runs compiled by the JIT with the checks the proof made redundant
     * left out ({@link ProvedChecks}); without one, in the checking interpreter.
     */
    private LinuxEnvironment(BpfObject object, BpfProgram program, LinuxProgramType type, long budget,
                             Optional<VerifiedProgram> proof) {
        this.object = object;
        this.type = type;
        this.maps = new LinuxMaps(object.maps());
        PacketBuffer p = null;
        LoadedProgram l = null;
        try {
            p = PacketBuffer.map();
            ExecOptions options = ExecOptions.defaults()
                    .withHelpers(LinuxHelpers.table(type, maps, state, p))
                    .withInputKind(type.inputKind())
                    .withStackInit(StackInit.ZEROED)
                    .withBudget(budget);
            Program code = MapReferences.resolve(program.program(), maps);
            if (proof.isPresent()) {
                ProvedChecks checks = ProvedChecks.of(proof.get(), type, maps);
                l = new JitEngine().load(code, options, checks);
                elision = Optional.of(checks);
            } else {
                l = new Interpreter().load(code, options);
            }
            maps.attach(l.memory());
            this.context = l.memory().allocateRegion(type.contextSize(), type.contextAccess(), type.name() + " context");
        } catch (RuntimeException e) {
            if (l != null) {
                l.close();
            }
            if (p != null) {
                p.close();
            }
            maps.close();
            throw e;
        }
        this.packet = p;
        this.loaded = l;
        state.context = context;
    }

    /** Loads {@code program} of {@code object} for {@code type}, with a budget of {@link #DEFAULT_BUDGET} instructions. */
    public static LinuxEnvironment load(BpfObject object, BpfProgram program, LinuxProgramType type) {
        return new LinuxEnvironment(object, program, type, DEFAULT_BUDGET);
    }

    /** The same with another instruction budget. */
    public static LinuxEnvironment load(BpfObject object, BpfProgram program, LinuxProgramType type, long budget) {
        return new LinuxEnvironment(object, program, type, budget);
    }

    /**
     * Loads a verified program compiled by the JIT, with every load and store the proof shows
     * cannot leave its region compiled without a check (see {@link ProvedChecks} for which).
     *
     * @throws dev.warden.vm.ProgramRefusedException if the JIT refuses the program
     */
    public static LinuxEnvironment loadVerified(BpfObject object, VerifiedProgram proof, LinuxProgramType type, long budget) {
        return new LinuxEnvironment(object, proof.bpfProgram(), type, budget, Optional.of(proof));
    }

    /** The checks the JIT left out, for a program loaded with {@link #loadVerified}; empty when interpreted. */
    public Optional<ProvedChecks> elision() {
        return elision;
    }

    public LinuxProgramType type() {
        return type;
    }

    /** Runs once on {@code input}; the maps start as {@code before} says. */
    public ExecResult run(LinuxInput input, MapsBefore before) {
        state.start(input, maps.all().size());
        if (before == MapsBefore.FROM_INPUT) {
            maps.reset();
        }
        for (Map.Entry<String, List<MapEntry>> e : input.maps().entrySet()) {
            LinuxMap m = maps.byName(e.getKey()).orElseThrow(() ->
                    new IllegalArgumentException("the object has no map named " + e.getKey()));
            for (MapEntry entry : e.getValue()) {
                m.update(entry.key(), entry.value(), LinuxMap.BPF_ANY);
            }
        }
        MemorySegment bytes = packet.place(input.packet());
        state.packetStart = bytes.address();
        state.packetEnd = bytes.address() + bytes.byteSize();
        context.fill((byte) 0);
        writePacketFields(type, state);
        writeScalars(input, bytes);
        return loaded.runWithContext(context.address(), bytes, dev.warden.vm.Access.READ_WRITE);
    }

    /** Runs on a packet with the maps as earlier runs left them. */
    public ExecResult run(byte[] packetBytes) {
        return run(LinuxInput.ofPacket(packetBytes), MapsBefore.KEPT);
    }

    /** Stores the packet's bounds in the context: the u32 fields hold real addresses (below 4 GiB). */
    static void writePacketFields(LinuxProgramType type, RunState s) {
        s.context.set(ValueLayout.JAVA_INT_UNALIGNED, type.dataOffset(), (int) s.packetStart);
        s.context.set(ValueLayout.JAVA_INT_UNALIGNED, type.dataEndOffset(), (int) s.packetEnd);
        // No metadata: data_meta == data, so the metadata area is empty.
        s.context.set(ValueLayout.JAVA_INT_UNALIGNED, type.dataMetaOffset(), (int) s.packetStart);
        if (type.lengthOffset() >= 0) {
            s.context.set(ValueLayout.JAVA_INT_UNALIGNED, type.lengthOffset(), (int) (s.packetEnd - s.packetStart));
        }
    }

    private void writeScalars(LinuxInput input, MemorySegment bytes) {
        if (type == LinuxProgramType.XDP) {
            context.set(ValueLayout.JAVA_INT_UNALIGNED, 12, input.ifindex()); // ingress_ifindex; rx_queue_index 0
            return;
        }
        // __sk_buff: protocol is the EtherType in network order, as the kernel's skb->protocol.
        if (bytes.byteSize() >= 14) {
            short etherType = (short) ((bytes.get(ValueLayout.JAVA_BYTE, 12) & 0xff)
                    | (bytes.get(ValueLayout.JAVA_BYTE, 13) & 0xff) << 8);
            context.set(ValueLayout.JAVA_SHORT_UNALIGNED, LinuxProgramType.SkBuff.PROTOCOL, etherType);
        }
        context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.INGRESS_IFINDEX, input.ifindex());
        context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.IFINDEX, input.ifindex());
        context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.WIRE_LEN, (int) bytes.byteSize());
    }

    /** Every map's entries now, by name in index order (arrays: the elements touched or initialised). */
    public Map<String, List<MapEntry>> maps() {
        Map<String, List<MapEntry>> out = new LinkedHashMap<>();
        for (LinuxMap m : maps.all()) {
            out.put(m.name(), m.entries());
        }
        return out;
    }

    /** The maps' names in index order. */
    public List<String> mapNames() {
        return maps.all().stream().map(LinuxMap::name).toList();
    }

    /** Lines {@code bpf_trace_printk} wrote in the last run. */
    public List<String> traceLog() {
        return List.copyOf(state.log);
    }

    /** Per map name, the keys lookups of the last run did not find (input searches put them in later inputs). */
    public Map<String, List<byte[]>> missedKeys() {
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        List<LinuxMap> all = maps.all();
        for (int i = 0; i < all.size(); i++) {
            if (i < state.missedKeys.size() && !state.missedKeys.get(i).isEmpty()) {
                out.put(all.get(i).name(), new ArrayList<>(state.missedKeys.get(i)));
            }
        }
        return out;
    }

    /** Declarations of the maps whose values a program can address (arrays and hashes). */
    List<dev.warden.isa.elf.BpfMap> valueMaps() {
        return maps.all().stream().filter(LinuxMap::hasValues).map(LinuxMap::declaration).toList();
    }

    BpfObject object() {
        return object;
    }

    @Override
    public void close() {
        loaded.close();
        maps.close();
        packet.close();
    }
}
