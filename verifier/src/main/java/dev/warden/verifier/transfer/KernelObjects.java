package dev.warden.verifier.transfer;

import dev.warden.isa.Instruction.Extension;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.platform.BtfFieldRead;
import dev.warden.verifier.platform.BtfObjects;
import dev.warden.verifier.platform.ContextField;
import dev.warden.verifier.platform.ContextLayout;
import dev.warden.verifier.platform.KernelBtf;
import dev.warden.verifier.platform.ObjectKind;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.Optional;

/**
 * Accesses through pointers to kernel objects other than the context.
 *
 * <p>Objects with a platform layout ({@link PtrKind#SOCKET}: sockets, TCP and XDP sockets, flow
 * keys) are checked like a context: a constant offset inside one readable field.
 *
 * <p>Objects typed by BTF ({@link PtrKind#BTF_ID}, {@link PtrKind#BTF_UNTRUSTED}) follow the
 * kernel's trust model for tracing programs: any bytes inside the struct may be read, at a constant
 * offset, and the kernel runs such loads as exception-handled probe reads (BPF_PROBE_MEM), so a read
 * of freed or unmapped memory gives 0 instead of a fault. Warden assumes the same of whoever runs
 * the program. Nothing may be written. A pointer member loaded whole is a new (untrusted) kernel
 * object pointer of the member's struct; anything else is a number of the load's width.
 */
final class KernelObjects {
    private KernelObjects() {}

    /** A name for messages. */
    static String layoutName(int region) {
        if (region < 0 || region >= ObjectKind.values().length) {
            return "a kernel object pointer";
        }
        return switch (ObjectKind.values()[region]) {
            case SOCKET -> "a socket pointer (struct bpf_sock)";
            case SOCK_COMMON -> "a socket pointer of any kind (struct bpf_sock, common fields)";
            case TCP_SOCK -> "a TCP socket pointer (struct bpf_tcp_sock)";
            case XDP_SOCK -> "an XDP socket pointer (struct bpf_xdp_sock)";
            case FLOW_KEYS -> "the flow keys pointer (struct bpf_flow_keys)";
        };
    }

    static boolean layoutAccess(Env env, AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Access.Kind kind,
                                Sink sink) {
        Optional<ContextLayout> layout = p.region() >= 0 && p.region() < ObjectKind.values().length
                ? env.platform().objectLayout(ObjectKind.values()[p.region()]) : Optional.empty();
        if (layout.isEmpty()) {
            sink.violation(pc, new Obligation.Type("a kernel object with a known layout", layoutName(p.region())), "R" + reg + " is " + layoutName(p.region())
                    + ", whose fields the platform does not describe", s);
            return false;
        }
        String struct = layout.get().structName();
        if (!p.off().isConstant()) {
            sink.violation(pc, Access.valid(p, off, size, kind), kind.word + " at a variable offset " + Access.range(p.off(), off)
                    + " of struct " + struct + " (the offset must be a constant)", s);
            return false;
        }
        long at = p.off().tnum().value() + off;
        Optional<ContextField> field = layout.get().fieldContaining(at, size);
        if (field.isEmpty()) {
            sink.violation(pc, Access.valid(p, off, size, kind), kind.word + " of " + size + " bytes at offset " + at
                    + " of struct " + struct + " is not inside a field programs may access through " + layoutName(p.region()), s);
            return false;
        }
        ContextField f = field.get();
        if (kind == Access.Kind.READ && !f.readable() || kind == Access.Kind.WRITE && !f.writable()) {
            sink.violation(pc, Access.valid(p, off, size, kind), struct + "." + f.name() + " may not be "
                    + (kind == Access.Kind.WRITE ? "written" : "read") + " through " + layoutName(p.region()), s);
            return false;
        }
        if (size < f.size() && !f.narrowReads()) {
            sink.violation(pc, Access.valid(p, off, size, kind), struct + "." + f.name() + " must be accessed with its full size ("
                    + f.size() + " bytes), not " + size, s);
            return false;
        }
        return true;
    }

    static boolean btfAccess(Env env, AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Access.Kind kind,
                             Sink sink) {
        if (kind == Access.Kind.WRITE) {
            sink.violation(pc, Access.valid(p, off, size, kind), "R" + reg + " points to a kernel object"
                    + env.platform().kernelBtf().filter(k -> p.region() > 0).map(k -> " (" + k.describe(p.region()) + ")").orElse("")
                    + ", which programs may read but not write", s);
            return false;
        }
        Optional<KernelBtf> kernel = env.platform().kernelBtf();
        if (kernel.isEmpty()) {
            sink.violation(pc, new Obligation.Type("a kernel object typed by BTF", "no target BTF"), "R" + reg + " is a kernel object pointer, and there is no target BTF to type it"
                    + " (pass --btf FILE, or run where /sys/kernel/btf/vmlinux is readable)", s);
            return false;
        }
        if (p.region() <= 0) {
            sink.violation(pc, new Obligation.Type("a kernel object typed by BTF", "a type Warden does not know"), "R" + reg + " is a kernel object pointer of a type Warden does not know,"
                    + " so nothing may be read through it", s);
            return false;
        }
        String struct = kernel.get().describe(p.region());
        if (!p.off().isConstant()) {
            sink.violation(pc, Access.valid(p, off, size, Access.Kind.READ), "read at a variable offset " + Access.range(p.off(), off) + " of "
                    + struct + " (reads of kernel objects need a constant offset)", s);
            return false;
        }
        long at = p.off().tnum().value() + off;
        if (BtfFieldRead.of(kernel.get(), p.region(), at, size) instanceof BtfFieldRead.Outside o) {
            sink.violation(pc, Access.valid(p, off, size, Access.Kind.READ), "read of " + size + " bytes at offset " + at + " of " + struct
                    + " (" + o.structSize() + " bytes) is outside the struct", s);
            return false;
        }
        return true;
    }

    /**
     * Whether the member of {@code struct} at byte {@code at} (directly, or inside anonymous structs
     * and unions, as {@code __bpf_md_ptr} declares them) is a pointer field the platform data calls trusted.
     */
    private static Optional<BtfObjects.Trust> trustedField(Env env, KernelBtf kernel, int struct, long at) {
        Optional<dev.warden.isa.elf.BtfType> t = kernel.btf().byId(struct);
        if (t.isEmpty() || !(t.get() instanceof dev.warden.isa.elf.BtfType.Struct s)) {
            return Optional.empty();
        }
        return trustedMember(env, kernel, s.name(), s.members(), 8 * at, 0);
    }

    private static Optional<BtfObjects.Trust> trustedMember(Env env, KernelBtf kernel, String struct,
                                                            java.util.List<dev.warden.isa.elf.BtfType.Member> members,
                                                            long bit, int depth) {
        for (dev.warden.isa.elf.BtfType.Member m : members) {
            if (m.bitfieldSize() != 0) {
                continue;
            }
            if (m.name().isEmpty() && depth < 4) {
                Optional<dev.warden.isa.elf.BtfType> inner = kernel.btf().resolve(m.type());
                java.util.List<dev.warden.isa.elf.BtfType.Member> nested =
                        inner.isPresent() && inner.get() instanceof dev.warden.isa.elf.BtfType.Union u ? u.members()
                        : inner.isPresent() && inner.get() instanceof dev.warden.isa.elf.BtfType.Struct st ? st.members()
                        : java.util.List.of();
                Optional<BtfObjects.Trust> found = trustedMember(env, kernel, struct, nested, bit - m.bitOffset(), depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            } else if (m.bitOffset() == bit) {
                Optional<BtfObjects.Trust> trust = env.platform().btfObjects().trusted(struct, m.name());
                if (trust.isPresent()) {
                    return trust;
                }
            }
        }
        return Optional.empty();
    }

    /** The value a proved load through a kernel object pointer gives. */
    static Value load(Env env, Value.Ptr p, int off, int size, Extension extension, int site) {
        Value unknown = extension == Extension.SIGN ? Sizes.signed(size) : Sizes.unsigned(size);
        if (p.kind() == PtrKind.SOCKET) {
            return unknown;
        }
        Optional<KernelBtf> kernel = env.platform().kernelBtf();
        if (kernel.isEmpty() || p.region() <= 0 || !p.off().isConstant()) {
            return unknown;
        }
        long at = p.off().tnum().value() + off;
        if (BtfFieldRead.of(kernel.get(), p.region(), at, size) instanceof BtfFieldRead.Pointer q) {
            Optional<BtfObjects.Trust> trust = p.kind() == PtrKind.BTF_ID ? trustedField(env, kernel.get(), p.region(), at)
                    : Optional.empty();
            if (trust.isPresent()) {
                // A field the kernel keeps valid while its holder is (bpf_iter_meta.seq, file.f_inode...).
                return trust.get() == BtfObjects.Trust.TRUSTED ? Value.Ptr.of(PtrKind.BTF_ID, q.composite(), 0)
                        : new Value.Ptr(PtrKind.BTF_ID, q.composite(), dev.warden.domains.Scalar.constant(0), site, 0,
                                dev.warden.verifier.state.Nullness.MAYBE_NULL, 0);
            }
            // Nothing keeps the object a field points to alive: it is untrusted. The kernel calls it
            // non-null, and so does Warden for reads (they are probe reads); a null check on it is
            // still a real branch (BranchTransfer).
            return Value.Ptr.of(PtrKind.BTF_UNTRUSTED, q.composite(), 0);
        }
        return unknown;
    }
}
