package dev.warden.runtime.kernel;

import dev.warden.runtime.linux.MapEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What both sides' maps hold before a run, by map name: elements stored with {@code BPF_ANY}
 * (per-CPU maps: the same value on every CPU), values pushed onto queues and stacks, and program
 * array slots filled with programs of the object (by name).
 */
public record MapSeed(Map<String, List<MapEntry>> elements, Map<String, List<byte[]>> pushes,
                      Map<String, Map<Integer, String>> programSlots) {
    public MapSeed {
        elements = copy(elements);
        pushes = copy(pushes);
        Map<String, Map<Integer, String>> slots = new LinkedHashMap<>();
        programSlots.forEach((k, v) -> slots.put(k, java.util.Collections.unmodifiableMap(new TreeMap<>(v))));
        programSlots = java.util.Collections.unmodifiableMap(slots);
    }

    /** Maps as the object declares them (empty; arrays zero; global data its section's bytes). */
    public static final MapSeed NONE = new MapSeed(Map.of(), Map.of(), Map.of());

    public MapSeed withElements(String map, List<MapEntry> entries) {
        Map<String, List<MapEntry>> m = new LinkedHashMap<>(elements);
        m.put(map, entries);
        return new MapSeed(m, pushes, programSlots);
    }

    public MapSeed withPushes(String map, List<byte[]> values) {
        Map<String, List<byte[]>> m = new LinkedHashMap<>(pushes);
        m.put(map, values);
        return new MapSeed(elements, m, programSlots);
    }

    public MapSeed withProgram(String map, int slot, String program) {
        Map<String, Map<Integer, String>> m = new LinkedHashMap<>(programSlots);
        Map<Integer, String> slots = new TreeMap<>(m.getOrDefault(map, Map.of()));
        slots.put(slot, program);
        m.put(map, slots);
        return new MapSeed(elements, pushes, m);
    }

    /** The value seeded under {@code keyHex} in map {@code map}, if any. */
    java.util.Optional<byte[]> seeded(String map, String keyHex) {
        return elements.getOrDefault(map, List.of()).stream()
                .filter(e -> MapSnapshot.hex(e.key()).equals(keyHex)).map(MapEntry::value).reduce((a, b) -> b);
    }

    private static <V> Map<String, List<V>> copy(Map<String, List<V>> in) {
        Map<String, List<V>> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
