package dev.warden.runtime.linux;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the helpers of one environment read and change during a run: the virtual clock, the
 * random source, the process ids, the context and packet, the trace log, and the keys that
 * lookups missed (the witness search fills those maps on later tries). Reset from the input at
 * the start of every run, so that a run is a function of its input.
 */
final class RunState {
    long clock;
    SplittableRandom random = new SplittableRandom(0);
    long pidTgid;
    /** The context structure (a region of the program's memory). */
    MemorySegment context = MemorySegment.NULL;
    /** The packet's current bounds (bpf_xdp_adjust_head moves the start). */
    long packetStart;
    long packetEnd;
    final List<String> log = new ArrayList<>();
    /** Per map index, the keys lookups did not find this run, in order. */
    final List<List<byte[]>> missedKeys = new ArrayList<>();

    void start(LinuxInput input, int mapCount) {
        clock = input.clockStart();
        random = new SplittableRandom(input.randomSeed());
        pidTgid = input.pidTgid();
        log.clear();
        missedKeys.clear();
        for (int i = 0; i < mapCount; i++) {
            missedKeys.add(new ArrayList<>());
        }
    }
}
