package dev.warden.eim;

import java.util.List;
import java.util.Optional;

/** A function prototype {@code (params) -> returns}. */
public record Prototype(List<Field> parameters, CType returns) {
    public Prototype {
        parameters = List.copyOf(parameters);
    }

    public Optional<Field> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public int indexOf(String name) {
        for (int i = 0; i < parameters.size(); i++) if (parameters.get(i).name().equals(name)) return i;
        return -1;
    }
}
