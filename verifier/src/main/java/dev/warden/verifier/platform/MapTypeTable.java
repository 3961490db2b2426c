package dev.warden.verifier.platform;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@code linux-map-types.txt} (its header documents the records): {@code map} records and
 * {@code needs} records naming helpers and map types by name. Helper names resolve against the
 * helper table, so a misspelt name is a located error.
 */
final class MapTypeTable {
    private MapTypeTable() {}

    /** The map types by id, and for each restricted helper id the map type ids it accepts. */
    record Parsed(Map<Integer, MapSemantics> maps, Map<Integer, Set<Integer>> helperMapTypes,
                  Map<Integer, Map<Integer, Set<String>>> byProgramType) {
        Parsed {
            maps = Map.copyOf(maps);
            byProgramType = Map.copyOf(byProgramType);
            Map<Integer, Set<Integer>> copy = new TreeMap<>();
            helperMapTypes.forEach((k, v) -> copy.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
            helperMapTypes = Collections.unmodifiableMap(copy);
        }
    }

    static Parsed parse(String file, List<String> lines, List<HelperPrototype> helpers, List<ProgramType> programTypes) {
        Set<String> typeNames = new TreeSet<>();
        for (ProgramType t : programTypes) {
            typeNames.add(t.name());
        }
        Map<Integer, Map<Integer, Set<String>>> byType = new TreeMap<>();
        Map<String, Integer> helperIds = new HashMap<>();
        for (HelperPrototype h : helpers) {
            helperIds.put(h.name(), h.id());
        }
        Map<Integer, MapSemantics> maps = new TreeMap<>();
        Map<String, Integer> mapIds = new HashMap<>();
        Map<Integer, Set<Integer>> needs = new TreeMap<>();
        DataRows.forEach(file, lines, t -> {
            switch (t[0]) {
                case "map" -> {
                    if (t.length != 5) {
                        throw new IllegalArgumentException("expected: map ID NAME LOOKUP HELPERS");
                    }
                    int id = integer(t[1]);
                    MapLookup lookup = HelperTable.constant(MapLookup.class, t[3], "lookup");
                    Optional<Set<Integer>> only = switch (t[4]) {
                        case "*" -> Optional.empty();
                        case "-" -> Optional.of(Set.of());
                        default -> Optional.of(helperSet(t[4].split(","), helperIds));
                    };
                    if (maps.put(id, new MapSemantics(id, t[2], lookup, only)) != null || mapIds.put(t[2], id) != null) {
                        throw new IllegalArgumentException("map type " + t[1] + " " + t[2] + " defined twice");
                    }
                }
                case "needs" -> {
                    if (t.length < 3) {
                        throw new IllegalArgumentException("expected: needs HELPER MAPTYPE...");
                    }
                    int helper = helperSet(new String[] {t[1]}, helperIds).iterator().next();
                    Set<Integer> types = new TreeSet<>();
                    for (int k = 2; k < t.length; k++) {
                        Integer id = mapIds.get(t[k]);
                        if (id == null) {
                            throw new IllegalArgumentException("map type " + t[k] + " is not defined above");
                        }
                        types.add(id);
                    }
                    if (needs.put(helper, types) != null) {
                        throw new IllegalArgumentException("helper " + t[1] + " restricted twice");
                    }
                }
                case "bytype" -> {
                    if (t.length < 3) {
                        throw new IllegalArgumentException("expected: bytype MAPTYPE HELPER PROGRAMTYPE...");
                    }
                    Integer map = mapIds.get(t[1]);
                    if (map == null) {
                        throw new IllegalArgumentException("map type " + t[1] + " is not defined above");
                    }
                    int helper = helperSet(new String[] {t[2]}, helperIds).iterator().next();
                    if (!maps.get(map).acceptsHelper(helper)) {
                        throw new IllegalArgumentException("map type " + t[1] + " does not list helper " + t[2]);
                    }
                    Set<String> allowed = new TreeSet<>();
                    for (int k = 3; k < t.length; k++) {
                        if (!typeNames.contains(t[k])) {
                            throw new IllegalArgumentException("program type " + t[k] + " is not in the program type table");
                        }
                        allowed.add(t[k]);
                    }
                    if (byType.computeIfAbsent(map, x -> new TreeMap<>()).put(helper, allowed) != null) {
                        throw new IllegalArgumentException("map type " + t[1] + " and helper " + t[2] + " restricted twice");
                    }
                }
                default -> throw new IllegalArgumentException("unknown record '" + t[0] + "' (expected map, needs or bytype)");
            }
        });
        return new Parsed(maps, needs, byType);
    }

    private static Set<Integer> helperSet(String[] names, Map<String, Integer> helperIds) {
        Set<Integer> out = new TreeSet<>();
        for (String n : names) {
            Integer id = helperIds.get(n);
            if (id == null) {
                throw new IllegalArgumentException("helper " + n + " is not in the helper table");
            }
            out.add(id);
        }
        return out;
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("map type id '" + text + "' is not a number");
        }
    }
}
