package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.isa.elf.BtfType;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.platform.KernelBtf;
import dev.warden.verifier.platform.Kfunc;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Locks;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A call of a kernel function (kfunc) named by the object's BTF (the extern {@code __ksym}
 * declaration the call instruction's immediate points to). The platform must know the kfunc
 * ({@link Kfunc}: its flags) and the target BTF must have it (its prototype): pointer arguments must
 * be trusted kernel objects of the parameter's struct, scalar arguments numbers; the result is typed
 * by the prototype's return type. Acquired results are references to release; RCU sections pair.
 */
final class KfuncCall {
    private KfuncCall() {}

    static AbstractState call(Env env, AbstractState s, int pc, int btfId, Sink sink) {
        Optional<String> name = env.object().btf().flatMap(b -> b.byId(btfId))
                .filter(t -> t instanceof BtfType.Func).map(BtfType::name);
        if (name.isEmpty()) {
            return unknown(s, pc, "kfunc (BTF id " + btfId + ")", "kfunc (BTF id " + btfId + ") is not known to the platform", sink);
        }
        Optional<Kfunc> kfunc = env.platform().kfunc(name.get());
        if (kfunc.isEmpty()) {
            return unknown(s, pc, name.get(), "kfunc " + name.get() + " is not known to the platform", sink);
        }
        Optional<KernelBtf> kernel = env.platform().kernelBtf();
        Optional<BtfType.FuncProto> proto = kernel.flatMap(k -> k.btf().prototype(name.get()));
        if (proto.isEmpty()) {
            return unknown(s, pc, name.get(), "kfunc " + name.get() + " is not in the target kernel's BTF"
                    + (kernel.isEmpty() ? " (there is none: pass --btf FILE)" : ""), sink);
        }
        Kfunc k = kfunc.get();
        KernelBtf kb = kernel.get();
        if (Locks.mayBeHeld(s, Locks.Lock.SPIN)) {
            sink.violation(pc, new Obligation.KnownCall(k.name()), "kfunc " + k.name() + " is called while bpf_spin_lock may be held", s);
        }
        List<BtfType.Param> params = proto.get().params();
        if (proto.get().variadic() || params.size() > 5) {
            return unknown(s, pc, k.name(), "kfunc " + k.name() + " has a prototype Warden does not model", sink);
        }
        int released = 0;
        for (int i = 0; i < params.size(); i++) {
            int reg = i + 1;
            Value v = s.reg(reg);
            String arg = "R" + reg + " (argument " + reg + " of " + k.name() + ")";
            if (v instanceof Value.Uninit) {
                sink.violation(pc, Obligation.Initialised.register(reg), arg + " is read before it is written", s);
                continue;
            }
            Optional<BtfType> type = kb.btf().resolve(params.get(i).type());
            if (type.isPresent() && type.get() instanceof BtfType.Ptr ptr) {
                OptionalInt struct = kb.compositeOf(ptr.target());
                if (struct.isEmpty()) {
                    return unknown(s, pc, k.name(), "kfunc " + k.name() + ": " + arg + " is a pointer to memory, which Warden does not model"
                            + " for kfuncs", sink);
                }
                if (!(v instanceof Value.Ptr p) || p.kind() != PtrKind.BTF_ID || p.maybeNull() || !p.off().isConstant()
                        || p.region() <= 0 || !KernelArguments.begins(kb, p.region(), p.off().tnum().value(), struct.getAsInt(), 0)) {
                    sink.violation(pc, new Obligation.HelperArgument(k.name(), reg, "a trusted, non-null pointer to " + kb.describe(struct.getAsInt())), arg + " must be a trusted, non-null pointer to "
                            + kb.describe(struct.getAsInt()) + ", not " + describe(kb, v), s);
                    continue;
                }
                if (k.has(Kfunc.Flag.RELEASE) && released == 0) {
                    if (p.ref() == 0 || p.off().tnum().value() != 0) {
                        sink.violation(pc, new Obligation.HelperArgument(k.name(), reg, "a reference the program acquired (unmodified)"), arg + " must be a reference the program acquired"
                                + " (unmodified), not " + describe(kb, v), s);
                    } else {
                        released = p.ref();
                    }
                }
            } else if (!(v instanceof Value.Num)) {
                sink.violation(pc, new Obligation.HelperArgument(k.name(), reg, "a number"), arg + " must be a number, not " + v, s);
            }
        }
        AbstractState out = s;
        if (released != 0) {
            int ref = released;
            out = out.release(ref).mapValues(v -> v instanceof Value.Ptr q && q.ref() == ref ? Value.TOP : v);
        }
        if (k.has(Kfunc.Flag.RCU_LOCK)) {
            if (Locks.mayBeHeld(s, Locks.Lock.RCU)) {
                sink.violation(pc, new Obligation.ReferenceReleased("bpf_rcu_read_lock", java.util.OptionalInt.empty()), "bpf_rcu_read_lock may already be held here (nested RCU"
                        + " sections are refused, as in the kernel)", s);
            }
            out = Locks.lock(out, Locks.Lock.RCU);
        }
        if (k.has(Kfunc.Flag.RCU_UNLOCK)) {
            if (!Locks.surelyHeld(s, Locks.Lock.RCU)) {
                sink.violation(pc, new Obligation.ReferenceReleased("bpf_rcu_read_lock", java.util.OptionalInt.empty()), "bpf_rcu_read_unlock where bpf_rcu_read_lock may not be"
                        + " held", s);
            }
            out = Locks.unlock(out, Locks.Lock.RCU);
        }
        for (int r = 1; r <= 5; r++) {
            out = out.withReg(r, Value.UNINIT);
        }
        int site = pc + 1;
        out = out.forgetId(site);
        Value r0 = result(kb, proto.get().returnType(), k, site);
        if (r0 instanceof Value.Ptr p && p.ref() != 0) {
            out = out.acquire(p.ref());
        }
        return out.withReg(0, r0);
    }

    private static Value result(KernelBtf kb, int returnType, Kfunc k, int site) {
        Optional<BtfType> t = kb.btf().resolve(returnType);
        if (t.isEmpty() || t.get() instanceof BtfType.Void) {
            return Value.UNINIT;
        }
        if (t.get() instanceof BtfType.Ptr ptr) {
            OptionalInt struct = kb.compositeOf(ptr.target());
            if (struct.isEmpty()) {
                return Value.TOP;
            }
            boolean maybeNull = k.has(Kfunc.Flag.RET_NULL) || k.has(Kfunc.Flag.ACQUIRE);
            return new Value.Ptr(PtrKind.BTF_ID, struct.getAsInt(), Scalar.constant(0), maybeNull ? site : 0, 0,
                    maybeNull ? Nullness.MAYBE_NULL : Nullness.NOT_NULL, k.has(Kfunc.Flag.ACQUIRE) ? site : 0);
        }
        if (t.get() instanceof BtfType.Int i && i.encoding() == BtfType.Int.Encoding.BOOL) {
            return Value.Num.of(Scalar.signedRange(0, 1));
        }
        return Value.TOP;
    }

    private static String describe(KernelBtf kb, Value v) {
        if (v instanceof Value.Ptr p && (p.kind() == PtrKind.BTF_ID || p.kind() == PtrKind.BTF_UNTRUSTED) && p.region() > 0) {
            return v + " (" + kb.describe(p.region()) + (p.kind() == PtrKind.BTF_UNTRUSTED ? ", untrusted: loaded from a field" : "")
                    + ")";
        }
        return v.toString();
    }

    private static AbstractState unknown(AbstractState s, int pc, String name, String message, Sink sink) {
        sink.violation(pc, new Obligation.KnownCall(name), message, s);
        for (int r = 1; r <= 5; r++) {
            s = s.withReg(r, Value.UNINIT);
        }
        return s.withReg(0, Value.TOP);
    }
}
