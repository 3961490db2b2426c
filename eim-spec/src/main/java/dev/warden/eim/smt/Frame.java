package dev.warden.eim.smt;

import dev.warden.eim.CType;
import dev.warden.eim.Types;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the names in a span's bounds mean: the policy's types, the names in scope with their
 * types, and their solver-level names (entry arguments by position, {@code arg0}, so that two
 * policy versions that name a parameter differently still speak of the same argument).
 */
record Frame(Types types, Map<String, CType> scope, Map<String, String> naming) {
    Frame {
        scope = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scope));
        naming = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(naming));
    }

    /** The scope under solver-level names ({@code arg0: Request *}). */
    Map<String, CType> canonicalScope() {
        Map<String, CType> out = new LinkedHashMap<>();
        for (var e : scope.entrySet()) out.put(naming.getOrDefault(e.getKey(), e.getKey()), e.getValue());
        return out;
    }
}
