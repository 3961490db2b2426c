package dev.warden.mpk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a mapping's permissions from /proc/self/maps: checks protection without touching the memory. */
final class ProcMaps {
    private ProcMaps() {}

    /** The "rwxp" field of the mapping that contains {@code address}, e.g. {@code r--p}. */
    static String permissions(long address) throws IOException {
        return PageProtection.of(address);
    }

    /** True where /proc/cpuinfo lists both the CPU feature and its OS enablement. */
    static boolean cpuHasProtectionKeys() throws IOException {
        String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("flags")).findFirst().orElse("");
        return (" " + flags + " ").contains(" pku ") && (" " + flags + " ").contains(" ospke ");
    }
}
