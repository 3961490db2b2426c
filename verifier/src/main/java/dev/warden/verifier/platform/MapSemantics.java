package dev.warden.verifier.platform;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A map type as the verifier sees it: what a lookup gives, and which helpers accept it as their
 * map argument (the map-side half of the kernel's check_map_func_compatibility).
 *
 * @param linuxType the uapi {@code BPF_MAP_TYPE_*} value
 * @param onlyHelpers the ids of the helpers that may take this map type, or empty when the map type
 *     restricts none (hash, array and their variants)
 */
public record MapSemantics(int linuxType, String name, MapLookup lookup, Optional<Set<Integer>> onlyHelpers) {
    public MapSemantics {
        Objects.requireNonNull(name);
        Objects.requireNonNull(lookup);
        onlyHelpers = onlyHelpers.map(s -> Collections.unmodifiableSet(new TreeSet<>(s)));
    }

    /** Whether this map type lets the helper take it (the helper may restrict map types too: {@link Platform#mapAllowsHelper}). */
    public boolean acceptsHelper(int helperId) {
        return onlyHelpers.map(s -> s.contains(helperId)).orElse(true);
    }
}
