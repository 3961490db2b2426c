package dev.warden.verifier.platform;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

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
    private final Map<Integer, HelperAvailability> availability;
    private final Map<Integer, Map<Integer, Set<String>>> mapHelperProgramTypes;
    private final BtfObjects btfObjects;
    private final Supplier<Optional<KernelBtf>> kernelBtf;
    private final Map<String, Kfunc> kfuncs;
    /** The extension heap's size in bytes (KFlex), 0 for none. */
    private final long heapSize;

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
        this(helpers, types, objects, maps, helperMapTypes, Map.of(), Map.of());
    }

    /**
     * @param availability for each helper id, the program types that may call it; a helper without an
     *     entry may be called from every type (platforms that do not restrict helpers by type)
     * @param mapHelperProgramTypes map type id to helper id to the names of the program types from
     *     which that helper may take a map of that type (the kernel's may_update_sockmap); a pair
     *     without an entry is not restricted by program type
     */
    public Platform(List<HelperPrototype> helpers, List<ProgramType> types, Map<ObjectKind, ContextLayout> objects,
                    Map<Integer, MapSemantics> maps, Map<Integer, Set<Integer>> helperMapTypes,
                    Map<Integer, HelperAvailability> availability, Map<Integer, Map<Integer, Set<String>>> mapHelperProgramTypes) {
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
        this.availability = Map.copyOf(availability);
        Map<Integer, Map<Integer, Set<String>>> byType = new TreeMap<>();
        mapHelperProgramTypes.forEach((map, perHelper) -> {
            Map<Integer, Set<String>> copy = new TreeMap<>();
            perHelper.forEach((helper, names) -> copy.put(helper, Set.copyOf(names)));
            byType.put(map, Map.copyOf(copy));
        });
        this.mapHelperProgramTypes = Map.copyOf(byType);
        this.btfObjects = BtfObjects.NONE;
        this.kernelBtf = Optional::empty;
        this.kfuncs = Map.of();
        this.heapSize = 0;
    }

    private Platform(Platform p, BtfObjects btfObjects, Supplier<Optional<KernelBtf>> kernelBtf, Map<String, Kfunc> kfuncs) {
        this(p, p.helpers, btfObjects, kernelBtf, Map.copyOf(kfuncs), p.heapSize);
    }

    /** {@code p} with the given helpers, BTF, kernel functions and heap (the with... methods). */
    private Platform(Platform p, Map<Integer, HelperPrototype> helpers, BtfObjects btfObjects, Supplier<Optional<KernelBtf>> kernelBtf,
                     Map<String, Kfunc> kfuncs, long heapSize) {
        this.helpers = Map.copyOf(helpers);
        this.types = p.types;
        this.objects = p.objects;
        this.maps = p.maps;
        this.helperMapTypes = p.helperMapTypes;
        this.availability = p.availability;
        this.mapHelperProgramTypes = p.mapHelperProgramTypes;
        this.btfObjects = btfObjects;
        this.kernelBtf = kernelBtf;
        this.kfuncs = kfuncs;
        this.heapSize = heapSize;
    }

    /**
     * This platform with an extension heap of {@code bytes} (KFlex; a power of two, at least 16): its
     * allocation helpers ({@link KflexHelpers}, prototypes in {@code kflex-helpers.tsv}) become
     * callable, and loads and stores through heap pointers, or through numbers, address the heap
     * under the runtime's guard.
     */
    public Platform withHeap(long bytes) {
        if (bytes < 16 || Long.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("a heap's size must be a power of two of at least 16 bytes, not " + bytes);
        }
        Map<Integer, HelperPrototype> h = new TreeMap<>(helpers);
        for (HelperPrototype k : KflexHelpers.prototypes()) {
            h.put(k.id(), k);
        }
        return new Platform(this, h, btfObjects, kernelBtf, kfuncs, bytes);
    }

    /** The extension heap's size in bytes, when the platform gives extensions one (KFlex). */
    public java.util.OptionalLong heap() {
        return heapSize == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(heapSize);
    }

    /** This platform with the kernel functions it models, by name. */
    public Platform withKfuncs(Map<String, Kfunc> known) {
        return new Platform(this, btfObjects, kernelBtf, known);
    }

    /** The kernel function of this name, if the platform models it. */
    public Optional<Kfunc> kfunc(String name) {
        return Optional.ofNullable(kfuncs.get(name));
    }

    /** This platform with the structs its helpers return and take as BTF pointers. */
    public Platform withBtfObjects(BtfObjects objects) {
        return new Platform(this, objects, kernelBtf, kfuncs);
    }

    /**
     * This platform with a target kernel's BTF: kernel objects are typed by it and read through it.
     * Empty means none: reads through kernel-object pointers are then rejected.
     */
    public Platform withKernelBtf(Optional<KernelBtf> btf) {
        return new Platform(this, btfObjects, () -> btf, kfuncs);
    }

    /** This platform with the running kernel's BTF as its target, read when first needed. */
    Platform withSystemKernelBtf() {
        return new Platform(this, btfObjects, KernelBtf::system, kfuncs);
    }

    /** The structs helpers return and take as BTF pointers. */
    public BtfObjects btfObjects() {
        return btfObjects;
    }

    /**
     * The target kernel's BTF. {@link #linux()} uses the running kernel's ({@link KernelBtf#system()},
     * read the first time it is asked for).
     */
    public Optional<KernelBtf> kernelBtf() {
        return kernelBtf.get();
    }

    /**
     * Whether a program of this type may call the helper (the kernel's per-type get_func_proto: a
     * helper the type's table lacks is "unknown" to it). A helper that takes the context is available
     * only to types whose context it accepts. A type this platform does not define (a caller's own,
     * such as a test harness's) is not restricted: the platform has no data about it.
     */
    public boolean helperAvailable(ProgramType type, HelperPrototype helper) {
        HelperAvailability a = availability.get(helper.id());
        return a == null || !types.containsKey(type.name()) || a.availableTo(type);
    }

    /** Which program types may call a helper, where this platform says; empty when it does not restrict the helper. */
    public Optional<HelperAvailability> availability(int helperId) {
        return Optional.ofNullable(availability.get(helperId));
    }

    /**
     * Whether a program of this type may pass a map of this type to the helper: the map type and the
     * helper accept each other ({@link #mapAllowsHelper(int, int)}), and where the pair is restricted
     * to some program types (updating and deleting sockmap and sockhash entries), the type is one.
     */
    public boolean mapAllowsHelper(ProgramType type, int mapType, int helperId) {
        if (!mapsAccept(mapType, helperId)) {
            return false;
        }
        Set<String> only = mapHelperProgramTypes.getOrDefault(mapType, Map.of()).get(helperId);
        return only == null || only.contains(type.name());
    }

    /**
     * The program types from which the helper may take a map of this type, when the pair is
     * restricted by program type (empty otherwise).
     */
    public Optional<Set<String>> mapHelperProgramTypes(int mapType, int helperId) {
        return Optional.ofNullable(mapHelperProgramTypes.getOrDefault(mapType, Map.of()).get(helperId));
    }

    /** What the verifier knows of a map type (uapi {@code BPF_MAP_TYPE_*}). */
    public Optional<MapSemantics> mapType(int linuxType) {
        return Optional.ofNullable(maps.get(linuxType));
    }

    /**
     * Whether a helper may take a map of this type as its map argument from any program type: both
     * the map type's and the helper's restrictions hold (the kernel's check_map_func_compatibility),
     * and the pair is not restricted to some program types ({@link #mapAllowsHelper(ProgramType, int,
     * int)} answers for one type). A map type this platform does not know accepts no helper.
     */
    public boolean mapAllowsHelper(int mapType, int helperId) {
        return mapsAccept(mapType, helperId) && mapHelperProgramTypes(mapType, helperId).isEmpty();
    }

    private boolean mapsAccept(int mapType, int helperId) {
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
