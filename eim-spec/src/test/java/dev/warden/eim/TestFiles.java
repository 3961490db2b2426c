package dev.warden.eim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds project files from a test's working directory (the module directory under Maven). */
final class TestFiles {
    private TestFiles() {}

    /** The nearest ancestor of the working directory that has {@code relative}, resolved. */
    static Optional<Path> find(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve(relative);
            if (Files.exists(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    static Path corpusPolicies() {
        return find("corpus/policies").orElseThrow(() -> new AssertionError("corpus/policies not found"));
    }

    static Stream<Path> corpusPolicyFiles() {
        try (Stream<Path> s = Files.list(corpusPolicies())) {
            return s.filter(p -> p.toString().endsWith(".eim")).sorted().toList().stream();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
