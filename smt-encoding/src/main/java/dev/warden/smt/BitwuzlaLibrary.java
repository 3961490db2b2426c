package dev.warden.smt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds Bitwuzla's JNI library ({@code libbitwuzlaj}) for JavaSMT. Maven publishes it as an
 * artifact of its own (type {@code so}, classifier {@code libbitwuzlaj-x64}), which lands in the
 * same directory as the {@code javasmt-solver-bitwuzla} jar: in the local repository and in the
 * command's {@code lib/}. JavaSMT's own search expects a file named {@code libbitwuzlaj.so} beside
 * its jar, which neither layout has, so the library is loaded from here instead. The system
 * property {@code warden.bitwuzla.library} names the file explicitly.
 */
final class BitwuzlaLibrary {
    private static final String PROPERTY = "warden.bitwuzla.library";
    private static final String JNI_CLASS = "org.sosy_lab.java_smt.solvers.bitwuzla.api.BitwuzlaNativeJNI";

    private BitwuzlaLibrary() {}

    /** Loads the library JavaSMT asks for by {@code name}; fails with where it looked. */
    static void load(String name) {
        Path p = locate().orElseThrow(() -> new IllegalStateException("Bitwuzla's JNI library (lib" + name
            + ".so) was not found beside the javasmt-solver-bitwuzla jar; set -D" + PROPERTY + "=FILE"));
        System.load(p.toAbsolutePath().toString());
    }

    static Optional<Path> locate() {
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null) {
            return Optional.of(Path.of(explicit)).filter(Files::isRegularFile);
        }
        Optional<Path> dir = JniLibraries.jarDirectory(JNI_CLASS);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir.get())) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return n.equals("libbitwuzlaj.so") || n.startsWith("javasmt-solver-bitwuzla-") && n.endsWith("-libbitwuzlaj-x64.so");
            }).sorted().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
