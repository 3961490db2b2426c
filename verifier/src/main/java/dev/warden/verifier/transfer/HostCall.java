package dev.warden.verifier.transfer;

import dev.warden.eim.AccessOp;
import dev.warden.eim.Binding;
import dev.warden.eim.CType;
import dev.warden.eim.Declaration;
import dev.warden.eim.Expr;
import dev.warden.eim.Field;
import dev.warden.isa.elf.Relocation;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.eim.ConstraintProver;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.MemoryOracle;
import dev.warden.verifier.eim.Operand;
import dev.warden.verifier.eim.ReturnConstraints;
import dev.warden.verifier.eim.Truth;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calls under an EIM class. A call is allowed only through a function capability the class grants:
 * a helper by the id the capability binds, a host function by name (a kfunc call in the object).
 * Each argument constraint of the capability is an obligation at the call (the domains, then Z3);
 * with several capabilities for one function, the call must satisfy all constraints of one of them.
 * Each return constraint is assumed of r0 after the call.
 */
final class HostCall {
    private HostCall() {}

    /** A helper call: granted, constrained, then given the helper's own semantics when the platform knows it. */
    static AbstractState helper(Env env, Callees callees, AbstractState s, int pc, int id, Sink sink) {
        EimPlatform eim = env.eim().orElseThrow().platform();
        Binding target = new Binding.Helper(id);
        List<Declaration.FunctionCapability> caps = eim.capabilities(target);
        String name = env.platform().helper(id).map(h -> "bpf_" + h.name() + " (helper " + id + ")").orElse("helper " + id);
        if (caps.isEmpty()) {
            ungranted(env, eim, s, pc, name, target, sink);
            return clobber(s, Value.TOP);
        }
        arguments(env, eim, s, pc, name, caps, sink);
        AbstractState out = env.platform().helper(id).isPresent() ? HelperCall.call(env, callees, s, pc, id, sink)
                : clobber(s, result(eim, caps));
        return out.withReg(0, ReturnConstraints.assume(eim, caps, out.reg(0)));
    }

    /** A kfunc call: the host function its relocation (or, in assembly, its number) names. */
    static AbstractState kfunc(Env env, AbstractState s, int pc, int imm, Sink sink) {
        EimPlatform eim = env.eim().orElseThrow().platform();
        Optional<String> fn = env.program().relocations().stream()
                .filter(r -> r.pc() == pc && (r instanceof Relocation.ExternCall || r instanceof Relocation.KfuncCall))
                .map(Relocation::symbol).findFirst()
                .or(() -> eim.hostFunctionNumber(imm));
        if (fn.isEmpty()) {
            sink.violation(pc, new Obligation.KnownCall("kfunc " + imm), "kfunc " + imm + HostAccess.line(env, pc)
                    + " names no host function of the policy", s);
            return clobber(s, Value.TOP);
        }
        Binding target = new Binding.HostFunction(fn.get());
        List<Declaration.FunctionCapability> caps = eim.capabilities(target);
        if (caps.isEmpty()) {
            ungranted(env, eim, s, pc, fn.get(), target, sink);
            return clobber(s, Value.TOP);
        }
        arguments(env, eim, s, pc, fn.get(), caps, sink);
        return clobber(s, ReturnConstraints.assume(eim, caps, result(eim, caps)));
    }

    private static void ungranted(Env env, EimPlatform eim, AbstractState s, int pc, String name, Binding target, Sink sink) {
        String hint = eim.anyCapability(target).map(c -> "; capability '" + c.name() + "' (" + eim.where(c, c)
                + ") binds it, but the class does not list it").orElse("; no capability of the policy binds it");
        sink.violation(pc, new Obligation.KnownCall(name), "call " + name + HostAccess.line(env, pc) + " is not granted: the class '"
                + eim.className() + "' (" + eim.classWhere() + ") allows no call of " + target.show() + hint, s);
    }

    /** r0 before the return constraints: the declared return type's values (unreadable for void). */
    private static Value result(EimPlatform eim, List<Declaration.FunctionCapability> caps) {
        CType ret = eim.types().layout().resolve(caps.getFirst().prototype().returns());
        return switch (ret) {
            case CType.Void v -> Value.UNINIT;
            case CType.Scalar sc -> Value.Num.of(EimPlatform.typeRange(sc.kind()));
            default -> Value.TOP; // a pointer the extension cannot dereference: the host's memory is reached only through grants
        };
    }

    private static void arguments(Env env, EimPlatform eim, AbstractState s, int pc, String name,
                                  List<Declaration.FunctionCapability> caps, Sink sink) {
        List<Field> params = caps.getFirst().prototype().parameters();
        for (int i = 0; i < params.size() && i < 5; i++) {
            if (s.reg(i + 1) instanceof Value.Uninit) {
                sink.violation(pc, Obligation.Initialised.register(i + 1), "R" + (i + 1) + " (argument " + params.get(i).name() + " of " + name
                        + ") is read before it is written", s);
            }
        }
        if (!sink.collecting()) {
            return; // the Z3 half of the discharge is only worth running on the stable states
        }
        ConstraintProver prover = env.eim().get().prover();
        MemoryOracle memory = (v, n, op) -> accessible(env, s, pc, v, n, op, sink);
        record Failure(Expr constraint, ConstraintProver.Verdict.MayFail how, Declaration.FunctionCapability cap) {}
        Failure first = null;
        for (Declaration.FunctionCapability cap : caps) {
            Map<String, Operand> scope = new LinkedHashMap<>();
            List<Field> ps = cap.prototype().parameters();
            for (int i = 0; i < ps.size() && i < 5; i++) {
                scope.put(ps.get(i).name(), new Operand(ps.get(i).type(), s.reg(i + 1)));
            }
            Failure failed = null;
            for (Expr c : cap.constraints()) {
                if (ReturnConstraints.mentionsRtn(c)) {
                    continue; // a return constraint: assumed after the call, not checked before it
                }
                if (prover.check(eim.types(), scope, memory, c) instanceof ConstraintProver.Verdict.MayFail f) {
                    failed = new Failure(c, f, cap);
                    break;
                }
            }
            if (failed == null) {
                return;
            }
            if (first == null) {
                first = failed;
            }
        }
        String alternatives = caps.size() > 1 ? " (and no other capability of the class for it holds)" : "";
        sink.violation(pc, new Obligation.Constraint(first.constraint().show(),
                eim.whereOr(first.constraint(), eim.where(first.cap(), first.cap()))), "call " + name + HostAccess.line(env, pc) + " may pass "
                + first.how().witness().orElse("arguments that break it") + "; the class '" + eim.className()
                + "' allows it only with " + first.constraint().show() + " (" + eim.whereOr(first.constraint(), eim.where(first.cap(), first.cap()))
                + ")" + alternatives + (first.how().witness().isPresent() ? "" : " [" + first.how().how() + "]"), s);
    }

    /** {@code readable}/{@code writable}: whether an access of {@code n} bytes at the pointer is proved valid. */
    private static Truth accessible(Env env, AbstractState s, int pc, Value v, long n, AccessOp op, Sink sink) {
        if (v instanceof Value.Num num) {
            return num.scalar().isConstant() && num.scalar().tnum().value() == 0 ? Truth.FALSE : Truth.UNKNOWN;
        }
        if (!(v instanceof Value.Ptr p) || n > Integer.MAX_VALUE) {
            return Truth.UNKNOWN;
        }
        boolean[] failed = {false};
        Sink probe = new Sink() {
            @Override
            public void violation(int at, Obligation obligation, String message, AbstractState state) {
                failed[0] = true;
            }

            @Override
            public void access(int at, Proof proof) {}

            @Override
            public boolean collecting() {
                return false;
            }

            @Override
            public void stackReach(int at, int depth, long offset) {
                sink.stackReach(at, depth, offset); // the host function touches those bytes: they count
            }
        };
        Sink.Proof proof = Access.check(env, s, pc, 0, p, 0, (int) n, op == AccessOp.READ ? Access.Kind.READ : Access.Kind.WRITE, probe);
        return proof == Sink.Proof.PROVED && !failed[0] ? Truth.TRUE : Truth.UNKNOWN;
    }

    private static AbstractState clobber(AbstractState s, Value r0) {
        for (int r = 1; r <= 5; r++) {
            s = s.withReg(r, Value.UNINIT);
        }
        return s.withReg(0, r0);
    }

}
