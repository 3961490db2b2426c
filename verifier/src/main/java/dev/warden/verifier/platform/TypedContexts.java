package dev.warden.verifier.platform;

import dev.warden.isa.elf.BtfType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The exact context of a program whose context the kernel types by BTF, from the attach target its
 * section names: {@code fentry/do_unlinkat} gets {@code do_unlinkat}'s arguments, {@code
 * tp_btf/sched_switch} those of {@code btf_trace_sched_switch}, {@code lsm/file_open} those of
 * {@code bpf_lsm_file_open}, {@code iter/task} the members of {@code struct bpf_iter__task}. Pointer
 * arguments to structs become kernel object pointers of that struct. Without a target BTF, or for a
 * target it lacks, the type keeps its platform-data context (plain numbers), which is the safe side.
 */
public final class TypedContexts {
    private TypedContexts() {}

    private static final Map<String, TracingContexts.Attach> ATTACH = Map.of(
            "fentry", TracingContexts.Attach.FENTRY,
            "fexit", TracingContexts.Attach.FEXIT,
            "fmod_ret", TracingContexts.Attach.FMOD_RET,
            "lsm", TracingContexts.Attach.LSM,
            "lsm_cgroup", TracingContexts.Attach.LSM,
            "tp_btf", TracingContexts.Attach.TP_BTF);

    /** The iterator type whose context is built from {@code struct bpf_iter__TARGET}. */
    private static final String ITER = "iter";

    /**
     * The type with its context typed by the attach target in {@code section} (the part after the
     * first {@code /}); the type itself when it is not BTF-typed or the target is not found. The
     * kernel BTF is asked for only when the type needs it.
     */
    public static ProgramType forSection(ProgramType type, String section, Supplier<Optional<KernelBtf>> kernel) {
        TracingContexts.Attach attach = ATTACH.get(type.name());
        if (attach == null && !type.name().equals(ITER)) {
            return type;
        }
        int slash = section.indexOf('/');
        String target = slash < 0 ? "" : section.substring(slash + 1);
        if (target.isEmpty()) {
            return type;
        }
        Optional<KernelBtf> btf = kernel.get();
        if (btf.isEmpty()) {
            return type;
        }
        Optional<ContextLayout> context = attach != null ? TracingContexts.of(btf.get().btf(), attach, target)
                : iterator(btf.get(), target);
        return context.map(c -> new ProgramType(type.name(), type.linuxType(), type.sectionPrefixes(), c, type.returnRange(),
                type.packetAccess(), type.packetWrite(), type.quality())).orElse(type);
    }

    /**
     * {@code struct bpf_iter__TARGET}: the kernel declares each member as a union of the pointer and a
     * u64 (__bpf_md_ptr). The first member is the iterator's meta (never null), each further pointer
     * to a struct may be null (the end of the iteration). A member of any other kind (a key or value
     * buffer) is left to the platform data: the context is not built.
     */
    static Optional<ContextLayout> iterator(KernelBtf kernel, String target) {
        Optional<BtfType.Struct> s = kernel.btf().named("bpf_iter__" + target, BtfType.Struct.class);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        List<ContextField> fields = new ArrayList<>();
        for (BtfType.Member m : s.get().members()) {
            String name = m.name();
            int type = m.type();
            Optional<BtfType> t = kernel.btf().resolve(type);
            if (t.isPresent() && t.get() instanceof BtfType.Union u && u.name().isEmpty() && !u.members().isEmpty()) {
                name = u.members().getFirst().name();
                type = u.members().getFirst().type();
                t = kernel.btf().resolve(type);
            }
            if (m.bitfieldSize() != 0 || m.bitOffset() % 64 != 0 || t.isEmpty() || !(t.get() instanceof BtfType.Ptr p)) {
                return Optional.empty();
            }
            Optional<BtfType> pointee = kernel.btf().resolve(p.target());
            if (pointee.isEmpty() || !(pointee.get() instanceof BtfType.Struct || pointee.get() instanceof BtfType.Union)
                    || pointee.get().name().isEmpty()) {
                return Optional.empty();
            }
            FieldKind kind = fields.isEmpty() ? FieldKind.BTF_ID : FieldKind.BTF_ID_OR_NULL;
            fields.add(new ContextField(name, (int) m.byteOffset(), 8, kind, true, false, false, pointee.get().name()));
        }
        OptionalLong size = kernel.btf().sizeOf(s.get().id());
        if (fields.isEmpty() || size.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ContextLayout("bpf_iter__" + target, (int) size.getAsLong(), fields));
    }
}
