package dev.warden.eim.smt;

import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import dev.warden.eim.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conjunction of constraints of one capability, with the types of the names in scope and the
 * solver-level name of each (so that two capabilities of one function, or the same capability in
 * two policy versions, speak of the same argument by position: {@code arg0}, {@code arg1}, {@code rtn}).
 */
public record Alternative(Types types, List<Expr> constraints, Map<String, CType> scope, Map<String, String> naming) {
    public Alternative {
        constraints = List.copyOf(constraints);
        scope = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scope));
        naming = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(naming));
    }
}
