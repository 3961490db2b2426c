package dev.warden.runtime.linux;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * What the helpers of one CPU read and change during a run: the virtual clock, the random
 * source, the process ids, the context and packet, the trace log, the keys that lookups missed
 * (the witness search fills those maps on later tries), and what the run holds and must give
 * back if it ends early (ring buffer reservations, spin locks). Reset at the start of every run,
 * so that a run is a function of its input. Used by one thread at a time (its CPU's run).
 */
final class RunState {
    /** Linux's {@code MAX_TAIL_CALL_CNT}: tail calls one invocation may make. */
    static final int MAX_TAIL_CALLS = 33;

    final int cpu;
    long clock;
    SplittableRandom random = new SplittableRandom(0);
    long pidTgid;
    /** The context structure (a region every memory of the object sees). */
    MemorySegment context = MemorySegment.NULL;
    /** The packet's current bounds (bpf_xdp_adjust_head moves the start). */
    long packetStart;
    long packetEnd;
    /** {@code data_meta}: below {@link #packetStart} once {@code bpf_xdp_adjust_meta} made room for metadata. */
    long packetMeta;
    /** How far {@code bpf_xdp_adjust_tail} may grow the packet: the frame's end less its reserved tailroom. */
    long frameEnd;
    /** The device the run arrives on (the only one the packet helpers know). */
    int ifindex;
    /** The skb metadata the packet helpers keep ({@link PacketHelpers}); reset for every run. */
    final SkbState skb = new SkbState();
    /** For a type without a packet, how many bytes of the context the input gave (fentry: 8 per argument). */
    int contextLength;
    final List<String> log = new ArrayList<>();
    /** Whether lookups record the keys they miss (the witness search's; hosts leave it off). */
    boolean recordMisses = true;
    /** Where trace_printk lines go besides {@link #log} (the host's log). */
    Consumer<String> traceSink = line -> { };
    /** Per map index, the keys lookups did not find this run, in order. */
    final List<List<byte[]>> missedKeys = new ArrayList<>();
    /**
     * The index in the object of the program running now (a tail call's target while it runs):
     * whose function a {@code bpf_timer_set_callback} names. -1 for a program run once, outside
     * the object's loaded programs.
     */
    int program = -1;
    /** Tail calls made by this invocation. */
    int tailCalls;
    /** Ring buffer reservations not yet submitted or discarded: map, sample address. */
    final List<Reservation> reservations = new ArrayList<>();
    /** Addresses of spin locks this run holds. */
    final List<Long> heldLocks = new ArrayList<>();

    record Reservation(RingBufMap map, long address) {}

    RunState() {
        this(0);
    }

    RunState(int cpu) {
        this.cpu = cpu;
    }

    void start(LinuxInput input, int mapCount) {
        clock = input.clockStart();
        random = new SplittableRandom(input.randomSeed());
        pidTgid = input.pidTgid();
        missedKeys.clear();
        for (int i = 0; i < mapCount; i++) {
            missedKeys.add(new ArrayList<>());
        }
        startInvocation();
    }

    /** Resets what every invocation starts without (log, tail-call count, holdings); allocation-free. */
    void startInvocation() {
        if (!log.isEmpty()) {
            log.clear();
        }
        tailCalls = 0;
        if (!reservations.isEmpty()) {
            reservations.clear();
        }
        if (!heldLocks.isEmpty()) {
            heldLocks.clear();
        }
    }

    /** A fresh packet at {@code [start, end)} with no metadata, its skb state reset. */
    void placePacket(long start, long end, long frameEnd, int ifindex, int networkOffset) {
        packetStart = start;
        packetEnd = end;
        packetMeta = start;
        this.frameEnd = frameEnd;
        this.ifindex = ifindex;
        skb.reset(networkOffset);
    }

    void missed(int mapIndex, byte[] key) {
        if (recordMisses && mapIndex < missedKeys.size()) {
            missedKeys.get(mapIndex).add(key);
        }
    }
}
