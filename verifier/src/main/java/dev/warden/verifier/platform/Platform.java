package dev.warden.verifier.platform;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the verifier knows about where programs run: helper prototypes by id and program
 * types by name. Immutable; passed in, never global. {@link #linux()} is the Linux platform read
 * from this package's resource files.
 */
public final class Platform {
    private final Map<Integer, HelperPrototype> helpers;
    private final Map<String, ProgramType> types;
    private final Map<ObjectKind, ContextLayout> objects;
    private final Map<Integer, MapSemantics> maps;
    private final Map<Integer, Set<Integer>> helperMapTypes;

    /** A platform whose programs reach no kernel objects besides their contexts. */
    public Platform(List<HelperPrototype> helpers, List<ProgramType> types) {
        this(helpers, types, Map.of());
    }

    /**
     * @param objects the layout of each kernel object kind programs may load from through a typed
     *     pointer; a kind without one may not be dereferenced
     */
    public Platform(List<HelperPrototype> helpers, List<ProgramType> types, Map<ObjectKind, ContextLayout> objects) {
        this(helpers, types, objects, Map.of(), Map.of());
    }

    /**
     * @param maps the semantics of each map type by uapi id; a map type without an entry accepts no
     *     helper
     * @param helperMapTypes for each helper that takes only some map types, their uapi ids
     */
    public Platform(List<HelperPrototype> helpers, List<ProgramType> types, Map<ObjectKind, ContextLayout> objects,
                    Map<Integer, MapSemantics> maps, Map<Integer, Set<Integer>> helperMapTypes) {
        Map<Integer, HelperPrototype> h = new TreeMap<>();
        for (HelperPrototype p : helpers) {
            if (h.put(p.id(), p) != null) {
                throw new IllegalArgumentException("helper id " + p.id() + " defined twice");
            }
        }
        Map<String, ProgramType> t = new TreeMap<>();
        for (ProgramType p : types) {
            if (t.put(p.name(), p) != null) {
                throw new IllegalArgumentException("program type " + p.name() + " defined twice");
            }
        }
        this.helpers = Map.copyOf(h);
        this.types = Map.copyOf(t);
        this.objects = Map.copyOf(objects);
        this.maps = Map.copyOf(maps);
        this.helperMapTypes = Map.copyOf(helperMapTypes);
    }

    /** What the verifier knows of a map type (uapi {@code BPF_MAP_TYPE_*}). */
    public Optional<MapSemantics> mapType(int linuxType) {
        return Optional.ofNullable(maps.get(linuxType));
    }

    /**
     * Whether a helper may take a map of this type as its map argument: both the map type's and the
     * helper's restrictions hold (the kernel's check_map_func_compatibility). A map type this
     * platform does not know accepts no helper.
     */
    public boolean mapAllowsHelper(int mapType, int helperId) {
        MapSemantics m = maps.get(mapType);
        if (m == null || !m.acceptsHelper(helperId)) {
            return false;
        }
        Set<Integer> only = helperMapTypes.get(helperId);
        return only == null || only.contains(mapType);
    }

    /** The fields of a kernel object a program may load through a pointer of this kind (all read-only but flow keys). */
    public Optional<ContextLayout> objectLayout(ObjectKind kind) {
        return Optional.ofNullable(objects.get(kind));
    }

    /** The Linux platform: every helper with a stable prototype in uapi bpf.h, the libbpf section conventions. */
    public static Platform linux() {
        return LinuxPlatform.INSTANCE;
    }

    public Optional<HelperPrototype> helper(int id) {
        return Optional.ofNullable(helpers.get(id));
    }

    public Optional<ProgramType> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    /** All program types, by name. */
    public List<ProgramType> types() {
        return List.copyOf(new TreeMap<>(types).values());
    }

    /** All helpers, by id. */
    public List<HelperPrototype> helpers() {
        return List.copyOf(new TreeMap<>(helpers).values());
    }

    /**
     * The program type a section name selects by the libbpf convention (the longest matching
     * prefix; a prefix matches the whole name or the part before a {@code /}).
     */
    public Optional<ProgramType> typeForSection(String section) {
        ProgramType best = null;
        int bestLength = -1;
        for (ProgramType t : types.values()) {
            for (String prefix : t.sectionPrefixes()) {
                boolean matches = section.equals(prefix) || section.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
                if (matches && prefix.length() > bestLength) {
                    best = t;
                    bestLength = prefix.length();
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
