package dev.warden.verifier.platform;

import dev.warden.isa.elf.Btf;
import dev.warden.isa.elf.BtfType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The exact context of a BTF-typed tracing program, built from the kernel's BTF: one u64 slot per
 * argument of the attach target (two for a struct of 9 to 16 bytes passed by value), then, for
 * programs that see it, the target's return value. A pointer to a struct or union is a {@link
 * FieldKind#BTF_ID} slot, anything else a scalar, as the kernel's btf_ctx_access treats them.
 *
 * <p>This refines the twelve-scalar {@code btf_args} context of {@link Platform#linux()}: slots past
 * the target's arguments are inaccessible, as in the kernel. Which struct a BTF_ID slot points to is
 * left to the caller (the parameter's BTF type is in the kernel's prototype).
 */
public final class TracingContexts {
    /** Slots the kernel gives a tracing context at most (MAX_BPF_FUNC_ARGS). */
    private static final int MAX_SLOTS = 12;

    private TracingContexts() {}

    /** How the program attaches, which decides where the prototype is and whether the return value is visible. */
    public enum Attach {
        /** {@code fentry/F}: the arguments of kernel function F. */
        FENTRY("", false),
        /** {@code fexit/F}: the arguments of F, then its return value. */
        FEXIT("", true),
        /** {@code fmod_ret/F}: the arguments of F, then the return value so far. */
        FMOD_RET("", true),
        /** {@code lsm/H}: the arguments of {@code bpf_lsm_H}, then the return value so far. */
        LSM("bpf_lsm_", true),
        /** {@code tp_btf/T}: the arguments of tracepoint T ({@code btf_trace_T} without its leading {@code void *}). */
        TP_BTF("btf_trace_", false);

        private final String prefix;
        private final boolean returnSlot;

        Attach(String prefix, boolean returnSlot) {
            this.prefix = prefix;
            this.returnSlot = returnSlot;
        }
    }

    /**
     * The context for attaching to {@code target}, or empty when the BTF has no such target or its
     * prototype does not fit in twelve slots (the kernel refuses such attachments).
     */
    public static Optional<ContextLayout> of(Btf kernel, Attach attach, String target) {
        Optional<BtfType.FuncProto> proto = attach == Attach.TP_BTF ? tracepoint(kernel, target)
                : kernel.prototype(attach.prefix + target);
        if (proto.isEmpty() || proto.get().variadic()) {
            return Optional.empty();
        }
        List<BtfType.Param> params = proto.get().params();
        if (attach == Attach.TP_BTF) {
            params = params.isEmpty() ? params : params.subList(1, params.size()); // the tracepoint's void *__data
        }
        List<ContextField> fields = new ArrayList<>();
        int slot = 0;
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).name().isEmpty() ? "arg" + i : params.get(i).name();
            Optional<Integer> used = addSlots(kernel, fields, name, params.get(i).type(), slot);
            if (used.isEmpty()) {
                return Optional.empty();
            }
            slot += used.get();
        }
        if (attach.returnSlot && proto.get().returnType() != 0) {
            Optional<Integer> used = addSlots(kernel, fields, "retval", proto.get().returnType(), slot);
            if (used.isEmpty()) {
                return Optional.empty();
            }
            slot += used.get();
        }
        if (slot > MAX_SLOTS) {
            return Optional.empty();
        }
        return Optional.of(new ContextLayout("btf_ctx " + attach.name().toLowerCase() + "/" + target, 8 * slot, fields));
    }

    private static Optional<BtfType.FuncProto> tracepoint(Btf kernel, String target) {
        return kernel.named(Attach.TP_BTF.prefix + target, BtfType.Typedef.class)
                .flatMap(t -> kernel.resolve(t.type()))
                .filter(t -> t instanceof BtfType.Ptr)
                .flatMap(p -> kernel.resolve(((BtfType.Ptr) p).target()))
                .filter(t -> t instanceof BtfType.FuncProto)
                .map(t -> (BtfType.FuncProto) t);
    }

    /** Adds the slots of one value; empty when its type is too large or unsized. */
    private static Optional<Integer> addSlots(Btf kernel, List<ContextField> fields, String name, int type, int slot) {
        BtfType t = kernel.resolve(type).orElseThrow();
        if (t instanceof BtfType.Ptr p) {
            Optional<BtfType> target = kernel.resolve(p.target());
            boolean toStruct = target.map(x -> x instanceof BtfType.Struct || x instanceof BtfType.Union).orElse(false);
            String pointee = toStruct ? target.get().name() : "";
            fields.add(new ContextField(name, 8 * slot, 8, toStruct ? FieldKind.BTF_ID : FieldKind.SCALAR, true, false, !toStruct,
                    pointee));
            return Optional.of(1);
        }
        OptionalLong size = kernel.sizeOf(type);
        if (size.isEmpty() || size.getAsLong() > 16) {
            return Optional.empty();
        }
        int slots = size.getAsLong() > 8 ? 2 : 1;
        fields.add(new ContextField(name, 8 * slot, 8 * slots, FieldKind.SCALAR, true, false, true));
        return Optional.of(slots);
    }
}
