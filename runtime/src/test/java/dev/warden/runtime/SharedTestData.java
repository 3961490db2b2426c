package dev.warden.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates {@code ../shared/testdata} beside the checkout (set by the build as {@code warden.shared}). */
final class SharedTestData {
    private SharedTestData() {}

    static Path conformance() {
        return dir("bpf-conformance");
    }

    static Path dir(String name) {
        String shared = System.getProperty("warden.shared", "../shared");
        Path p = Path.of(shared, "testdata", name).normalize();
        Assumptions.assumeTrue(Files.isDirectory(p), "external test data not found at " + p.toAbsolutePath());
        return p;
    }
}
