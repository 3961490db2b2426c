package dev.warden.verifier.platform;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@code linux-helper-availability.txt} (its header documents the records): one {@code
 * helper} record per helper of the helper table, naming the program types that may call it. Names
 * resolve against the helper table and the program types, and the contexts column is checked against
 * the listed types' contexts, so a misspelt or stale row is a located error.
 */
final class HelperAvailabilityTable {
    private HelperAvailabilityTable() {}

    static Map<Integer, HelperAvailability> parse(String file, List<String> lines, List<HelperPrototype> helpers,
                                                  List<ProgramType> types) {
        Map<String, HelperPrototype> byName = new HashMap<>();
        for (HelperPrototype h : helpers) {
            byName.put(h.name(), h);
        }
        Map<String, ProgramType> typeByName = new TreeMap<>();
        for (ProgramType t : types) {
            typeByName.put(t.name(), t);
        }
        Map<Integer, HelperAvailability> out = new TreeMap<>();
        DataRows.forEach(file, lines, t -> {
            if (!t[0].equals("helper")) {
                throw new IllegalArgumentException("unknown record '" + t[0] + "' (expected helper)");
            }
            if (t.length < 5) {
                throw new IllegalArgumentException("expected: helper NAME QUALITY CONTEXTS TYPES...");
            }
            HelperPrototype h = byName.get(t[1]);
            if (h == null) {
                throw new IllegalArgumentException("helper " + t[1] + " is not in the helper table");
            }
            DataQuality quality = switch (t[2]) {
                case "exact" -> DataQuality.EXACT;
                case "best-effort" -> DataQuality.BEST_EFFORT;
                default -> throw new IllegalArgumentException("quality: expected exact or best-effort, found '" + t[2] + "'");
            };
            Set<String> listed = typeList(t, typeByName);
            Set<String> contexts = t[3].equals("-") ? Set.of() : new TreeSet<>(List.of(t[3].split(",")));
            Set<String> expected = new TreeSet<>();
            for (String n : listed) {
                expected.add(typeByName.get(n).context().structName());
            }
            boolean takesContext = h.args().contains(ArgKind.PTR_TO_CTX) || h.args().contains(ArgKind.PTR_TO_CTX_OR_NULL);
            if (takesContext && !listed.isEmpty() && contexts.isEmpty()) {
                throw new IllegalArgumentException(h.name() + " takes the context: name the context structs it accepts");
            }
            if (!contexts.isEmpty() && !contexts.equals(expected)) {
                throw new IllegalArgumentException("contexts " + contexts + " are not those of the listed types " + expected);
            }
            if (out.put(h.id(), new HelperAvailability(h.id(), listed, contexts, quality)) != null) {
                throw new IllegalArgumentException("helper " + h.name() + " listed twice");
            }
        });
        for (HelperPrototype h : helpers) {
            if (!out.containsKey(h.id())) {
                throw new PlatformDataException(file, lines.size(), "helper " + h.name() + " has no row: every helper needs one");
            }
        }
        return out;
    }

    /** The TYPES column: names, or {@code *} (every type) followed by {@code !name} exclusions, or {@code -}. */
    private static Set<String> typeList(String[] t, Map<String, ProgramType> types) {
        Set<String> out = new LinkedHashSet<>();
        if (t.length == 5 && t[4].equals("-")) {
            return out;
        }
        int k = 4;
        if (t[4].equals("*")) {
            out.addAll(types.keySet());
            k = 5;
        }
        for (; k < t.length; k++) {
            boolean remove = t[k].startsWith("!");
            String name = remove ? t[k].substring(1) : t[k];
            if (!types.containsKey(name)) {
                throw new IllegalArgumentException("program type " + name + " is not in the program type table");
            }
            if (remove != t[4].equals("*")) {
                throw new IllegalArgumentException("'" + t[k] + "': exclusions (!name) only after *, and names only without it");
            }
            if (remove ? !out.remove(name) : !out.add(name)) {
                throw new IllegalArgumentException("program type " + name + " listed twice");
            }
        }
        return out;
    }
}
