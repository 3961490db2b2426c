package dev.warden.eim.smt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Concrete values from a model: each solver-level name ({@code arg0}, {@code arg1->len},
 * {@code rtn}, {@code readable(arg0, arg1)}) with its value, in the order the names appeared.
 */
public record Witness(Map<String, String> values) {
    public Witness {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The witness as {@code name = value, ...}, with solver-level names renamed for the reader. */
    public String show(UnaryOperator<String> rename) {
        StringBuilder sb = new StringBuilder();
        for (var e : values.entrySet()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(rename.apply(e.getKey())).append(" = ").append(e.getValue());
        }
        return sb.isEmpty() ? "any call" : sb.toString();
    }
}
