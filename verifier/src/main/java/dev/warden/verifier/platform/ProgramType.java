package dev.warden.verifier.platform;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Linux program type (uapi {@code enum bpf_prog_type}) as data: the libbpf section prefixes
 * that select it, its context, and the return range the kernel enforces, if any.
 *
 * @param name Warden's short name ({@code xdp}, {@code tc}, {@code socket}, {@code kprobe}...)
 * @param linuxType the uapi {@code BPF_PROG_TYPE_*} value, for loading into the kernel
 * @param sectionPrefixes the section names (exact, or followed by {@code /}) that select it
 * @param packetAccess whether the program may read (and, with {@code packetWrite}, write) the packet
 * @param quality whether this type's data was checked against the kernel or simplified
 */
public record ProgramType(String name, int linuxType, List<String> sectionPrefixes, ContextLayout context,
                          Optional<HelperPrototype.Range> returnRange, boolean packetAccess, boolean packetWrite,
                          DataQuality quality) {
    public ProgramType {
        sectionPrefixes = List.copyOf(sectionPrefixes);
        Objects.requireNonNull(quality);
        if (packetWrite && !packetAccess) {
            throw new IllegalArgumentException(name + ": packet writes without packet reads");
        }
    }

    /** A program type whose data was checked against the kernel. */
    public ProgramType(String name, int linuxType, List<String> sectionPrefixes, ContextLayout context,
                       Optional<HelperPrototype.Range> returnRange, boolean packetAccess, boolean packetWrite) {
        this(name, linuxType, sectionPrefixes, context, returnRange, packetAccess, packetWrite, DataQuality.EXACT);
    }
}
