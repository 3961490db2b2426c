package dev.warden.verifier.transfer;

import dev.warden.isa.elf.BtfType;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.platform.ArgKind;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.KernelBtf;
import dev.warden.verifier.platform.ObjectKind;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Helper arguments and results that are kernel objects: sockets with a platform layout and
 * BTF-typed pointers, after the kernel's check_reg_type and btf_struct_ids_match.
 */
final class KernelArguments {
    private KernelArguments() {}

    /** The socket kinds ARG_PTR_TO_SOCK_COMMON accepts (PTR_TO_SOCK_COMMON, _SOCKET, _TCP_SOCK, _XDP_SOCK). */
    private static final Set<ObjectKind> ANY_SOCKET = EnumSet.of(ObjectKind.SOCKET, ObjectKind.SOCK_COMMON,
            ObjectKind.TCP_SOCK, ObjectKind.XDP_SOCK);

    /** Nesting of structs at one offset that {@link #begins} follows (the kernel's walk stops at 32 too). */
    private static final int MAX_DEPTH = 32;

    static void check(Env env, AbstractState s, int pc, HelperPrototype h, int index, ArgKind kind, Value v, Sink sink) {
        int reg = index + 1;
        if (!(v instanceof Value.Ptr p) || p.maybeNull()) {
            fail(sink, pc, s, h, reg, "must be a non-null kernel object pointer, not " + v);
            return;
        }
        if (p.kind() == PtrKind.BTF_UNTRUSTED) {
            fail(sink, pc, s, h, reg, "is a kernel object pointer loaded from a field of another (untrusted: nothing keeps it"
                    + " alive); helpers take only pointers the kernel or a helper handed to the program");
            return;
        }
        switch (kind) {
            case PTR_TO_SOCKET -> {
                if (!(p.kind() == PtrKind.SOCKET && p.region() == ObjectKind.SOCKET.ordinal() && offsetZero(p))) {
                    fail(sink, pc, s, h, reg, "must be a full socket (from a socket lookup, or bpf_sk_fullsock), not " + v);
                }
            }
            case PTR_TO_SOCK_COMMON -> {
                boolean socket = p.kind() == PtrKind.SOCKET && p.region() >= 0 && p.region() < ObjectKind.values().length
                        && ANY_SOCKET.contains(ObjectKind.values()[p.region()]) && offsetZero(p);
                if (!socket && !(p.kind() == PtrKind.BTF_ID && btfMatches(env, p, env.platform().btfObjects().sockCommon()))) {
                    fail(sink, pc, s, h, reg, "must be a socket (any kind), not " + v);
                }
            }
            case PTR_TO_BTF_ID, PTR_TO_BTF_ID_OR_NULL -> {
                if (kind == ArgKind.PTR_TO_BTF_ID && p.kind() == PtrKind.CTX) {
                    break;
                }
                Optional<String> want = env.platform().btfObjects().argument(h.id(), index);
                if (p.kind() != PtrKind.BTF_ID) {
                    fail(sink, pc, s, h, reg, "must be a kernel object pointer" + want.map(w -> " to struct " + w).orElse("")
                            + ", not " + v);
                } else if (want.isPresent() && !btfMatches(env, p, Set.of(want.get()))) {
                    fail(sink, pc, s, h, reg, "must point to struct " + want.get() + ", not to "
                            + env.platform().kernelBtf().map(k -> p.region() > 0 ? k.describe(p.region()) : "a struct Warden does not know")
                                .orElse("an untyped kernel object") + " at offset " + Access.range(p.off(), 0));
                }
            }
            default -> { // PTR_TO_PERCPU_BTF_ID: a per-CPU variable's address (ld_imm64 of a ksym)
                if (p.kind() != PtrKind.BTF_ID) {
                    fail(sink, pc, s, h, reg, "must be the address of a per-CPU kernel variable, not " + v);
                }
            }
        }
    }

    private static boolean offsetZero(Value.Ptr p) {
        return p.off().isConstant() && p.off().tnum().value() == 0;
    }

    /**
     * Whether the pointer points to one of the structs (by name), or to a struct nested at its offset
     * that is one. Without a target BTF there are no types to compare: an untyped pointer is accepted
     * as before types were known (the kernel would check the id; see docs/verifier.md).
     */
    private static boolean btfMatches(Env env, Value.Ptr p, Set<String> structs) {
        Optional<KernelBtf> kernel = env.platform().kernelBtf();
        if (kernel.isEmpty()) {
            return p.region() == 0;
        }
        if (p.region() <= 0 || !p.off().isConstant()) {
            return false;
        }
        for (String name : structs) {
            OptionalInt want = kernel.get().composite(name);
            if (want.isPresent() && begins(kernel.get(), p.region(), p.off().tnum().value(), want.getAsInt(), 0)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the struct {@code want} lies at {@code offset} of {@code composite}, itself or nested (not through pointers). */
    static boolean begins(KernelBtf kernel, int composite, long offset, int want, int depth) {
        if (offset == 0 && composite == want) {
            return true;
        }
        if (depth > MAX_DEPTH || offset < 0) {
            return false;
        }
        Optional<BtfType> t = kernel.btf().byId(composite);
        java.util.List<BtfType.Member> members = t.map(x -> x instanceof BtfType.Struct st ? st.members()
                : x instanceof BtfType.Union u ? u.members() : java.util.List.<BtfType.Member>of()).orElse(java.util.List.of());
        for (BtfType.Member m : members) {
            if (m.bitfieldSize() != 0 || m.bitOffset() % 8 != 0) {
                continue;
            }
            OptionalInt inner = kernel.btf().resolve(m.type()).filter(x -> x instanceof BtfType.Struct || x instanceof BtfType.Union)
                    .map(x -> OptionalInt.of(x.id())).orElse(OptionalInt.empty());
            OptionalLong size = kernel.btf().sizeOf(m.type());
            if (inner.isEmpty() || size.isEmpty()) {
                continue;
            }
            long start = m.byteOffset();
            if (offset >= start && offset < start + size.getAsLong()
                    && begins(kernel, inner.getAsInt(), offset - start, want, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** The target BTF's id of the struct a helper's BTF pointer result points to; 0 (untyped) when not known. */
    static int returned(Env env, HelperPrototype h) {
        Optional<String> name = env.platform().btfObjects().returned(h.id());
        if (name.isEmpty()) {
            return 0;
        }
        return env.platform().kernelBtf().map(k -> k.composite(name.get()).orElse(0)).orElse(0);
    }

    private static void fail(Sink sink, int pc, AbstractState s, HelperPrototype h, int reg, String what) {
        sink.violation(pc, new Obligation.HelperArgument(h.name(), reg, what), "R" + reg + " (argument " + reg + " of " + h.name() + ") " + what, s);
    }
}
