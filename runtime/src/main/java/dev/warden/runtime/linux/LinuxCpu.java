package dev.warden.runtime.linux;

import dev.warden.isa.Program;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Access;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import dev.warden.vm.Helpers;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.Memory;
import dev.warden.vm.StackInit;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One "CPU" of an object's programs: the programs loaded into an engine with this CPU's helpers,
 * its own context structure, packet buffer and run state, sharing the object's maps
 * ({@link LinuxMaps}) with every other CPU. One invocation at a time; several CPUs run at once on
 * different threads, which is how an extension serves concurrent callers.
 *
 * <p>An invocation runs the entry program and follows its tail calls (each a
 * {@link TailCall} thrown by the helper) on the same context and packet, at most 33 of them. A
 * tail call from a subprogram runs its target in the subprogram's place, nested in the helper
 * ({@link #runInPlaceOf}), and the subprogram's caller goes on with the target's r0. When
 * it ends, normally or by a fault, what the run still holds is given back: spin locks are
 * released and ring buffer reservations discarded, so a faulting run leaves the maps usable.
 */
final class LinuxCpu implements AutoCloseable {
    private final LinuxProgramType type;
    private final LinuxMaps maps;
    private final RunState state;
    private final PacketBuffer packet;
    private final MemorySegment context;
    /** By the program's index in the object; null where a program is not loaded on this CPU. */
    private final LoadedProgram[] programs;
    private final Engine engine;
    private final ExecOptions options;
    private final List<ArgumentRegion> argumentRegions;
    /** This CPU's memory for each of {@link #argumentRegions}, in order. */
    private final MemorySegment[] arguments;
    /** {@link #arguments} as the host fills them, made once. */
    private final CpuArguments argumentView;
    /**
     * Where a timer callback's key lies while it runs (read-only to the program, the size of the
     * object's largest key); empty where no program of this CPU sets a timer callback.
     */
    private final MemorySegment timerKey;

    /**
     * Loads {@code programs} (index in the object → its code, map references resolved by the
     * caller) into {@code engine} for CPU {@code cpu}; {@code extra} adds (or replaces) helpers.
     *
     * @throws dev.warden.vm.ProgramRefusedException as {@link Engine#load}; what was loaded is freed
     */
    LinuxCpu(int cpu, LinuxProgramType type, LinuxMaps maps, Map<Integer, Program> programs, int programCount, Engine engine,
             long budget, Helpers extra, Consumer<String> traceSink, StackInit stackInit) {
        this(cpu, type, maps, programs, programCount, engine, budget, extra, traceSink, stackInit, List.of());
    }

    /**
     * As above, with a region of this CPU's own for each of {@code arguments} (what an entry's
     * pointer arguments point to), addressable by every program loaded here.
     */
    LinuxCpu(int cpu, LinuxProgramType type, LinuxMaps maps, Map<Integer, Program> programs, int programCount, Engine engine,
             long budget, Helpers extra, Consumer<String> traceSink, StackInit stackInit, List<ArgumentRegion> arguments) {
        this.type = type;
        this.argumentRegions = List.copyOf(arguments);
        this.maps = maps;
        this.state = new RunState(cpu);
        state.traceSink = traceSink;
        this.programs = new LoadedProgram[programCount];
        PacketBuffer p = null;
        try {
            p = PacketBuffer.map();
            Helpers helpers = LinuxHelpers.table(type, maps, state, p, new TailTargets() {
                @Override
                public boolean loads(int index) {
                    return LinuxCpu.this.loads(index);
                }

                @Override
                public long runInPlaceOf(Memory caller, int index, long r1) {
                    return LinuxCpu.this.runInPlaceOf(caller, index, r1);
                }
            });
            for (Map.Entry<Integer, String> h : extra.names().entrySet()) {
                helpers = helpers.with(h.getKey(), h.getValue(), extra.get(h.getKey()));
            }
            this.engine = engine;
            this.options = ExecOptions.defaults().withHelpers(helpers).withInputKind(type.inputKind())
                    .withStackInit(stackInit).withBudget(budget);
            // The context is this CPU's alone: a region of its programs' own tables (a linear scan of
            // a few entries) rather than of the shared registry, so that a program alternating
            // between its context and a map value does not miss the one-entry shared cache each time.
            this.context = maps.slots().allocatePrivate(type.contextSize());
            this.arguments = new MemorySegment[argumentRegions.size()];
            for (int k = 0; k < this.arguments.length; k++) {
                this.arguments[k] = maps.slots().allocatePrivate(argumentRegions.get(k).size())
                        .asSlice(0, argumentRegions.get(k).size());
            }
            this.argumentView = new CpuArguments(this.arguments, this::limitArgument);
            this.timerKey = programs.values().stream().anyMatch(LinuxCpu::setsTimerCallbacks)
                    ? maps.slots().allocatePrivate(largestKey(maps)) : MemorySegment.NULL;
            for (Map.Entry<Integer, Program> e : programs.entrySet()) {
                LoadedProgram l = engine.load(e.getValue(), options);
                this.programs[e.getKey()] = l;
                attach(l);
            }
        } catch (RuntimeException e) {
            for (LoadedProgram l : this.programs) {
                if (l != null) {
                    l.close();
                }
            }
            if (p != null) {
                p.close();
            }
            throw e;
        }
        this.packet = p;
        state.context = context;
        if (maps.holdValues()) { // an object without such maps has nothing under the key: its runs open no scope
            maps.slots().protection().key().ifPresent(this::protect);
        }
    }

    /**
     * Gives every run of this CPU a time budget of {@code nanos} (0: none), checked at the
     * cancellation points of programs loaded with {@link dev.warden.vm.Cancellation#POLLED}.
     */
    void setTimeBudget(long nanos) {
        timeBudget = nanos;
        for (LoadedProgram l : programs) {
            if (l != null) {
                l.memory().setTimeBudget(nanos);
            }
        }
    }

    private long timeBudget;

    /** Asks the invocation running on this CPU (on another thread) to stop at its next cancellation point. */
    void cancel() {
        for (LoadedProgram l : programs) {
            if (l != null) {
                l.memory().cancel();
            }
        }
    }

    /** Whether {@code code} calls {@code bpf_timer_set_callback}: its CPU then needs room for a callback's key. */
    private static boolean setsTimerCallbacks(Program code) {
        for (dev.warden.isa.Instruction i : code.instructions()) {
            if (i instanceof dev.warden.isa.Instruction.Call c && c.kind() == dev.warden.isa.Instruction.CallKind.HELPER
                    && c.imm() == TIMER_SET_CALLBACK) {
                return true;
            }
        }
        return false;
    }

    private static final int TIMER_SET_CALLBACK = 170;

    private static long largestKey(LinuxMaps maps) {
        return Math.max(1, maps.all().stream().mapToLong(LinuxMap::keySize).max().orElse(1));
    }

    /** Gives a loaded program the maps (shared) and this CPU's context (its own region). */
    private void attach(LoadedProgram l) {
        maps.attach(l.memory());
        if (timerKey.byteSize() > 0) {
            l.memory().addRegion(timerKey, Access.READ_ONLY, "timer callback key");
        }
        l.memory().setTimeBudget(timeBudget);
        l.memory().addRegion(context, type.contextAccess(), type.name() + " context");
        for (int k = 0; k < arguments.length; k++) {
            if (arguments[k].byteSize() > 0) {
                l.memory().addRegion(arguments[k], argumentRegions.get(k).access(), "argument " + argumentRegions.get(k).name());
            }
        }
    }

    /**
     * Makes only the first {@code bytes} bytes of argument region {@code k} addressable for the
     * next runs (at most the region's size): a run-time slice is addressable up to its run's length.
     */
    void limitArgument(int k, long bytes) {
        for (LoadedProgram l : programs) {
            if (l != null && arguments[k].byteSize() > 0) {
                l.memory().resizeRegion(arguments[k].address(), bytes);
            }
        }
    }

    /** This CPU's memory for its argument regions: the host fills them before a run and reads them after. */
    CpuArguments arguments() {
        return argumentView;
    }

    /** The instructions program {@code index}'s last run executed, where its engine counts them (the interpreter). */
    OptionalLong executedInstructions(int index) {
        return Interpreter.executedInstructions(programs[index]);
    }

    RunState state() {
        return state;
    }

    /** Whether program {@code index} of the object is loaded here. */
    boolean loads(int index) {
        return index >= 0 && index < programs.length && programs[index] != null;
    }

    /**
     * Places the packet, fills the context's packet fields and scalars; returns the packet slice.
     * For a type without a packet ({@link LinuxProgramType#hasPacket}) {@code packetBytes} are the
     * context's first bytes instead (registers, a trace record, arguments; the rest zero), and the
     * packet is empty.
     */
    MemorySegment prepare(byte[] packetBytes, int ifindex) {
        if (!type.hasPacket()) {
            return prepareContext(packetBytes);
        }
        MemorySegment bytes = packet.place(packetBytes);
        state.placePacket(bytes.address(), bytes.address() + bytes.byteSize(), PacketHelpers.frameEnd(packet, bytes),
                ifindex, PacketHelpers.ETH_HLEN);
        context.fill((byte) 0);
        writePacketFields(type, state);
        writeScalars(bytes, ifindex);
        return bytes;
    }

    /**
     * Places an empty packet for a run with an entry's arguments ({@link #invokeWithArguments}),
     * leaving the context as it is: r1..r5 are the arguments, so nothing of such a run can reach
     * the context, and every {@link #prepare} fills it again before a run that gets it. Writing it
     * anyway cost every invocation a few nanoseconds and, after other work, a cache miss.
     */
    MemorySegment prepareWithoutContext() {
        MemorySegment bytes = packet.place(NO_PACKET);
        state.placePacket(bytes.address(), bytes.address(), PacketHelpers.frameEnd(packet, bytes), state.ifindex, PacketHelpers.ETH_HLEN);
        return bytes;
    }

    private static final byte[] NO_PACKET = new byte[0];

    private MemorySegment prepareContext(byte[] record) {
        if (record.length > type.contextSize()) {
            throw new IllegalArgumentException("a " + type.name() + " context is " + type.contextSize() + " bytes, not "
                    + record.length);
        }
        MemorySegment bytes = packet.place(NO_PACKET);
        state.placePacket(bytes.address(), bytes.address(), PacketHelpers.frameEnd(packet, bytes), state.ifindex, PacketHelpers.ETH_HLEN);
        context.fill((byte) 0);
        MemorySegment.copy(record, 0, context, ValueLayout.JAVA_BYTE, 0, record.length);
        state.contextLength = record.length;
        return bytes;
    }

    /** Runs program {@code entry} on the prepared context and packet, following tail calls. */
    ExecResult invoke(int entry, MemorySegment packetSlice) {
        state.program = entry;
        return invoke(programs[entry], packetSlice);
    }

    /**
     * Runs a timer's callback: {@code function} of program {@code program} as a run of its own
     * ({@link LoadedProgram#runFunction}) with r1 = the map's handle, r2 = the element's key (copied
     * into this CPU's key region), r3 = the value, as Linux calls it; in the runs' write scopes, and
     * what it leaves held is given back. A tail call from the callback ends it with a fault.
     */
    ExecResult invokeCallback(int program, long function, long mapHandle, byte[] key, long value) {
        if (!loads(program)) {
            return new ExecResult.Faulted(new Fault(-1, dev.warden.vm.FaultKind.HELPER_FAILED,
                    "timer callback of program " + program + ", which this CPU does not load"));
        }
        MemorySegment.copy(key, 0, timerKey, ValueLayout.JAVA_BYTE, 0, Math.min(key.length, (int) timerKey.byteSize()));
        prepareWithoutContext();
        long[] registers = {mapHandle, timerKey.address(), value};
        return switch (scopes.length) {
            case 0 -> callbackOpen(program, function, registers);
            case 1 -> {
                try (dev.warden.mpk.WriteScope w = scopes[0].openWrite()) {
                    yield callbackOpen(program, function, registers);
                }
            }
            default -> {
                try (dev.warden.mpk.WriteScope a = scopes[0].openWrite(); dev.warden.mpk.WriteScope b = scopes[1].openWrite()) {
                    yield callbackOpen(program, function, registers);
                }
            }
        };
    }

    private ExecResult callbackOpen(int program, long function, long[] registers) {
        state.startInvocation();
        state.program = program;
        try {
            return programs[program].runFunction(function, registers);
        } catch (TailCall t) {
            return new ExecResult.Faulted(new Fault(-1, dev.warden.vm.FaultKind.HELPER_FAILED,
                    "a tail call from a timer callback (this runtime follows none)"));
        } finally {
            giveBack();
        }
    }

    /**
     * Loads {@code code} (map references resolved) into this CPU's engine with its helpers, runs
     * it once like {@link #invoke(int, MemorySegment)} and frees it.
     */
    ExecResult invokeOnce(Program code, MemorySegment packetSlice) {
        state.program = -1;
        try (LoadedProgram l = engine.load(code, options)) {
            attach(l);
            return invoke(l, packetSlice);
        }
    }

    /**
     * Runs program {@code entry} with r1-r5 = {@code registers} (an entry's arguments: addresses of
     * {@link #argument} regions, scalars) instead of a context, following tail calls with the same
     * registers. Call {@link #prepareWithoutContext} first.
     */
    ExecResult invokeWithArguments(int entry, long[] registers, MemorySegment packetSlice) {
        state.program = entry;
        return invoke(programs[entry], packetSlice, registers);
    }

    private ExecResult invoke(LoadedProgram first, MemorySegment packetSlice) {
        return invoke(first, packetSlice, NO_ARGUMENTS);
    }

    /** Marks a run that gets the context in r1 (not an entry's arguments). */
    private static final long[] NO_ARGUMENTS = new long[0];

    /**
     * The keys whose write scopes every run of this CPU opens: the maps' (when their values are
     * isolated) and the heap's, usually one and the same (the process's extension key for the
     * mode); empty without isolation and heap, and then a run opens nothing.
     */
    private dev.warden.mpk.ProtectionKey[] scopes = new dev.warden.mpk.ProtectionKey[0];

    /** Opens {@code h}'s write scope around every run of this CPU (the heap stays write-protected outside them). */
    void protect(KflexHeap h) {
        protect(h.key());
    }

    private void protect(dev.warden.mpk.ProtectionKey key) {
        for (dev.warden.mpk.ProtectionKey k : scopes) {
            if (k == key) {
                return;
            }
        }
        if (scopes.length == 2) {
            throw new IllegalStateException("a CPU opens at most two keys' scopes (maps and heap), not " + (scopes.length + 1));
        }
        scopes = java.util.Arrays.copyOf(scopes, scopes.length + 1);
        scopes[scopes.length - 1] = key;
    }

    /**
     * One scope per key for the whole invocation, so that the helpers it calls (map updates, ring
     * buffer output), its tail calls, loop callbacks and the give-back at its end all write inside
     * it; nothing is opened per helper call.
     */
    private ExecResult invoke(LoadedProgram first, MemorySegment packetSlice, long[] registers) {
        // Without isolation the path stays as small as before (it is inlined into every invocation).
        return scopes.length == 0 ? invokeOpen(first, packetSlice, registers) : invokeScoped(first, packetSlice, registers);
    }

    private ExecResult invokeScoped(LoadedProgram first, MemorySegment packetSlice, long[] registers) {
        dev.warden.mpk.ProtectionKey[] keys = scopes;
        if (keys.length == 1) {
            try (dev.warden.mpk.WriteScope w = keys[0].openWrite()) {
                return invokeOpen(first, packetSlice, registers);
            }
        }
        try (dev.warden.mpk.WriteScope maps = keys[0].openWrite(); dev.warden.mpk.WriteScope heap = keys[1].openWrite()) {
            return invokeOpen(first, packetSlice, registers);
        }
    }

    private ExecResult invokeOpen(LoadedProgram first, MemorySegment packetSlice, long[] registers) {
        state.startInvocation();
        try {
            try {
                return registers == NO_ARGUMENTS ? first.runWithContext(context.address(), packetSlice, Access.READ_WRITE)
                        : first.runWithArguments(registers, packetSlice, Access.READ_WRITE);
            } catch (TailCall t) {
                return followTailCalls(first, t, registers);
            }
        } finally {
            giveBack();
        }
    }

    /**
     * A tail call from a subprogram: program {@code index} runs in the place of the function that
     * called the helper in {@code caller} (its frame slot, its input, its deadline), with r1 =
     * {@code r1} (the context), on the budget the caller has left, following the target's own tail
     * calls (the invocation's count), and hands back its r0 and the budget left. A fault is the
     * target's, at its pc, its message naming the program (the deepest target of a chain of
     * such tail calls, which {@link VmFault#tailCallTarget} marks).
     */
    private long runInPlaceOf(Memory caller, int index, long r1) {
        long budget = caller.budgetLeft();
        int current = index;
        int callerProgram = state.program;
        while (true) {
            LoadedProgram target = programs[current];
            state.program = current;
            long start = state.packetMeta;
            long end = state.packetEnd;
            try {
                long r0 = target.runInPlaceOf(caller, r1, budget);
                caller.setBudgetLeft(target.memory().budgetLeft());
                followPacket(caller, start, end);
                state.program = callerProgram;
                return r0;
            } catch (TailCall t) {
                budget = target.memory().budgetLeft();
                current = t.program();
                followPacket(caller, start, end); // the next target takes the caller's input
            } catch (VmFault f) {
                if (f.tailCallTarget().isPresent()) {
                    throw f; // named by the target it happened in, deeper down the chain
                }
                Fault fault = f.fault();
                throw VmFault.inTailCallTarget(
                        new Fault(fault.pc(), fault.kind(), "in program " + current + ", a tail call's target: " + fault.message()), current);
            }
        }
    }

    /**
     * Where a target moved the packet ({@code bpf_xdp_adjust_head}, which rewrites the context's
     * {@code data}), the caller's input region follows, as the helper does for the program that
     * calls it: the caller reloads {@code data} from the context and must find the packet there.
     */
    private void followPacket(Memory caller, long start, long end) {
        if (state.packetMeta != start || state.packetEnd != end) {
            caller.setInput(packet.slice(state.packetMeta, state.packetEnd), Access.READ_WRITE, type.inputKind());
        }
    }

    /**
     * Runs the programs an entry function's tail calls start, one after the other, each on the
     * budget the previous one left and under the invocation's deadline.
     */
    private ExecResult followTailCalls(LoadedProgram from, TailCall first, long[] registers) {
        LoadedProgram previous = from;
        TailCall t = first;
        while (true) {
            LoadedProgram next = programs[t.program()];
            state.program = t.program();
            // The packet may have moved (bpf_xdp_adjust_head): the next program sees it where it is now.
            MemorySegment packetSlice = packet.slice(state.packetMeta, state.packetEnd);
            long budget = previous.memory().budgetLeft();
            try {
                if (registers == NO_ARGUMENTS) {
                    return next.continueWithContext(context.address(), packetSlice, Access.READ_WRITE, budget, previous.memory());
                }
                // An entry's arguments: r1-r5 again, on a fresh budget and deadline (as before this round).
                return next.runWithArguments(registers, packetSlice, Access.READ_WRITE);
            } catch (TailCall again) {
                previous = next;
                t = again;
            }
        }
    }

    /** Releases the spin locks and discards the reservations a run left behind. */
    private void giveBack() {
        if (!state.heldLocks.isEmpty()) {
            for (long lock : state.heldLocks) {
                MemorySegment.ofAddress(lock).reinterpret(4).set(ValueLayout.JAVA_INT, 0, 0);
            }
            state.heldLocks.clear();
        }
        if (!state.reservations.isEmpty()) {
            for (RunState.Reservation r : state.reservations) {
                r.map().commit(r.address(), RingBufMap.Release.DISCARD);
            }
            state.reservations.clear();
        }
    }

    /** Stores the packet's bounds in the context: the u32 fields hold real addresses (below 4 GiB). */
    static void writePacketFields(LinuxProgramType type, RunState s) {
        s.context.set(ValueLayout.JAVA_INT_UNALIGNED, type.dataOffset(), (int) s.packetStart);
        s.context.set(ValueLayout.JAVA_INT_UNALIGNED, type.dataEndOffset(), (int) s.packetEnd);
        // data_meta == data until bpf_xdp_adjust_meta makes room for metadata.
        s.context.set(ValueLayout.JAVA_INT_UNALIGNED, type.dataMetaOffset(), (int) s.packetMeta);
        if (type.lengthOffset() >= 0) {
            s.context.set(ValueLayout.JAVA_INT_UNALIGNED, type.lengthOffset(), (int) (s.packetEnd - s.packetStart));
        }
    }

    private void writeScalars(MemorySegment bytes, int ifindex) {
        if (type == LinuxProgramType.XDP) {
            context.set(ValueLayout.JAVA_INT_UNALIGNED, 12, ifindex); // ingress_ifindex; rx_queue_index 0
            return;
        }
        // __sk_buff: protocol is the EtherType in network order, as the kernel's skb->protocol.
        if (bytes.byteSize() >= 14) {
            short etherType = (short) ((bytes.get(ValueLayout.JAVA_BYTE, 12) & 0xff)
                    | (bytes.get(ValueLayout.JAVA_BYTE, 13) & 0xff) << 8);
            context.set(ValueLayout.JAVA_SHORT_UNALIGNED, LinuxProgramType.SkBuff.PROTOCOL, etherType);
            context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.PKT_TYPE, packetType(bytes));
        }
        context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.INGRESS_IFINDEX, ifindex);
        context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.IFINDEX, ifindex);
        context.set(ValueLayout.JAVA_INT_UNALIGNED, LinuxProgramType.SkBuff.WIRE_LEN, (int) bytes.byteSize());
    }

    /**
     * {@code skb->pkt_type} as the kernel's {@code eth_type_trans} sets it on receive, on the device
     * the runs model (ifindex 1, Linux's loopback, whose address is all zero): a group destination is
     * broadcast (1) or multicast (2), any other destination but the device's own is another host's (3).
     */
    private static int packetType(MemorySegment bytes) {
        boolean group = (bytes.get(ValueLayout.JAVA_BYTE, 0) & 1) != 0;
        boolean broadcast = true;
        boolean zero = true;
        for (int i = 0; i < 6; i++) {
            byte b = bytes.get(ValueLayout.JAVA_BYTE, i);
            broadcast &= b == (byte) 0xff;
            zero &= b == 0;
        }
        if (group) {
            return broadcast ? PACKET_BROADCAST : PACKET_MULTICAST;
        }
        return zero ? PACKET_HOST : PACKET_OTHERHOST;
    }

    private static final int PACKET_HOST = 0;
    private static final int PACKET_BROADCAST = 1;
    private static final int PACKET_MULTICAST = 2;
    private static final int PACKET_OTHERHOST = 3;

    /** The loaded programs, for inspection (the first one's memory holds the regions). */
    List<LoadedProgram> loaded() {
        return java.util.Arrays.stream(programs).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public void close() {
        for (LoadedProgram l : programs) {
            if (l != null) {
                l.close();
            }
        }
        packet.close();
    }
}
