package dev.warden.mpk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a mapping's permissions from /proc/self/maps: checks protection without touching the memory. */
final class ProcMaps {
    private ProcMaps() {}

    /** The "rwxp" field of the mapping that contains {@code address}, e.g. {@code r--p}. */
    static String permissions(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.split("\\s+");
            String[] range = f[0].split("-");
            long lo = Long.parseUnsignedLong(range[0], 16);
            long hi = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(address, lo) >= 0 && Long.compareUnsigned(address, hi) < 0) {
                return f[1];
            }
        }
        throw new AssertionError("no mapping contains 0x" + Long.toHexString(address));
    }

    /** True where /proc/cpuinfo lists both the CPU feature and its OS enablement. */
    static boolean cpuHasProtectionKeys() throws IOException {
        String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("flags")).findFirst().orElse("");
        return (" " + flags + " ").contains(" pku ") && (" " + flags + " ").contains(" ospke ");
    }
}
