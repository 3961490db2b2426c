package dev.warden.runtime.linux;

import dev.warden.vm.Access;
import dev.warden.vm.InputKind;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Linux program types the execution environment can run, with the facts about their context
 * structure that running needs: its size, where the packet pointers sit (uapi {@code struct
 * xdp_md} and {@code struct __sk_buff}), and whether the program may write the context.
 *
 * <p>The pointer fields are 32 bits wide in uapi, and the kernel rewrites the program's 32-bit
 * loads of them into loads of 64-bit kernel pointers. Warden does not rewrite anything: it places
 * the packet below 4 GiB ({@link PacketBuffer}), so the u32 field holds the packet's real address
 * and a plain 32-bit load, zero-extended, gives exactly the pointer the kernel would.
 *
 * @param name the name {@code --type} takes, the same as the verifier platform's
 * @param contextSize bytes of the context structure
 * @param dataOffset offset of the u32 {@code data} field
 * @param dataEndOffset offset of the u32 {@code data_end} field
 * @param dataMetaOffset offset of the u32 {@code data_meta} field
 * @param lengthOffset offset of a u32 field that holds the packet length, or -1 (xdp has none)
 * @param contextAccess whether stores to the context are possible at all (the verifier decides
 *     which fields; the runtime only keeps a read-only context read-only)
 * @param inputKind whether legacy packet loads ({@code ldabs}/{@code ldind}) read the packet
 */
public record LinuxProgramType(String name, int contextSize, int dataOffset, int dataEndOffset, int dataMetaOffset,
                               int lengthOffset, Access contextAccess, InputKind inputKind) {

    /** {@code BPF_PROG_TYPE_XDP}: {@code struct xdp_md} (24 bytes), read-only; no legacy packet loads. */
    public static final LinuxProgramType XDP =
            new LinuxProgramType("xdp", 24, 0, 4, 8, -1, Access.READ_ONLY, InputKind.PLAIN);

    /** {@code BPF_PROG_TYPE_SCHED_CLS}: {@code struct __sk_buff} (192 bytes); mark, priority, cb[]... are writable. */
    public static final LinuxProgramType TC =
            new LinuxProgramType("tc", SkBuff.SIZE, SkBuff.DATA, SkBuff.DATA_END, SkBuff.DATA_META, SkBuff.LEN,
                    Access.READ_WRITE, InputKind.PACKET);

    /** {@code BPF_PROG_TYPE_SOCKET_FILTER}: {@code struct __sk_buff}; the verifier forbids direct packet access. */
    public static final LinuxProgramType SOCKET =
            new LinuxProgramType("socket", SkBuff.SIZE, SkBuff.DATA, SkBuff.DATA_END, SkBuff.DATA_META, SkBuff.LEN,
                    Access.READ_WRITE, InputKind.PACKET);

    private static final List<LinuxProgramType> ALL = List.of(XDP, TC, SOCKET);

    /** Offsets of {@code struct __sk_buff} (uapi linux/bpf.h). */
    static final class SkBuff {
        static final int LEN = 0;
        static final int PKT_TYPE = 4;
        static final int PROTOCOL = 16;
        static final int INGRESS_IFINDEX = 36;
        static final int IFINDEX = 40;
        static final int DATA = 76;
        static final int DATA_END = 80;
        static final int DATA_META = 140;
        static final int WIRE_LEN = 160;
        static final int SIZE = 192;

        private SkBuff() {}
    }

    /** The type called {@code name} ({@code xdp}, {@code tc}, {@code socket}; {@code classifier} and {@code socket_filter} are aliases). */
    public static Optional<LinuxProgramType> named(String name) {
        String n = switch (name) {
            case "classifier", "sched_cls", "tcx" -> "tc";
            case "socket_filter" -> "socket";
            default -> name;
        };
        return ALL.stream().filter(t -> t.name.equals(n)).findFirst();
    }

    /** The type a libbpf section name selects ({@code xdp}, {@code xdp/...}, {@code tc}, {@code classifier}, {@code socket}...). */
    public static Optional<LinuxProgramType> forSection(String section) {
        String head = section.contains("/") ? section.substring(0, section.indexOf('/')) : section;
        return named(head.equals("xdp.frags") ? "xdp" : head);
    }

    /** The names of the supported types, for messages. */
    public static List<String> names() {
        return Arrays.asList("xdp", "tc", "socket");
    }
}
