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
    /** The run's virtual clock: the input's start, one {@link GeneralHelpers#CLOCK_STEP} more at each read. */
    long clock;
    /**
     * What {@code bpf_ktime_get_ns} and its kin read: {@link #VIRTUAL} (the run's virtual clock, so
     * that a run stays a function of its input), or a loaded extension's {@link TimerClock}, the
     * one its timers are due on, so that an absolute timer start computed from
     * {@code bpf_ktime_get_ns} lands where the program meant (Linux's {@code BPF_F_TIMER_ABS} is on
     * the clock {@code bpf_ktime_get_ns} reads).
     */
    private TimerClock programClock = VIRTUAL;
    /** Marks {@link #programClock} as the run's virtual clock; never read. */
    private static final TimerClock VIRTUAL = new TimerClock() {
        @Override
        public long monotonicNanos() {
            throw new IllegalStateException("the virtual clock is RunState.clock");
        }

        @Override
        public long realtimeNanos() {
            throw new IllegalStateException("the virtual clock is RunState.clock");
        }
    };
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
    /**
     * Whether {@link #log}, {@link #reservations} or {@link #heldLocks} may be non-empty (set by
     * {@link #trace}, {@link #reserve}, {@link #hold}): a run that used none of them starts and
     * ends reading this one field, not three lists' objects (three cache lines the server's own
     * work between two requests has usually evicted).
     */
    boolean leftovers;

    record Reservation(RingBufMap map, long address) {}

    RunState() {
        this(0);
    }

    RunState(int cpu) {
        this.cpu = cpu;
    }

    /** Has the clock helpers read {@code c} from now on (a loaded extension's timer clock). */
    void readClock(TimerClock c) {
        programClock = c;
    }

    /** Monotonic nanoseconds, as {@code bpf_ktime_get_ns} reads them (the virtual clock steps at each read). */
    long monotonicNow() {
        TimerClock c = programClock;
        return c == VIRTUAL ? (clock += GeneralHelpers.CLOCK_STEP) : c.monotonicNanos();
    }

    /** Nanoseconds since the epoch: the virtual clock's model reads the epoch at boot, so it is the monotonic time there. */
    long realtimeNow() {
        TimerClock c = programClock;
        return c == VIRTUAL ? (clock += GeneralHelpers.CLOCK_STEP) : c.realtimeNanos();
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
        tailCalls = 0;
        if (leftovers) {
            log.clear();
            reservations.clear();
            heldLocks.clear();
            leftovers = false;
        }
    }

    /** A trace line of this run. */
    void trace(String line) {
        log.add(line);
        leftovers = true;
    }

    /** A ring buffer reservation this run has not submitted or discarded yet. */
    void reserve(Reservation r) {
        reservations.add(r);
        leftovers = true;
    }

    /** A spin lock this run took. */
    void hold(long lock) {
        heldLocks.add(lock);
        leftovers = true;
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
