package dev.warden.mpk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The page protection of this process's memory as the kernel reports it ({@code /proc/self/maps}):
 * how a test or a diagnostic checks that a region is read-only without touching it (a write to
 * find out would kill the process).
 */
public final class PageProtection {
    private PageProtection() {}

    /**
     * The {@code rwxp} field of the mapping that contains {@code address}, e.g. {@code r--p}.
     *
     * @throws IllegalArgumentException if no mapping contains it
     */
    public static String of(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.split("\\s+");
            String[] range = f[0].split("-");
            long lo = Long.parseUnsignedLong(range[0], 16);
            long hi = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(address, lo) >= 0 && Long.compareUnsigned(address, hi) < 0) {
                return f[1];
            }
        }
        throw new IllegalArgumentException("no mapping contains 0x" + Long.toHexString(address));
    }
}
