package dev.warden.verifier.platform;

import java.util.List;
import java.util.Optional;

/**
 * A Linux program type (uapi {@code enum bpf_prog_type}) as data: the libbpf section prefixes
 * that select it, its context, and the return range the kernel enforces, if any.
 *
 * @param name Warden's short name ({@code xdp}, {@code tc}, {@code socket}, {@code kprobe}...)
 * @param linuxType the uapi {@code BPF_PROG_TYPE_*} value, for loading into the kernel
 * @param sectionPrefixes the section names (exact, or followed by {@code /}) that select it
 * @param packetAccess whether the program may read (and, with {@code packetWrite}, write) the packet
 */
public record ProgramType(String name, int linuxType, List<String> sectionPrefixes, ContextLayout context,
                          Optional<HelperPrototype.Range> returnRange, boolean packetAccess, boolean packetWrite) {
    public ProgramType {
        sectionPrefixes = List.copyOf(sectionPrefixes);
    }
}
