package dev.warden.smt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Finds cvc5's native libraries for JavaSMT. Maven publishes each as an artifact of type {@code so}
 * of {@code javasmt-solver-cvc5} (classifiers {@code libcvc5jni}, {@code libcvc5}, {@code libpoly},
 * {@code libpolyxx}), which land beside that artifact's {@code cvc5} jar, named
 * {@code javasmt-solver-cvc5-VERSION-CLASSIFIER.so}. The JNI library needs the others under their
 * plain names ({@code libcvc5.so}, ...) and finds them through its run path {@code $ORIGIN}, so
 * they are copied under those names into a fresh temporary directory and the JNI library is loaded
 * from there; the dynamic linker then finds the rest beside it. The system property
 * {@code warden.cvc5.libraries} names a directory that already holds the four plain names.
 */
final class Cvc5Library {
    private static final String PROPERTY = "warden.cvc5.libraries";
    private static final String API_CLASS = "io.github.cvc5.Solver";
    private static final List<String> NAMES = List.of("libcvc5jni", "libcvc5", "libpoly", "libpolyxx");

    private static Path loadedFrom;

    private Cvc5Library() {}

    /** Loads the library JavaSMT asks for ({@code cvc5jni}); fails with where it looked. */
    static synchronized void load(String name) {
        if (loadedFrom == null) {
            loadedFrom = prepare().orElseThrow(() -> new IllegalStateException("cvc5's native libraries ("
                + String.join(", ", NAMES) + ") were not found beside the javasmt-solver-cvc5 jar; set -D" + PROPERTY + "=DIR"));
        }
        System.load(loadedFrom.resolve("lib" + name + ".so").toAbsolutePath().toString());
    }

    /** Whether the four libraries are there to load (without loading them). */
    static boolean present() {
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null) {
            return NAMES.stream().allMatch(n -> Files.isRegularFile(Path.of(explicit, n + ".so")));
        }
        return JniLibraries.jarDirectory(API_CLASS).map(d -> NAMES.stream().allMatch(n -> artifact(d, n).isPresent())).orElse(false);
    }

    private static Optional<Path> prepare() {
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null) {
            return Optional.of(Path.of(explicit)).filter(d -> NAMES.stream().allMatch(n -> Files.isRegularFile(d.resolve(n + ".so"))));
        }
        Optional<Path> dir = JniLibraries.jarDirectory(API_CLASS);
        if (dir.isEmpty() || !NAMES.stream().allMatch(n -> artifact(dir.get(), n).isPresent())) {
            return Optional.empty();
        }
        try {
            Path tmp = Files.createTempDirectory("warden-cvc5-");
            tmp.toFile().deleteOnExit();
            for (String n : NAMES) {
                Path to = tmp.resolve(n + ".so");
                Files.copy(artifact(dir.get(), n).orElseThrow(), to, StandardCopyOption.REPLACE_EXISTING);
                to.toFile().deleteOnExit();
            }
            return Optional.of(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("copying cvc5's libraries: " + e.getMessage(), e);
        }
    }

    /** {@code javasmt-solver-cvc5-VERSION-NAME.so} in {@code dir}, or {@code NAME.so}. */
    private static Optional<Path> artifact(Path dir, String name) {
        Path plain = dir.resolve(name + ".so");
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith("javasmt-solver-cvc5-") && n.endsWith("-" + name + ".so");
            }).sorted().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
