package dev.warden.runtime.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What two kernel runs of the same program on the same packet and seed agree on: for a program
 * that calls a nondeterministic helper (a clock, a random number), only these parts are compared
 * with Warden, whose clock and generator are virtual. A part that differs between the two runs
 * is listed as not compared, never dropped silently.
 *
 * @param r0 whether r0 was the same
 * @param packet whether the output packet was the same
 * @param unstableKeys per map name, the keys (hex) present in one run only or with different values
 * @param unstableMaps queues, stacks and ring buffers whose contents differed
 * @param notes one line per part left out
 */
record StableParts(boolean r0, boolean packet, Map<String, Set<String>> unstableKeys, Set<String> unstableMaps,
                   List<String> notes) {
    StableParts {
        unstableKeys = Map.copyOf(unstableKeys);
        unstableMaps = Set.copyOf(unstableMaps);
        notes = List.copyOf(notes);
    }

    /** Everything is compared: the program calls no nondeterministic helper. */
    static final StableParts ALL = new StableParts(true, true, Map.of(), Set.of(), List.of());

    static StableParts between(int r0a, int r0b, byte[] packetA, byte[] packetB, List<MapSnapshot> a, List<MapSnapshot> b,
                               String helpers) {
        List<String> notes = new ArrayList<>();
        String why = " (differs between two kernel runs; the program calls " + helpers + ")";
        boolean r0 = r0a == r0b;
        if (!r0) {
            notes.add("r0" + why);
        }
        boolean packet = Arrays.equals(packetA, packetB);
        if (!packet) {
            notes.add("packet" + why);
        }
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        Set<String> maps = new TreeSet<>();
        for (int i = 0; i < a.size(); i++) {
            MapSnapshot x = a.get(i);
            MapSnapshot y = b.get(i);
            if (x.shape() == MapSnapshot.Shape.SEQUENCE) {
                if (!sameValues(x.sequence(), y.sequence())) {
                    maps.add(x.name());
                    notes.add("map " + x.name() + why);
                }
                continue;
            }
            TreeSet<String> all = new TreeSet<>(x.elements().keySet());
            all.addAll(y.elements().keySet());
            TreeSet<String> unstable = new TreeSet<>();
            for (String k : all) {
                List<byte[]> vx = x.elements().get(k);
                List<byte[]> vy = y.elements().get(k);
                if (vx == null || vy == null || !sameValues(vx, vy)) {
                    unstable.add(k);
                }
            }
            if (!unstable.isEmpty()) {
                keys.put(x.name(), unstable);
                notes.add("map " + x.name() + " keys " + String.join(", ", unstable) + why);
            }
        }
        return new StableParts(r0, packet, keys, maps, notes);
    }

    private static boolean sameValues(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
