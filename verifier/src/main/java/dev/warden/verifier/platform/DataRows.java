package dev.warden.verifier.platform;

import java.util.List;
import java.util.function.Consumer;

/**
 * The row format of the platform's data files: one record per line, fields separated by white
 * space, blank lines and {@code #} comments skipped. A row its parser refuses (with an
 * {@link IllegalArgumentException}) becomes a {@link PlatformDataException} naming file and line.
 */
final class DataRows {
    private DataRows() {}

    static void forEach(String file, List<String> lines, Consumer<String[]> row) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                row.accept(line.split("\\s+"));
            } catch (IllegalArgumentException e) {
                throw new PlatformDataException(file, i + 1, e.getMessage(), e);
            }
        }
    }
}
