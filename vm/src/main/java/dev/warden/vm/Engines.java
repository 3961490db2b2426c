package dev.warden.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Finds the {@link Engine}s on the class path by name. */
public final class Engines {
    private Engines() {}

    /** Every engine found, in class-path order. */
    public static List<Engine> all() {
        List<Engine> out = new ArrayList<>();
        for (Engine e : ServiceLoader.load(Engine.class, Engines.class.getClassLoader())) {
            out.add(e);
        }
        return out;
    }

    /** The engine called {@code name}, if one is on the class path. */
    public static Optional<Engine> find(String name) {
        for (Engine e : ServiceLoader.load(Engine.class, Engines.class.getClassLoader())) {
            if (e.name().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The names of the engines found, for error messages ("interp, jit"). */
    public static List<String> names() {
        return all().stream().map(Engine::name).toList();
    }
}
