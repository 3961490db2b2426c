package dev.warden.verifier.platform;

import java.util.List;

/** Reads the Linux platform's resource files once. */
final class LinuxPlatform {
    // Filled from resources by the platform data (helpers.tsv, program-types.tsv, contexts).
    static final Platform INSTANCE = new Platform(List.of(), List.of());

    private LinuxPlatform() {}
}
