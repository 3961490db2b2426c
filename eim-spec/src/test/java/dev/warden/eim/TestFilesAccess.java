package dev.warden.eim;

import java.nio.file.Path;
import java.util.List;

/** {@link TestFiles} for tests in other packages. */
public final class TestFilesAccess {
    private TestFilesAccess() {}

    public static List<Path> corpusPolicyFiles() {
        return TestFiles.corpusPolicyFiles().toList();
    }

    public static Path corpusPolicies() {
        return TestFiles.corpusPolicies();
    }
}
