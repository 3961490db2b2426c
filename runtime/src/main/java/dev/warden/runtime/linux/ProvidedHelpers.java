package dev.warden.runtime.linux;

import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The helpers a Linux program can call in this runtime, read from the table the runs use
 * ({@link LinuxHelpers#table}), so that a load can refuse a program that calls any other before it
 * runs. The table is the one source of truth: a helper added to it is provided here with no
 * second list to keep.
 */
public final class ProvidedHelpers {
    private static final Map<Integer, String> BY_ID = read();

    private ProvidedHelpers() {}

    /** The provided helpers' uapi ids with their names (without {@code bpf_}), in id order. */
    public static Map<Integer, String> byId() {
        return BY_ID;
    }

    /** Whether helper {@code id} is provided. */
    public static boolean provides(int id) {
        return BY_ID.containsKey(id);
    }

    private static Map<Integer, String> read() {
        // The table's ids do not depend on the program type, the maps or the run: an empty
        // environment builds it; no helper runs, so nothing here is touched.
        try (LinuxMaps maps = new LinuxMaps(List.of())) {
            Helpers table = LinuxHelpers.table(LinuxProgramType.XDP, maps, new RunState(), null, new TailTargets() {
                @Override
                public boolean loads(int index) {
                    return false;
                }

                @Override
                public long runInPlaceOf(Memory caller, int index, long r1) {
                    throw new IllegalStateException("no program runs here");
                }
            });
            return Collections.unmodifiableMap(new TreeMap<>(table.names()));
        }
    }
}
