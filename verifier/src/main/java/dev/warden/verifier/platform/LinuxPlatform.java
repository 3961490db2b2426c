package dev.warden.verifier.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Reads the Linux platform's resource files once: {@code linux-helpers.tsv} (helper prototypes)
 * and {@code linux-program-types.txt} (program types, contexts, section names, the layouts of
 * sockets and flow keys reached through typed pointers) and {@code linux-map-types.txt} (what
 * lookups give and which helpers each map type accepts) and {@code linux-helper-availability.txt}
 * (which program types may call each helper) and {@code linux-btf-objects.txt} (the kernel structs
 * helpers return and take as BTF pointers); the target BTF is the running kernel's. A malformed row
 * fails class initialisation with its file and line ({@link PlatformDataException}): the files
 * ship with Warden, so a bad row is a defect to fix, not an input to tolerate.
 */
final class LinuxPlatform {
    static final String HELPERS = "linux-helpers.tsv";
    static final String PROGRAM_TYPES = "linux-program-types.txt";
    static final String MAP_TYPES = "linux-map-types.txt";
    static final String AVAILABILITY = "linux-helper-availability.txt";
    static final String BTF_OBJECTS = "linux-btf-objects.txt";
    static final String KFUNCS = "linux-kfuncs.txt";

    static final Platform INSTANCE = read();

    private LinuxPlatform() {}

    private static Platform read() {
        List<HelperPrototype> helpers = HelperTable.parse(HELPERS, lines(HELPERS));
        ProgramTypeTable.Parsed parsed = ProgramTypeTable.parse(PROGRAM_TYPES, lines(PROGRAM_TYPES));
        MapTypeTable.Parsed maps = MapTypeTable.parse(MAP_TYPES, lines(MAP_TYPES), helpers, parsed.types());
        Map<Integer, HelperAvailability> availability =
                HelperAvailabilityTable.parse(AVAILABILITY, lines(AVAILABILITY), helpers, parsed.types());
        BtfObjects btfObjects = BtfObjectTable.parse(BTF_OBJECTS, lines(BTF_OBJECTS), helpers);
        return new Platform(helpers, parsed.types(), parsed.objects(), maps.maps(), maps.helperMapTypes(), availability,
                maps.byProgramType()).withBtfObjects(btfObjects).withKfuncs(KfuncTable.parse(KFUNCS, lines(KFUNCS)))
                .withSystemKernelBtf();
    }

    static List<String> lines(String resource) {
        try (InputStream in = LinuxPlatform.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PlatformDataException(resource, 0, "resource missing from the class path (package dev.warden.verifier.platform)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading platform resource " + resource, e);
        }
    }
}
