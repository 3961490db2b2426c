package dev.warden.smt;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a solver's jar lies: Maven puts a solver's native libraries (artifacts of type {@code so})
 * in the same directory, in the local repository and in the command's {@code lib/} alike.
 */
final class JniLibraries {
    private JniLibraries() {}

    /** The directory of the jar (or class directory) that holds {@code className}, if it is on the class path. */
    static Optional<Path> jarDirectory(String className) {
        try {
            Class<?> c = Class.forName(className, false, JniLibraries.class.getClassLoader());
            var source = c.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(Path.of(source.getLocation().toURI()).getParent());
        } catch (ClassNotFoundException | URISyntaxException e) {
            return Optional.empty();
        }
    }
}
