package dev.warden.eim;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where each model node came from. Keyed by identity: the model records compare by value (so a
 * formatted policy equals the original), so locations cannot live inside them.
 */
public final class SourceMap {
    private final IdentityHashMap<Object, Location> nodes = new IdentityHashMap<>();
    private final IdentityHashMap<Declaration, Map<String, Location>> properties = new IdentityHashMap<>();

    void put(Object node, Location at) {
        nodes.put(node, at);
    }

    void putProperty(Declaration d, String key, Location at) {
        properties.computeIfAbsent(d, k -> new HashMap<>()).put(key, at);
    }

    void putAll(SourceMap other) {
        nodes.putAll(other.nodes);
        properties.putAll(other.properties);
    }

    /** The location of a node, or {@code fallback} when the node was not made by the parser. */
    public Location of(Object node, Location fallback) {
        Location l = nodes.get(node);
        return l == null ? fallback : l;
    }

    /** Where a declaration's property value is written, or the declaration itself. */
    public Location property(Declaration d, String key, Location fallback) {
        Map<String, Location> m = properties.get(d);
        Location l = m == null ? null : m.get(key);
        return l == null ? of(d, fallback) : l;
    }
}
