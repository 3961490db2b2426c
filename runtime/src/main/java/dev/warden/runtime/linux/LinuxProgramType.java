package dev.warden.runtime.linux;

import dev.warden.verifier.platform.ContextField;
import dev.warden.verifier.platform.ContextLayout;
import dev.warden.verifier.platform.Platform;
import dev.warden.vm.Access;
import dev.warden.vm.InputKind;
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
 * <p>The tracing types (kprobe, tracepoint, raw_tracepoint, perf_event, fentry, fexit, tp_btf) have no
 * packet: their context is a record the user gives (registers, a trace record, the arguments), and
 * its size and writability are read from the verifier's platform data, so that the runtime's context
 * is exactly the verifier's model of it ({@link #tracing}). Their packet offsets are -1.
 *
 * @param name the name {@code --type} takes, the same as the verifier platform's
 * @param contextSize bytes of the context structure
 * @param dataOffset offset of the u32 {@code data} field, or -1 for a type without a packet
 * @param dataEndOffset offset of the u32 {@code data_end} field, or -1
 * @param dataMetaOffset offset of the u32 {@code data_meta} field, or -1
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

    /**
     * {@code BPF_PROG_TYPE_KPROBE} (kprobe, kretprobe, uprobe, uretprobe, usdt...): x86-64 {@code struct
     * pt_regs} (168 bytes), read-only as Linux enforces.
     */
    public static final LinuxProgramType KPROBE = tracing("kprobe");

    /**
     * {@code BPF_PROG_TYPE_TRACEPOINT}: the raw trace record, its 8-byte common header first. The context
     * is as large as the verifier lets a program read (2048 bytes); the user's record fills its start,
     * the rest is zero.
     */
    public static final LinuxProgramType TRACEPOINT = tracing("tracepoint");

    /** {@code BPF_PROG_TYPE_RAW_TRACEPOINT}: {@code struct bpf_raw_tracepoint_args}, twelve u64 arguments, read-only. */
    public static final LinuxProgramType RAW_TRACEPOINT = tracing("raw_tracepoint");

    /** {@code BPF_PROG_TYPE_PERF_EVENT}: {@code struct bpf_perf_event_data} (the registers, sample_period, addr), read-only. */
    public static final LinuxProgramType PERF_EVENT = tracing("perf_event");

    /** {@code BPF_PROG_TYPE_TRACING}, fentry: the traced function's arguments as twelve u64 slots, read-only. */
    public static final LinuxProgramType FENTRY = tracing("fentry");

    /** fexit: the arguments, then the return value, in u64 slots. */
    public static final LinuxProgramType FEXIT = tracing("fexit");

    /** tp_btf: a BTF-typed tracepoint's arguments in u64 slots. */
    public static final LinuxProgramType TP_BTF = tracing("tp_btf");

    private static final List<LinuxProgramType> ALL =
            List.of(XDP, TC, SOCKET, KPROBE, TRACEPOINT, RAW_TRACEPOINT, PERF_EVENT, FENTRY, FEXIT, TP_BTF);

    /**
     * A type without a packet whose context is the verifier platform's layout for {@code name}: its
     * size, and read-only unless a field of it is writable. One source of truth: a context the
     * runtime made smaller than the verifier's model would fault on reads the verifier allowed.
     */
    private static LinuxProgramType tracing(String name) {
        ContextLayout c = Platform.linux().type(name).orElseThrow(() ->
                new IllegalStateException("the verifier's platform has no program type " + name)).context();
        boolean writable = c.fields().stream().anyMatch(ContextField::writable);
        return new LinuxProgramType(name, c.size(), -1, -1, -1, -1, writable ? Access.READ_WRITE : Access.READ_ONLY,
                InputKind.PLAIN);
    }

    /** Whether runs of this type get a packet (xdp, tc, socket); the others get a context record of the user's. */
    public boolean hasPacket() {
        return dataOffset >= 0;
    }

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

    /**
     * The type called {@code name} ({@code xdp}, {@code tc}, {@code socket}, {@code kprobe},
     * {@code tracepoint}...; {@code classifier} and {@code socket_filter} are aliases, and so is any
     * libbpf section name the verifier's platform maps to a type here: {@code uprobe} and
     * {@code kretprobe} are kprobe, {@code raw_tp} is raw_tracepoint, {@code tp} is tracepoint).
     */
    public static Optional<LinuxProgramType> named(String name) {
        String n = switch (name) {
            case "classifier", "sched_cls", "tcx" -> "tc";
            case "socket_filter" -> "socket";
            default -> name;
        };
        Optional<LinuxProgramType> direct = ALL.stream().filter(t -> t.name.equals(n)).findFirst();
        if (direct.isPresent()) {
            return direct;
        }
        // The platform's section prefixes are the aliases of the tracing types (uprobe, kretprobe, raw_tp...).
        return Platform.linux().typeForSection(n).flatMap(t -> ALL.stream()
                .filter(x -> !x.hasPacket() && x.name.equals(t.name())).findFirst());
    }

    /**
     * The type a libbpf section name selects ({@code xdp}, {@code xdp/...}, {@code tc}, {@code classifier},
     * {@code socket}, {@code kprobe/...}, {@code uprobe/...}, {@code tracepoint/...}, {@code raw_tp/...}, {@code fentry/...}...).
     */
    public static Optional<LinuxProgramType> forSection(String section) {
        String head = section.contains("/") ? section.substring(0, section.indexOf('/')) : section;
        return named(head.equals("xdp.frags") ? "xdp" : head);
    }

    /** The names of the supported types, for messages. */
    public static List<String> names() {
        return ALL.stream().map(LinuxProgramType::name).toList();
    }
}
