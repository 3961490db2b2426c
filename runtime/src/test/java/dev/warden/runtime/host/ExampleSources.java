package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** The examples' Java sources, compiled against this build the way a user compiles them. */
final class ExampleSources {
    private ExampleSources() {}

    /** Compiles {@code source} into {@code out} (failing the test with javac's diagnostics) and returns a loader for it. */
    static URLClassLoader compile(Path source, Path out) throws Exception {
        assertTrue(Files.isRegularFile(source), "the example is missing: " + source.toAbsolutePath());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", out.toString(), "-cp", System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
        return new URLClassLoader(new URL[] {out.toUri().toURL()}, ExampleSources.class.getClassLoader());
    }
}
